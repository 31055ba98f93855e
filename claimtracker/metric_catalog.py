"""The metric catalogue (data/metrics.yaml): which number a claim speaks of, and how to get it.

One owner for metric ids, their English and Korean names, the XBRL concepts that report them
(company extensions included), derived formulas and segment members. Ingest reads concepts from
it, claims read formulas and segments from it, claim drafting finds a metric in a sentence with
`find()`. The file is data that users edit, so every mistake is a ConfigError naming file:line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.metric_formula import check_formula, evaluate, formula_inputs
from claimtracker.yaml_lines import LINE as _LINE
from claimtracker.yaml_lines import load_versioned, load_yaml

DEFAULT_CATALOG = REPO_DATA_DIR / "metrics.yaml"
KINDS = ("flow", "instant", "ratio", "derived")
UNITS = ("USD", "people", "ratio", "pp", "%")
CHANGES = ("pct", "points", "lag")
LANGUAGES = ("en", "ko")
#: Prefixes of standard taxonomies; any other prefix is a company extension (amzn:, goog:).
STANDARD_PREFIXES = ("us-gaap", "dei", "srt", "ifrs-full", "invest")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CONCEPT = re.compile(r"^[A-Za-z][\w.-]*:[A-Za-z_][\w.-]*$")
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_KEYS = {"id", "label", "kind", "unit", "units", "aliases", "concepts", "formula", "change",
         "of", "segments"}


@dataclass(frozen=True)
class MetricDef:
    """One metric of the catalogue (see data/metrics.yaml for the meaning of each field)."""

    id: str
    label: str
    kind: str
    unit: str
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    concepts: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    formula: str | None = None
    change: str = "pct"
    of: str | None = None
    segments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0

    def all_aliases(self) -> list[str]:
        return [alias for names in self.aliases.values() for alias in names]

    @property
    def is_segment(self) -> bool:
        return bool(self.segments)

    @property
    def is_formula_only(self) -> bool:
        """Computed from other metrics only (no concepts of its own)."""
        return self.formula is not None and not self.concepts

    @property
    def inputs(self) -> tuple[str, ...]:
        """Metric ids the formula reads, in order of first use."""
        return formula_inputs(self.formula) if self.formula else ()

    def evaluate(self, value: Callable[[str], float | None],
                 growth: Callable[[str], float | None]) -> float | None:
        """The formula's value given each input's value (and growth); None if any is missing."""
        if not self.formula:
            return None
        return evaluate(self.formula, value, growth)


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per file version
class MetricCatalog:
    metrics: dict[str, MetricDef]
    path: Path
    neutral_dimensions: tuple[tuple[str, str], ...] = ()
    digest: str = ""
    #: Headline metrics in display order (`headline:`): the Metrics page, the scorer's quarters.
    headline: tuple[str, ...] = ()

    def ids(self) -> list[str]:
        return list(self.metrics)

    def get(self, metric_id: str) -> MetricDef:
        try:
            return self.metrics[metric_id]
        except KeyError:
            raise ConfigError(f"unknown metric {metric_id!r}: use one of "
                              f"{', '.join(self.metrics)} (defined in {self.path}).") from None

    def english_names(self, metric_id: str) -> tuple[str, ...]:
        """What management calls the metric (its Latin-script aliases); the id in words when
        it has none or is unknown ("operating_income" reads "operating income")."""
        metric = self.metrics.get(metric_id)
        names = tuple(a for a in metric.all_aliases() if a.isascii()) if metric else ()
        return names or (metric_id.replace("_", " "),)

    def base_ids(self) -> list[str]:
        """Metrics stored in the facts table (own concepts, no segment): what ingest labels."""
        return [m.id for m in self.metrics.values() if m.concepts and not m.is_segment]

    def concept_map(self) -> dict[str, tuple[str, ...]]:
        """base metric -> concepts in order of preference."""
        return {mid: self.metrics[mid].concepts for mid in self.base_ids()}

    def concept_metric(self, concept: str, company_prefix: str | None = None) -> str | None:
        """The base metric a concept reports; a company extension only for its own company."""
        prefix = concept.split(":", 1)[0]
        if company_prefix and prefix not in STANDARD_PREFIXES and \
                prefix.lower() != company_prefix.lower():
            return None
        return _concept_index(self).get(concept)

    def concept_rank(self, concept: str) -> int:
        """Preference of a concept within its metric (0 is best; 99 if not in the catalogue)."""
        metric = _concept_index(self).get(concept)
        return self.metrics[metric].concepts.index(concept) if metric else 99

    def members(self, metric_id: str, ticker: str) -> tuple[str, ...]:
        return self.get(metric_id).segments.get(ticker.upper(), ())

    def find(self, text: str) -> str | None:
        """The metric whose alias occurs in `text` (longest alias wins), else None."""
        best: tuple[int, str] | None = None
        for alias, metric_id, pattern in _alias_patterns(self):
            if (best is None or len(alias) > best[0]) and pattern.search(text):
                best = (len(alias), metric_id)
        return best[1] if best else None


@lru_cache(maxsize=16)
def _concept_index(catalog: MetricCatalog) -> dict[str, str]:
    return {c: mid for mid in catalog.base_ids() for c in catalog.metrics[mid].concepts}


@lru_cache(maxsize=16)
def _alias_patterns(catalog: MetricCatalog) -> list[tuple[str, str, re.Pattern[str]]]:
    """Latin aliases match whole words, case-insensitively; Korean ones anywhere (particles)."""
    out = []
    for metric in catalog.metrics.values():
        for alias in metric.all_aliases():
            body = r"\s+".join(re.escape(part) for part in alias.split())
            if alias.isascii():
                body = rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"
            out.append((alias, metric.id, re.compile(body, re.IGNORECASE)))
    return sorted(out, key=lambda item: -len(item[0]))


# -- loading and validation -----------------------------------------------------------------------

def _fail(path: Path, line: int | str, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _strings(path: Path, line: int, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip()
                                              for v in value):
        raise _fail(path, line, f"{what} must be a list of non-empty strings.")
    return tuple(str(v).strip() for v in value)


def _aliases(path: Path, line: int, value: Any, what: str) -> dict[str, tuple[str, ...]]:
    if isinstance(value, list):  # a flat list: language unknown, kept under "any"
        return {"any": _strings(path, line, value, f"{what}: aliases")}
    if not isinstance(value, dict):
        raise _fail(path, line, f"{what}: aliases must map a language ({', '.join(LANGUAGES)})"
                                " to a list of names, e.g. {en: [gross margin]}.")
    out = {}
    for lang, names in value.items():
        if lang == _LINE:
            continue
        if lang not in LANGUAGES:
            raise _fail(path, value.get(_LINE, line), f"{what}: alias language {lang!r} is not "
                                                      f"one of {', '.join(LANGUAGES)}.")
        out[lang] = _strings(path, value.get(_LINE, line), names, f"{what}: aliases.{lang}")
    return out


def _segments(path: Path, line: int, value: Any, what: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, line, f"{what}: segments must map a ticker to its members, e.g. "
                                "{AMZN: [amzn:AmazonWebServicesSegmentMember]}.")
    out = {}
    sline = value.get(_LINE, line)
    for ticker, members in value.items():
        if ticker == _LINE:
            continue
        if not isinstance(ticker, str) or not _TICKER.match(ticker):
            raise _fail(path, sline, f"{what}: segment key {ticker!r} is not a ticker like AMZN.")
        out[ticker] = _strings(path, sline, members, f"{what}: segments.{ticker}")
        if not out[ticker]:
            raise _fail(path, sline, f"{what}: segments.{ticker} lists no members.")
    return out


def _metric(path: Path, raw: Any, index: int) -> MetricDef:
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"metric #{index + 1} must be a mapping with id, label, kind, unit.")
    line = raw[_LINE]
    metric_id = raw.get("id")
    if not isinstance(metric_id, str) or not _ID.match(metric_id):
        raise _fail(path, line, f"metric id {metric_id!r} must be lower_snake_case, e.g. "
                                "gross_margin.")
    what = f"metric {metric_id}"
    unknown = sorted(str(k) for k in raw if k != _LINE and k not in _KEYS)
    if unknown:
        raise _fail(path, line, f"{what}: unknown key(s) {unknown}; use {sorted(_KEYS)}.")
    kind, unit = raw.get("kind"), raw.get("unit")
    if kind not in KINDS:
        raise _fail(path, line, f"{what}: kind {kind!r} is not one of {', '.join(KINDS)}.")
    if unit not in UNITS:
        raise _fail(path, line, f"{what}: unit {unit!r} is not one of {', '.join(UNITS)}.")
    concepts = _strings(path, line, raw.get("concepts"), f"{what}: concepts")
    for concept in concepts:
        if not _CONCEPT.match(concept):
            raise _fail(path, line, f"{what}: concept {concept!r} is not prefix:Name, e.g. "
                                    "us-gaap:Revenues or amzn:TechnologyAndInfrastructureExpense.")
    formula = raw.get("formula")
    if formula is not None:
        formula = str(formula).strip()
        problem = check_formula(formula)
        if problem:
            raise _fail(path, line, f"{what}: formula {formula!r} {problem}; write e.g. "
                                    "gross_profit / revenue.")
    of = raw.get("of")
    segments = _segments(path, line, raw.get("segments"), what)
    if bool(of) != bool(segments):
        raise _fail(path, line, f"{what}: a segment metric needs both `of:` (the metric it "
                                "narrows, e.g. revenue) and `segments:`.")
    if kind in ("ratio", "derived") and not formula:
        raise _fail(path, line, f"{what}: kind {kind} needs a `formula:`, e.g. "
                                "operating_income / revenue.")
    if kind in ("flow", "instant") and not (concepts or formula or of):
        raise _fail(path, line, f"{what}: kind {kind} needs `concepts:` (XBRL concepts), "
                                "a `formula:` or `of:` with `segments:`.")
    change = raw.get("change") or ("points" if kind == "ratio" else "pct")
    if change not in CHANGES:
        raise _fail(path, line, f"{what}: change {change!r} is not one of {', '.join(CHANGES)}.")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(path, line, f"{what} needs a label, e.g. label: Gross margin.")
    return MetricDef(
        id=metric_id, label=label.strip(), kind=kind, unit=unit,
        aliases=_aliases(path, line, raw.get("aliases") or {}, what), concepts=concepts,
        units=_strings(path, line, raw.get("units"), f"{what}: units") or (unit,),
        formula=formula, change=change, of=str(of) if of else None, segments=segments, line=line,
    )


def _check_references(path: Path, metrics: dict[str, MetricDef]) -> dict[str, MetricDef]:
    """Formula inputs and `of:` exist, formulas do not loop, concepts and aliases are unique."""
    resolved = dict(metrics)
    for metric in metrics.values():
        if metric.of:
            base = metrics.get(metric.of)
            if base is None or not base.concepts or base.is_segment:
                raise _fail(path, metric.line, f"metric {metric.id}: of {metric.of!r} must name "
                                               "a metric with concepts (e.g. revenue).")
            resolved[metric.id] = MetricDef(**{**metric.__dict__, "concepts": base.concepts,
                                               "units": base.units})
        for name in metric.inputs:
            if name not in metrics:
                raise _fail(path, metric.line, f"metric {metric.id}: formula uses unknown metric "
                                               f"{name!r}; known: {', '.join(metrics)}.")
    owner: dict[str, str] = {}
    for metric in metrics.values():
        for concept in metric.concepts:
            if concept in owner:
                raise _fail(path, metric.line, f"metric {metric.id}: concept {concept} already "
                                               f"belongs to {owner[concept]}; a concept reports "
                                               "one metric.")
            owner[concept] = metric.id
    aliases: dict[str, str] = {}
    for metric in metrics.values():
        for alias in metric.all_aliases():
            key = alias.casefold()
            if aliases.get(key, metric.id) != metric.id:
                raise _fail(path, metric.line, f"metric {metric.id}: alias {alias!r} already "
                                               f"names {aliases[key]}; an alias names one metric.")
            aliases[key] = metric.id

    def visit(metric_id: str, trail: tuple[str, ...]) -> None:
        if metric_id in trail:
            cycle = " -> ".join((*trail, metric_id))
            raise _fail(path, metrics[trail[0]].line, f"formulas loop: {cycle}.")
        for name in metrics[metric_id].inputs:
            visit(name, (*trail, metric_id))

    for metric_id in metrics:
        visit(metric_id, ())
    return resolved


def _neutral(path: Path, data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in data.get("neutral_dimensions") or []:
        if not isinstance(item, dict) or not item.get("axis") or not item.get("member"):
            raise _fail(path, data.get(_LINE, 1), "neutral_dimensions must be a list of "
                                                  "{axis: ..., member: ...}.")
        out.append((str(item["axis"]), str(item["member"])))
    return tuple(out)


def _headline(path: Path, data: dict[str, Any], metrics: dict[str, MetricDef],
              raw_bytes: bytes) -> tuple[str, ...]:
    """`headline:` ids, each a reported (not formula-only, not segment) metric; default: all."""
    raw = data.get("headline")
    if raw is None:
        return tuple(m.id for m in metrics.values() if m.concepts and not m.is_segment)
    lines = raw_bytes.decode("utf-8", "replace").splitlines()
    line = next((i for i, text in enumerate(lines, 1) if text.startswith("headline:")), 1)
    ids = _strings(path, line, raw, "headline")
    for metric_id in ids:
        metric = metrics.get(metric_id)
        if metric is None or not metric.concepts or metric.is_segment:
            raise _fail(path, line, f"headline: {metric_id!r} must name a metric with its own "
                                    "`concepts:` (e.g. revenue, capex).")
    return ids


def load_catalog(path: str | Path | None = None) -> MetricCatalog:
    """Read and validate a metric catalogue (default data/metrics.yaml), once per file version."""
    return load_versioned(Path(path) if path else DEFAULT_CATALOG, _parse_catalog,
                          what="the metric catalogue",
                          restore="restore data/metrics.yaml or pass another file")


def _parse_catalog(file: Path, raw_bytes: bytes) -> MetricCatalog:
    data = load_yaml(raw_bytes, file)
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), list) \
            or not data["metrics"]:
        raise _fail(file, 1, "expected a mapping with `metrics:` (a list of metric definitions).")
    metrics: dict[str, MetricDef] = {}
    for index, raw in enumerate(data["metrics"]):
        metric = _metric(file, raw, index)
        if metric.id in metrics:
            raise _fail(file, metric.line, f"metric id {metric.id!r} is already defined on line "
                                           f"{metrics[metric.id].line}; ids must be unique.")
        metrics[metric.id] = metric
    resolved = _check_references(file, metrics)
    return MetricCatalog(metrics=resolved, path=file, neutral_dimensions=_neutral(file, data),
                         headline=_headline(file, data, metrics, raw_bytes),
                         digest=hashlib.sha256(raw_bytes).hexdigest())
