"""Figures a claim states, and whether a quarter's management language states them.

Why: "M365 Copilot paid users passed 15 million" is only partly confirmed by a quarter whose
management speaks of seat growth but never of 15 million; "a 27% stake ... and $250 billion of
Azure" by one that states the $250 billion alone; "AWS growth ... reaching 24% in the fourth
quarter" by a quarter at 17.5%. A quarter whose sentences (or reported number) state none of a
figure's values supports the direction at most: the verdict caps it at mixed
(claims/verdict.py). Tolerances are data/stance.yaml `levels` (approximate, close_band).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from claims.stance_match import Subject, Tokens, tokenize
from claims.stance_numbers import Number, numbers_in, subject_change
from claims.stance_rules import StanceRules
from claims.stance_size import level_follows, near_cue

_MODEL = re.compile(r"\b[A-Z][A-Za-z]*\s*$")  # "Ryzen 3000", "RX 5700": a model number


@lru_cache(maxsize=8)
def _unit_amount(units: tuple[tuple[str, float], ...]) -> re.Pattern[str]:
    """A number written with one of data/stance.yaml's `amounts.units` ("375억", "1조")."""
    names = "|".join(re.escape(u) for u, _ in sorted(units, key=lambda u: -len(u[0])))
    return re.compile(rf"(\d+(?:,\d{{3}})*(?:\.\d+)?)\s*({names or '(?!)'})")


_FIGURES: dict[tuple[str, str], tuple[Figure, ...]] = {}


@dataclass(frozen=True)
class Figure:
    """A figure of the claim: value, kind (pct | amount), bound (min | max | None), approx."""

    value: float
    kind: str
    bound: str | None
    approx: bool
    #: a level the series reaches ("cooled ... to 93% in the March quarter"), not a change
    level: bool = False
    #: the top of a range the claim gives ("90억~95억 달러", "$52 to $56 billion"); `value` is
    #: its bottom and `bound` is "range"
    high: float | None = None


def claim_figures(quote: str, rules: StanceRules) -> tuple[Figure, ...]:
    """Percentages, amounts and counts the quote states, without years, model numbers
    ("iPhone 17"), level ranges ("70% 초반") or an end point with no period ("reaching 34%");
    read once per quote and rules version."""
    key = (quote, rules.digest)
    if key not in _FIGURES:
        if len(_FIGURES) > 4096:
            _FIGURES.clear()
        _FIGURES[key] = _read_figures(quote, rules)
    return _FIGURES[key]


def _read_figures(quote: str, rules: StanceRules) -> tuple[Figure, ...]:
    numbers, aspect, shape = rules.numbers, rules.aspect, rules.shape
    if numbers is None:
        return ()
    cut = min((i for i in (quote.lower().find(a) for a in shape.aside) if i > 0),
              default=len(quote))
    quote = quote[:cut]  # figures in the writer's own inference are not the claim's
    out: list[Figure] = []
    lower = quote.lower()
    spans: list[tuple[int, int, float, str]] = []
    units = dict(aspect.amount_units)
    for match in _unit_amount(aspect.amount_units).finditer(quote):
        value = float(match.group(1).replace(",", "")) * units[match.group(2)]
        if spans and quote[spans[-1][1]:match.start()].strip() == "" and value < spans[-1][2]:
            start, _, head, kind = spans.pop()  # "12억 5천만": one number in two units
            spans.append((start, match.end(), head + value, kind))
            continue
        spans.append((match.start(), match.end(), value, "amount"))
    tokens = tokenize(quote)
    for number in numbers_in(quote, tokens, numbers):
        start = quote.find(number.text.strip())
        end = start + len(number.text.strip())
        if any(s <= start < e for s, e, _, _ in spans):
            continue
        text = number.text.lower()
        if number.kind == "pct":
            if level_follows(lower[end:end + 6], aspect):
                continue
            spans.append((start, end, abs(number.value), "pct"))
        elif number.kind == "amount" and ("$" in text or any(
                w in text for w in ("billion", "million", "trillion", "thousand"))
                or (abs(number.value) >= 1000 and not _MODEL.search(quote[:start]))):
            spans.append((start, end, abs(number.value), "amount"))
    qualifiers = {w for phrase in (*numbers.at_least, *numbers.at_most, *aspect.approximate)
                  for w in phrase.split()}
    ends = {*aspect.endpoint, *(" ".join(c) if isinstance(c, tuple) else c
                               for c in numbers.prior_cues)}
    starts = {" ".join(c) if isinstance(c, tuple) else c for c in numbers.prior_cues}
    for start, end, value, kind, high in _ranges_joined(quote, sorted(spans),
                                                       shape.range_words, starts):
        if _series_end(quote[:start], lower[end:], qualifiers, ends, shape.period):
            continue
        bound = "range" if high is not None else "max" if near_cue(
            quote, start, end, numbers.at_most) else (
            "min" if near_cue(quote, start, end, numbers.at_least) else None)
        approx = high is None and near_cue(quote, start, end, aspect.approximate)
        out.append(Figure(value, kind, bound, approx,
                          _after_endpoint(quote[:start], qualifiers, ends), high))
    return tuple(out)


