"""A metric's year-on-year change as management states it, for companies without a series.

Comparing two companies needs both changes in the same calendar quarter. EDGAR's XBRL gives
them for the companies whose filings are in the DB; for the others (their calls only) and for
segments without a dimension member, the change management states is the number ("Revenue
for the quarter was $4.8 billion, down 42% year-over-year"). What a statement must look like
is data (data/stated_growth.yaml, validated with file and line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.db import Store
from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import MetricDef, load_catalog
from claimtracker.quarters import FiscalQuarter
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml
from nlp.provenance import MANAGEMENT_SQL

STATED_FILE = REPO_DATA_DIR / "stated_growth.yaml"
_WORD = re.compile(r"[A-Za-z0-9/.%-]+")
_PCT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_GROWTH_OF = re.compile(r"^growth\((\w+)\)$")


@dataclass(frozen=True)
class StatedRules:
    window_words: int
    marker_words: int
    yoy_markers: tuple[tuple[str, ...], ...]
    up: frozenset[str]
    down: frozenset[str]
    flat: tuple[tuple[str, ...], ...]
    qualifiers: frozenset[str] = frozenset()
    not_qualifiers: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StatedGrowth:
    """A YoY change in percent and the management sentence that states it."""

    yoy: float
    sentence_id: str
    text: str


def _phrases(file: Path, data: dict[str, Any], key: str) -> tuple[tuple[str, ...], ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{file}:{data.get(LINE, 1)}: `{key}` must be a non-empty list of "
                          "phrases; restore data/stated_growth.yaml from git.")
    return tuple(tuple(_WORD.findall(v.lower())) for v in value)


def _parse(file: Path, raw: bytes) -> StatedRules:
    data = load_yaml(raw, file)
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a mapping; restore data/stated_growth.yaml from git.")
    for key in ("window_words", "marker_words"):
        if not isinstance(data.get(key), int) or data[key] < 1:
            raise ConfigError(f"{file}:{data.get(LINE, 1)}: `{key}` must be a positive whole "
                              "number of words.")
    return StatedRules(data["window_words"], data["marker_words"],
                       _phrases(file, data, "yoy_markers"),
                       frozenset(p[0] for p in _phrases(file, data, "up")),
                       frozenset(p[0] for p in _phrases(file, data, "down")),
                       _phrases(file, data, "flat"),
                       frozenset(p[0] for p in _phrases(file, data, "qualifiers")),
                       frozenset(p[0] for p in _phrases(file, data, "not_qualifiers")),
                       frozenset(p[0] for p in _phrases(file, data, "skip")))


def load_stated_rules(file: Path = STATED_FILE) -> StatedRules:
    return load_versioned(file, _parse, what="the stated-growth rules",
                          restore="restore data/stated_growth.yaml from git")


def _at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i:i + len(phrase)]) == phrase


def _qualified(raw: list[str], start: int, rules: StatedRules) -> bool:
    """The name at `start` is a segment's: "Computing and Graphics segment revenue"."""
    if start == 0:
        return False
    if any(w.lower() in rules.qualifiers for w in raw[max(0, start - 4):start]):
        return True  # "the Storage Business Unit third quarter revenue"
    before = raw[start - 1]
    if before.lower() not in rules.not_qualifiers and (before[:1].isupper() or "-" in before):
        return True  # "Gaming revenue", "PC-centric revenue", "contracted-not-recognized"
    # a name (IOTG's, DRAM) up to five words before: the figure is that business's; the
    # sentence's first word only when written in capitals ("In the quarter, revenue ...")
    return any(w[:1].isupper() and w.lower() not in rules.not_qualifiers
               and (i > 0 or w.isupper())
               for i, w in enumerate(raw[:start]) if i >= start - 5)


def read_yoy(text: str, names: list[tuple[str, ...]], rules: StatedRules, *,
             company_wide: bool = False) -> float | None:
    """The YoY change in percent a sentence states for a metric it names, else None;
    `company_wide` skips names a segment qualifies."""
    raw = [w.rstrip(".,") for w in _WORD.findall(text)]
    words = [w.lower() for w in raw]
    if any(w in rules.skip for w in words):
        return None
    for start in range(len(words)):
        name = next((n for n in names if _at(words, start, n)), None)
        if name is None or (company_wide and _qualified(raw, start, rules)):
            continue
        window = range(start + len(name), min(len(words), start + len(name) + rules.window_words))
        for i in window:
            match = _PCT.match(words[i])
            flat = next((f for f in rules.flat if _at(words, i, f)), None)
            if not match and not flat:
                continue
            if company_wide and any(w in rules.qualifiers for w in words[start:i]):
                break  # "Revenue for the Compute and Networking Business Unit was ..."
            after = i + (len(flat) if flat else 1)
            stop = next((j for j in range(after, len(words)) if _PCT.match(words[j])),
                        len(words))
            if not any(_at(words, j, m) for j in range(after, min(stop, after + rules.marker_words))
                       for m in rules.yoy_markers):
                continue
            if flat:
                return 0.0
            sign = 1.0
            for j in range(i - 1, start + len(name) - 1, -1):
                if words[j] in rules.down:
                    sign = -1.0
                    break
                if words[j] in rules.up:
                    break
            return sign * float(match.group(1))  # type: ignore[union-attr]
    return None


def metric_names(definition: MetricDef, ticker: str) -> tuple[str, list[tuple[str, ...]]]:
    """(the metric whose level is stated, the phrases that name it): a growth metric
    (`growth(revenue)`) is stated as its level's change; a segment by its member names."""
    catalog = load_catalog()
    level = definition
    match = _GROWTH_OF.match((definition.formula or "").replace(" ", ""))
    if definition.change == "lag" and match:
        level = catalog.get(match.group(1))
    names = [m for m in level.segments.get(ticker.upper(), ()) if ":" not in m]
    names += [a for a in level.all_aliases() if a.isascii()]
    phrases = (tuple(_WORD.findall(n.lower())) for n in names)
    return level.id, [p for p in phrases if p]


def stated_yoy(store: Store, tickers: list[str], quarter: FiscalQuarter,
               definition: MetricDef) -> StatedGrowth | None:
    """The first management sentence of the quarter stating the metric's YoY change: prepared
    remarks (or their summary) first, then the earnings release, then the rest."""
    rules = load_stated_rules()
    level, names = metric_names(definition, tickers[0])
    if not names:
        return None
    company_wide = not load_catalog().get(level).is_segment
    rows = store.con.execute(
        "SELECT s.sentence_id, s.text FROM sentences s WHERE upper(s.ticker) IN "
        "(SELECT unnest(?::VARCHAR[])) AND s.fiscal_year = ? AND s.fiscal_quarter = ? "
        f"AND {MANAGEMENT_SQL} AND regexp_matches(s.text, '\\d%') "
        "ORDER BY CASE WHEN s.section IN ('prepared', 'summary') THEN 0 "
        "WHEN s.doc_type = 'earnings_release' THEN 1 ELSE 2 END, s.source_id, s.ord",
        [[t.upper() for t in tickers], quarter.year, quarter.quarter]).fetchall()
    for sentence_id, text in rows:
        value = read_yoy(text, names, rules, company_wide=company_wide)
        if value is not None:
            return StatedGrowth(value, sentence_id, text)
    return None
