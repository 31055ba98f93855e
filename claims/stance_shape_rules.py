"""The `segments:`, `rates:` and `figures:` sections of data/stance.yaml.

Why a module of its own: these lists say what a claim measures (a segment's margin rather than
the company's, the rate of growth rather than the level, a figure it states), not how a
sentence moves a subject, and claims/stance_rules.py is near its size limit. Every section is
optional (missing: the check is off); errors name the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claims.stance_aspect_rules import _fail, _key_line, _mapping, _phrases
from claimtracker.yaml_lines import LINE

_SEGMENT_KEYS = {"measures", "skip", "named_only", "scopes"}
_RATE_KEYS = {"claim", "markers", "up", "down"}
_FIGURE_KEYS = {"period", "aside", "range_words", "digits", "digits_below", "tolerance"}
# claims/stance_figures.py: when a stated value meets a figure the claim states
_TOLERANCE = {"plain_pct": 0.5, "plain_rel": 0.025, "bound_reach": 1.5}


@dataclass(frozen=True)
class ShapeRules:
    """What a claim measures: segment-qualified measures, growth rates, stated figures."""

    measures: tuple[str, ...] = ()  # nouns a segment name before them qualifies (margins)
    segment_skip: frozenset[str] = frozenset()  # words between that qualify nothing (분기)
    named_only: frozenset[str] = frozenset()  # measures a sentence need not repeat (revenue)
    #: phrases that set a segment for the measure after them ("on the {segment} side, ...")
    scopes: tuple[str, ...] = ()
    rate_claim: tuple[str, ...] = ()  # a claim about the rate of growth (증가율, growth rate)
    rate_markers: tuple[str, ...] = ()  # a sentence speaking of a rate (rate, pace)
    rate_up: tuple[str, ...] = ()  # the rate rises (accelerat, faster)
    rate_down: tuple[str, ...] = ()  # the rate falls (slower, moderat)
    period: tuple[str, ...] = ()  # a period after an end-point figure ("in the fourth quarter")
    aside: tuple[str, ...] = ()  # the writer's inference follows (", which means"): no figure
    range_words: tuple[str, ...] = ()  # "47% to 48%": a range, its low end is its floor
    digits: tuple[tuple[str, float], ...] = ()  # "double-digit" growth: at least 10%
    digits_below: tuple[tuple[str, float], ...] = ()  # "single-digit" growth: under 10%
    # when a stated value meets a figure: rounding of a percentage (points), of an amount
    # (relative), and how far past a bound a sentence's value still meets it
    plain_pct: float = _TOLERANCE["plain_pct"]
    plain_rel: float = _TOLERANCE["plain_rel"]
    bound_reach: float = _TOLERANCE["bound_reach"]


def parse_shape(path: Path, data: dict[str, Any], text: list[str]) -> ShapeRules:
    """Validate the three sections."""
    sline = _key_line(text, "segments", 1)
    seg = _mapping(path, data.get("segments"), sline, "segments", _SEGMENT_KEYS)
    rline = _key_line(text, "rates", 1)
    rate = _mapping(path, data.get("rates"), rline, "rates", _RATE_KEYS)
    fline = _key_line(text, "figures", 1)
    fig = _mapping(path, data.get("figures"), fline, "figures", _FIGURE_KEYS)

    def words(section: dict[str, Any], key: str, start: int, name: str) -> tuple[str, ...]:
        return _phrases(path, _key_line(text, key, start), section.get(key), f"{name}.{key}")

    def digit_map(key: str, meaning: str) -> tuple[tuple[str, float], ...]:
        raw = fig.get(key) or {}
        if not isinstance(raw, dict) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                for k, v in raw.items() if k != LINE):
            raise _fail(path, _key_line(text, key, fline), f"figures.{key} must map a phrase "
                        f"to the percentage it means, e.g. {{{meaning}}}.")
        return tuple((str(k).lower(), float(v)) for k, v in raw.items() if k != LINE)

    raw_tolerance = fig.get("tolerance") or {}
    if not isinstance(raw_tolerance, dict):
        raise _fail(path, _key_line(text, "tolerance", fline), "figures.tolerance must be a "
                    f"mapping like {_TOLERANCE}.")
    tolerance, tline = dict(_TOLERANCE), _key_line(text, "tolerance", fline)
    for name, value in raw_tolerance.items():
        if name == LINE:
            continue
        if name not in _TOLERANCE or isinstance(value, bool) or not isinstance(
                value, (int, float)) or value <= 0:
            raise _fail(path, _key_line(text, str(name), tline), f"figures.tolerance.{name}: "
                        f"write a positive number for one of {sorted(_TOLERANCE)}.")
        tolerance[name] = float(value)
    rules = ShapeRules(
        **tolerance,
        digits=digit_map("digits", "double-digit: 10"),
        digits_below=digit_map("digits_below", "single-digit: 10"),
        measures=tuple(sorted(words(seg, "measures", sline, "segments"), key=len, reverse=True)),
        segment_skip=frozenset(words(seg, "skip", sline, "segments")),
        named_only=frozenset(words(seg, "named_only", sline, "segments")),
        scopes=tuple(words(seg, "scopes", sline, "segments")),
        rate_claim=words(rate, "claim", rline, "rates"),
        rate_markers=words(rate, "markers", rline, "rates"),
        rate_up=words(rate, "up", rline, "rates"),
        rate_down=words(rate, "down", rline, "rates"),
        period=words(fig, "period", fline, "figures"),
        aside=words(fig, "aside", fline, "figures"),
        range_words=words(fig, "range_words", fline, "figures"),
    )
    bad = [p for p in rules.scopes if p.count("{segment}") != 1]
    if bad:
        raise _fail(path, _key_line(text, "scopes", sline), f"segments.scopes: {bad} must each "
                    "hold {segment} once, e.g. \"on the {segment} side\".")
    if not rules.named_only <= set(rules.measures):
        raise _fail(path, _key_line(text, "named_only", sline), "segments.named_only: "
                    f"{sorted(rules.named_only - set(rules.measures))} are not in "
                    "segments.measures; list each there too.")
    if rules.rate_claim and not (rules.rate_up and rules.rate_down):
        raise _fail(path, rline, "rates: with `claim` cues, give `up` and `down` words too, "
                    "e.g. up: [accelerat], down: [decelerat].")
    return rules