def _ranges_joined(quote: str, spans: list[tuple[int, int, float, str]],
                   joins: tuple[str, ...], starts: set[str],
                   ) -> list[tuple[int, int, float, str, float | None]]:
    """Spans with a range ("90억~95억", "$9 billion to $9.5 billion", "37.5~38.5%") made one
    span: (start, end, low, kind, high); other spans keep high None. Two figures of one kind
    with nothing or one `figures.range_words` joiner between form a range, unless a
    prior-period cue (`numbers.prior_cues`) comes right before the first: "from $75 billion to
    $90 billion" is a change, not a range."""
    out: list[tuple[int, int, float, str, float | None]] = []
    for start, end, value, kind in spans:
        if out and out[-1][4] is None and out[-1][3] == kind:
            between = quote[out[-1][1]:start].strip().lower()
            before = re.findall(r"[\w'\-]+", quote[max(0, out[-1][0] - 30):out[-1][0]].lower())
            if (not between or between in joins) and not (before and before[-1] in starts):
                first = out.pop()
                low, high = sorted((first[2], value))
                if low < high:
                    out.append((first[0], end, low, kind, high))
                    continue
                out.append(first)
        out.append((start, end, value, kind, None))
    return out


def _after_endpoint(before: str, qualifiers: set[str], ends: set[str]) -> bool:
    """The figure follows an end-point or prior-period word (bound words between skipped)."""
    words = re.findall(r"[\w'\-]+", before.lower())
    while words and words[-1] in qualifiers and words[-1] not in ends:
        words.pop()
    return bool(words) and words[-1] in ends


def _series_end(before: str, after: str, qualifiers: set[str], ends: set[str],
                period: tuple[str, ...]) -> bool:
    """A figure after an end-point or prior-period word ("jumped to $155 billion", "reaching
    34%", "from $75 billion to more than $90 billion"; bound words between are skipped) is
    where the series started or ends up, not what each quarter states, unless a period
    follows it ("reaching 24% in the fourth quarter")."""
    if not _after_endpoint(before, qualifiers, ends):
        return False
    return not any(after.lstrip().startswith(p) for p in period)


def meets(figure: Figure, value: float, kind: str, rules: StanceRules,
          reported: bool = False) -> bool:
    """A stated value matches the figure: within rounding (plain), the close band
    (approximate), or on the right side of a bound; a sentence's value also near the bound
    (within data/stance.yaml `figures.tolerance.bound_reach` of it: "other revenue was up 34%"
    is not the "more than 20%" of total revenue), the reported number anywhere beyond it."""
    if kind != figure.kind or figure.value == 0:
        return False
    band, shape = rules.aspect.close_band, rules.shape
    reach = float("inf") if reported else shape.bound_reach
    if figure.bound == "range" and figure.high is not None:  # any value in it
        slack = 0.0 if kind == "pct" else band * figure.high  # a guided amount, give or take
        return figure.value - slack <= value <= figure.high + slack
    if figure.bound == "min":
        return figure.value <= value <= figure.value * reach
    if figure.bound == "max":
        return figure.value / reach <= value <= figure.value
    if kind == "pct":
        allowed = max(1.0, figure.value * band) if figure.approx else shape.plain_pct
        return abs(value - figure.value) <= allowed
    relative = band if figure.approx else shape.plain_rel
    return abs(value - figure.value) <= relative * figure.value


def figures_met(sentence: str, figures: tuple[Figure, ...], rules: StanceRules) -> list[int]:
    """Indexes of the claim's figures the sentence states."""
    if not figures or rules.numbers is None:
        return []
    tokens = tokenize(sentence)
    numbers = numbers_in(sentence, tokens, rules.numbers)
    found = [(abs(n.value), n.kind) for n in numbers]
    ranges = _ranges(numbers, tokens.words, rules.shape.range_words)
    return [i for i, f in enumerate(figures)
            if any(meets(f, v, k, rules)
                   and not (f.bound in ("min", "max") and _range_short(f, v, ranges))
                   for v, k in found)]


def _ranges(numbers: list[Number], words: list[str], joins: tuple[str, ...],
            ) -> list[tuple[float, float]]:
    """(low, high) of percentage ranges: two percentages with only `joins` words between."""
    out = []
    for a, b in pairwise(numbers):
        between = words[a.pos + 1:b.pos]
        if a.kind == b.kind == "pct" and len(between) <= 2 and all(w in joins for w in between):
            low, high = sorted((abs(a.value), abs(b.value)))
            out.append((low, high))
    return out


def _range_short(figure: Figure, value: float, ranges: list[tuple[float, float]]) -> bool:
    """True when `value` ends a range that reaches past the bound on its other side."""
    return any(value in (low, high) and (low < figure.value if figure.bound == "min"
                                          else high > figure.value) for low, high in ranges)


def bounds_met_by_change(sentence: str, tokens: Tokens, subjects: list[Subject],
                         figures: tuple[Figure, ...], rules: StanceRules) -> list[int]:
    """Indexes of the claim's bounded percentages ("50% 넘게", "more than 20%") that the
    subject's own change in the sentence reaches, however far beyond ("grew 105%" meets
    "more than 50%": the change is the subject's, not another line's)."""
    bounded = [i for i, f in enumerate(figures) if f.kind == "pct" and f.bound in ("min", "max")]
    if not bounded or rules.numbers is None:
        return []
    met: list[int] = []
    for subject in subjects:
        change = subject_change(sentence, tokens, subject, rules.numbers,
                                rules.windows["size_reach"],
                                lambda w: rules.word_direction(w) in ("up", "down"))
        if change is not None:
            met += [i for i in bounded
                    if meets(figures[i], abs(change.value), "pct", rules, reported=True)]
    return sorted(set(met))
