"""The number attached to a claim subject in a sentence: its sign and its prior-period value.

Why: management states levels and comparisons without direction words. "Free cash flow was a
negative $362 million" (or "$(362) million") contradicts "plenty of free cash flow" though no
down-word is near; "GAAP gross margin was 72.4%, compared with 75.0% a year ago" is a fall.
Direction words nearby can even mislead ("... driven by higher costs"), so a comparison the
numbers make takes precedence over them. The cue words live in data/stance.yaml (`numbers:`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from claims.stance_events import NumberRules
from claims.stance_match import Subject, Tokens

_NUMBER = re.compile(
    r"(?P<paren>\(\s*)?(?P<sign>[-−–]\s*)?(?P<cur>[$€£¥₩]\s*)?(?P<paren2>\(\s*)?"
    r"(?P<value>\d+(?:,\d{3})*(?:\.\d+)?)\s*\)?\s*"
    r"(?P<unit>%|percent\b|percentage points?\b|points?\b|trillion\b|billion\b|million\b"
    r"|thousand\b|bn\b|[mbk]\b)?", re.IGNORECASE)
#: English scale words of a figure ("$4.2 billion"); claims.stance_amounts reads the same ones.
SCALE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6,
          "thousand": 1e3, "k": 1e3}
_CLAUSE = {";", ":"}
_YEAR = re.compile(r"^(19|20)\d{2}$")


@dataclass(frozen=True)
class Number:
    """A number in a sentence: value (signed, scaled), kind (pct | amount), token position."""

    value: float
    kind: str
    pos: int
    negative: bool
    text: str


@dataclass(frozen=True)
class NumberReading:
    """What the numbers say about one subject: a direction and the words that show it."""

    direction: str
    word: str


def numbers_in(sentence: str, tokens: Tokens, rules: NumberRules) -> list[Number]:
    """Every number of the sentence with its sign (a negative word just before it, a minus, or
    accounting parentheses), skipping years and quarter labels ("2025", "Q3")."""
    out: list[Number] = []
    for match in _NUMBER.finditer(sentence):
        raw = match.group("value")
        start = match.start("value")
        if _YEAR.match(raw) and not match.group("cur") and not match.group("unit"):
            continue
        if start > 0 and sentence[start - 1].isalpha():
            continue  # Q3, H20, 10-K: labels, not quantities
        unit = (match.group("unit") or "").lower().strip()
        kind = "pct" if unit in ("%", "percent") else (
            "points" if unit.startswith("point") or unit.startswith("percentage") else "amount")
        value = float(raw.replace(",", "")) * SCALE.get(unit, 1.0)
        # "mid-70s", "low-20%": the hyphen of a range word, not a minus sign
        hyphen = match.start() > 0 and sentence[match.start() - 1].isalpha()
        raw_sign = bool(match.group("sign")) and not hyphen
        pos = max(0, bisect_left(tokens.starts, start))
        before = tokens.words[max(0, pos - rules.negative_window):pos]
        paren = bool(match.group("paren") or match.group("paren2")) and ")" in match.group(0)
        negative = raw_sign or paren or any(
            w in rules.negative_words for w in before)
        out.append(Number(-value if negative else value, kind, pos, negative, match.group(0)))
    return out


def _prior_after(words: list[str], number: Number, numbers: list[Number],
                 rules: NumberRules) -> Number | None:
    """A number of the same kind introduced by a prior-period cue right after `number`
    ("72.4%, compared with 75.0%", "up from 72.7%")."""
    for other in numbers:
        if other.pos <= number.pos or other.kind != number.kind:
            continue
        between = words[number.pos + 1:other.pos]
        if len(between) > 6 or any(w in _CLAUSE for w in between):
            return None
        for cue in rules.prior_cues:
            n = len(cue)
            if any(tuple(between[i:i + n]) == cue for i in range(len(between) - n + 1)):
                return other
        return None
    return None


def read_numbers(sentence: str, tokens: Tokens, subject: Subject, rules: NumberRules,
                 reach: int) -> NumberReading | None:
    """The direction the numbers give the subject: the first number within `reach` tokens
    after it (same clause) compared with the prior-period number that follows, or, without a
    comparison, "down" when that number is negative. None when the numbers say nothing."""
    words = tokens.words
    numbers = numbers_in(sentence, tokens, rules)
    first = next((n for n in numbers if subject.end <= n.pos < subject.end + reach), None)
    if first is None or any(w in _CLAUSE for w in words[subject.end:first.pos]):
        return None
    prior = _prior_after(words, first, numbers, rules)
    if prior is not None:
        change = first.value - prior.value
        tolerance = 0.01 * abs(prior.value) if first.kind == "amount" else 0.05
        if abs(change) <= tolerance:
            return NumberReading("flat", f"{first.text.strip()} vs {prior.text.strip()}")
        return NumberReading("up" if change > 0 else "down",
                             f"{first.text.strip()} vs {prior.text.strip()}")
    if first.negative:
        return NumberReading("down", first.text.strip())
    return None


def subject_change(sentence: str, tokens: Tokens, subject: Subject, rules: NumberRules,
                   reach: int, is_change: Callable[[str], bool]) -> Number | None:
    """The subject's change in percent in the sentence: a percentage right after a direction
    word ("up 16%", "grew 40%"), within `reach` tokens after the subject, same clause."""
    words = tokens.words
    for number in numbers_in(sentence, tokens, rules):
        if number.pos < subject.end or number.pos >= subject.end + reach:
            continue
        if any(w in _CLAUSE for w in words[subject.end:number.pos]):
            return None
        if number.kind == "pct" and any(is_change(w) for w in
                                        words[max(subject.end, number.pos - 2):number.pos]):
            return number
    return None


def size_short(sentence: str, tokens: Tokens, subject: Subject, rules: NumberRules,
               reach: int, bound: tuple[str, float], is_change: Callable[[str], bool],
               ) -> str | None:
    """"16% vs more than 20%" when the subject's change in the sentence (subject_change)
    misses the size the claim asks for."""
    number = subject_change(sentence, tokens, subject, rules, reach, is_change)
    if number is None:
        return None
    kind, limit = bound
    value = abs(number.value)
    if (kind == "min" and value < limit) or (kind == "max" and value > limit):
        return f"{number.text.strip()} vs {'at least' if kind == 'min' else 'at most'} " \
               f"{limit:g}%"
    return None
