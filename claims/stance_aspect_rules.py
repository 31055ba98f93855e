"""The `aspect:`, `parts:`, `qualifiers:`, `levels:` and `basis:` sections of data/stance.yaml.

Why a module of its own: these cue lists say how a claim is phrased (done, planned, about
one place, naming two parts, a level range), not how a sentence moves a subject, and
claims/stance_rules.py is near its size limit. Errors name the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE

_ASPECT_KEYS = {"done", "event", "perfect_aux", "participle_endings", "ko_past_endings",
                "ko_not_past", "not_plan", "plan", "past_forms", "plan_reach",
                "plan_progressive", "progressive_aux", "plan_weight"}
_PARTS_KEYS = {"prepositions", "stop", "min_parts", "qualified"}
_BASIS_KEYS = {"yearly_claim", "yearly", "sequential"}
_AMOUNT_KEYS = {"units", "currency"}
_LEVEL_KEYS = {"ranges", "words", "close_band", "approximate", "endpoint", "toward"}


@dataclass(frozen=True)
class AspectRules:
    """Cues for tense and aspect, checkable parts, place qualifiers and level ranges."""

    done: tuple[str, ...] = ()
    event: tuple[str, ...] = ()  # done words that date an event: launched, began, 출시
    perfect_aux: frozenset[str] = frozenset()
    participle_endings: tuple[str, ...] = ()
    ko_past_endings: tuple[str, ...] = ()
    ko_not_past: frozenset[str] = frozenset()
    not_plan: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()
    plan_progressive: frozenset[str] = frozenset()
    progressive_aux: frozenset[str] = frozenset()
    plan_weight: float = 1.0
    past_forms: frozenset[str] = frozenset()
    plan_reach: int = 6
    part_prepositions: frozenset[str] = frozenset()
    part_stop: frozenset[str] = frozenset()
    min_parts: int = 2
    qualifiers: tuple[tuple[str, ...], ...] = ()
    qualified: tuple[str, ...] = ()  # nouns a place qualifies: revenue, 매출, demand
    level_ranges: tuple[tuple[str, float, float], ...] = ()  # (word, low, high) in tenths
    level_words: tuple[tuple[str, str], ...] = ()  # (surface form, range word)
    close_band: float = 0.0
    amount_units: tuple[tuple[str, float], ...] = ()  # 억 -> 1e8
    amount_currency: tuple[str, ...] = ()
    yearly_claim: tuple[str, ...] = ()  # a claim about the change over a year ("a year")
    yearly: tuple[str, ...] = ()  # a sentence's year-on-year change ("year-over-year")
    sequential: tuple[str, ...] = ()  # a sentence's change on the previous quarter
    approximate: tuple[str, ...] = ()
    endpoint: tuple[str, ...] = ()
    toward: tuple[str, ...] = ()


def _fail(path: Path, line: int | str, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _key_line(text: list[str], key: str, start: int) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for number in range(max(1, start), len(text) + 1):
        if pattern.match(text[number - 1]):
            return number
    return start


def _mapping(path: Path, raw: Any, line: int, name: str, allowed: set[str]) -> dict[str, Any]:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise _fail(path, line, f"`{name}` must be a mapping with keys {sorted(allowed)}.")
    unknown = sorted(str(k) for k in raw if k != LINE and k not in allowed)
    if unknown:
        raise _fail(path, raw.get(LINE, line), f"{name}: unknown key(s) {unknown}; allowed: "
                    f"{sorted(allowed)}.")
    return raw


def _phrases(path: Path, line: int, value: Any, what: str) -> tuple[str, ...]:
    """A list of phrases, or a mapping of language -> list (en/ko lists are joined)."""
    if value is None:
        return ()
    if isinstance(value, dict):
        out: list[str] = []
        for key, part in value.items():
            if key != LINE:
                out.extend(_phrases(path, line, part, f"{what}.{key}"))
        return tuple(out)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line, f"{what} must be a list of words or phrases, e.g. [already, "
                    "has been]; quote words YAML reads otherwise (\"no\", \"n't\").")
    return tuple(v.strip().lower() for v in value)


def _fraction(path: Path, line: int, value: Any, what: str, default: float) -> float:
    if value is None:
        return default
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise _fail(path, line, f"{what} is {value!r}; write a number from 0 to 1.")
    return float(value)


def _reach(path: Path, line: int, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 30:
        raise _fail(path, line, f"aspect.plan_reach is {value!r}; write a whole number of "
                    "tokens from 1 to 30.")
    return value


def parse_aspect(path: Path, data: dict[str, Any], text: list[str]) -> AspectRules:
    """Validate the four sections (each optional: missing means the check is off)."""
    aline = _key_line(text, "aspect", 1)
    aspect = _mapping(path, data.get("aspect"), aline, "aspect", _ASPECT_KEYS)

    def at(key: str, start: int) -> int:
        return _key_line(text, key, start)

    def words(section: dict[str, Any], key: str, start: int, name: str) -> tuple[str, ...]:
        return _phrases(path, at(key, start), section.get(key), f"{name}.{key}")

    pline = _key_line(text, "parts", 1)
    parts = _mapping(path, data.get("parts"), pline, "parts", _PARTS_KEYS)
    min_parts = parts.get("min_parts", 2)
    if not isinstance(min_parts, int) or isinstance(min_parts, bool) or not 2 <= min_parts <= 10:
        raise _fail(path, at("min_parts", pline), f"parts.min_parts is {min_parts!r}; write a "
                    "whole number from 2 to 10.")
    qline = _key_line(text, "qualifiers", 1)
    raw_q = data.get("qualifiers") or []
    if not isinstance(raw_q, list):
        raise _fail(path, qline, "`qualifiers` must be a list of lists of names, one list per "
                    "place, e.g. [[china, chinese, 중국]].")
    qualifiers = tuple(_phrases(path, qline + i + 1, group, f"qualifiers[{i + 1}]")
                       for i, group in enumerate(raw_q))
    lline = _key_line(text, "levels", 1)
    levels = _mapping(path, data.get("levels"), lline, "levels", _LEVEL_KEYS)
    ranges_raw = levels.get("ranges") or {}
    if not isinstance(ranges_raw, dict):
        raise _fail(path, at("ranges", lline), "levels.ranges must map a word to [low, high] "
                    "tenths of a decade, e.g. {low: [0, 3.4]}.")
    ranges: list[tuple[str, float, float]] = []
    for word, bounds in ranges_raw.items():
        if word == LINE:
            continue
        ok = isinstance(bounds, list) and len(bounds) == 2 and all(
            isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b <= 10
            for b in bounds) and bounds[0] < bounds[1]
        if not ok:
            raise _fail(path, at(str(word), lline), f"levels.ranges.{word} is {bounds!r}; write "
                        "[low, high] with 0 <= low < high <= 10 (units within a decade).")
        ranges.append((str(word).lower(), float(bounds[0]), float(bounds[1])))
    surface = levels.get("words") or {}
    if not isinstance(surface, dict) or not all(
            str(v).lower() in {r[0] for r in ranges} for k, v in surface.items() if k != LINE):
        raise _fail(path, at("words", lline), "levels.words must map a word of the claim "
                    "(초반, mid-) to one of the levels.ranges words.")
    mline = _key_line(text, "amounts", 1)
    amounts = _mapping(path, data.get("amounts"), mline, "amounts", _AMOUNT_KEYS)
    units = amounts.get("units") or {}
    if not isinstance(units, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
            for k, v in units.items() if k != LINE):
        raise _fail(path, at("units", mline), "amounts.units must map a unit word to its "
                    "size, e.g. {억: 1.0e+8, 조: 1.0e+12}.")
    bline = _key_line(text, "basis", 1)
    basis = _mapping(path, data.get("basis"), bline, "basis", _BASIS_KEYS)
    return AspectRules(
        amount_units=tuple((str(k), float(v)) for k, v in units.items() if k != LINE),
        amount_currency=words(amounts, "currency", mline, "amounts"),
        yearly_claim=words(basis, "yearly_claim", bline, "basis"),
        yearly=words(basis, "yearly", bline, "basis"),
        sequential=words(basis, "sequential", bline, "basis"),
        done=words(aspect, "done", aline, "aspect"),
        event=words(aspect, "event", aline, "aspect"),
        perfect_aux=frozenset(words(aspect, "perfect_aux", aline, "aspect")),
        participle_endings=words(aspect, "participle_endings", aline, "aspect"),
        ko_past_endings=words(aspect, "ko_past_endings", aline, "aspect"),
        ko_not_past=frozenset(words(aspect, "ko_not_past", aline, "aspect")),
        not_plan=words(aspect, "not_plan", aline, "aspect"),
        plan=words(aspect, "plan", aline, "aspect"),
        plan_progressive=frozenset(words(aspect, "plan_progressive", aline, "aspect")),
        progressive_aux=frozenset(words(aspect, "progressive_aux", aline, "aspect")),
        past_forms=frozenset(words(aspect, "past_forms", aline, "aspect")),
        plan_reach=_reach(path, at("plan_reach", aline), aspect.get("plan_reach", 6)),
        plan_weight=_fraction(path, at("plan_weight", aline), aspect.get("plan_weight"),
                              "aspect.plan_weight", 1.0),
        part_prepositions=frozenset(words(parts, "prepositions", pline, "parts")),
        part_stop=frozenset(words(parts, "stop", pline, "parts")),
        min_parts=min_parts,
        qualifiers=tuple(q for q in qualifiers if q),
        qualified=words(parts, "qualified", pline, "parts"),
        level_ranges=tuple(ranges),
        level_words=tuple((str(k).lower(), str(v).lower()) for k, v in surface.items()
                          if k != LINE),
        approximate=_phrases(path, at("approximate", lline), levels.get("approximate"),
                             "levels.approximate"),
        endpoint=_phrases(path, at("endpoint", lline), levels.get("endpoint"),
                          "levels.endpoint"),
        toward=_phrases(path, at("toward", lline), levels.get("toward"), "levels.toward"),
        close_band=_fraction(path, at("close_band", lline), levels.get("close_band"),
                             "levels.close_band", 0.0),
    )
