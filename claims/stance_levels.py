"""A level a claim names ("매출총이익률은 이미 40%대에 올라섰습니다", "gross margin slipped to
the low 70s"), checked against the level a sentence gives the claim's subject.

Why: many companies have no XBRL series here, so a level claim is judged on sentences alone.
"Gross margin was 35%, up 4 percentage points" takes the side of a margin that rose into the
40s by its direction word, yet 35% is no level in the 40s: the direction holds, the level does
not (a size miss, which the verdict reads as mixed). A sentence with no direction word at all
decides by the level: "gross margin was 42%" supports the claim, "was 35%" contradicts it.
Ranges are data/stance.yaml `levels` (claims.stance_size.claim_level).
"""

from __future__ import annotations

import dataclasses
import re

from claims.ledger import Claim
from claims.stance_amounts import amount_stance
from claims.stance_match import Subject, Tokens
from claims.stance_numbers import numbers_in
from claims.stance_result import CONTRADICTS, SUPPORTS, StanceResult
from claims.stance_rules import StanceRules
from claims.stance_size import claim_level

_PUNCTUATION = re.compile(r"[,;:]")  # a level past a comma is the next item's ("..., opex 28%")


def quantity_stance(result: StanceResult, sentence: str, tokens: Tokens,
                    subjects: list[Subject], claim: Claim, rules: StanceRules,
                    factor: float) -> StanceResult:
    """`result` checked against the amount (claims.stance_amounts) and the level the claim
    names; `factor` is the hedge and forward discount."""
    result = amount_stance(result, sentence, tokens, subjects, claim, rules, factor)
    return level_stance(result, sentence, tokens, subjects, claim, rules, factor)


def subject_level(sentence: str, tokens: Tokens, subjects: list[Subject],
                  rules: StanceRules) -> tuple[Subject, float, str] | None:
    """The first percentage within `windows.size_reach` tokens after a subject, with no
    punctuation or `clause_breaks` word between ("Gross margin was 35%, up 4 percentage
    points" -> 35)."""
    if rules.numbers is None:
        return None
    reach = rules.windows["size_reach"]
    numbers = [n for n in numbers_in(sentence, tokens, rules.numbers) if n.kind == "pct"]
    for subject in subjects:
        for number in numbers:
            if subject.end <= number.pos < subject.end + reach:
                end = tokens.starts[subject.end - 1] + len(tokens.words[subject.end - 1])
                if _PUNCTUATION.search(sentence[end:tokens.starts[number.pos]]) or any(
                        w in rules.clause_breaks for w in tokens.words[subject.end:number.pos]):
                    break
                return subject, abs(number.value), number.text.strip()
    return None


def level_stance(result: StanceResult, sentence: str, tokens: Tokens,
                 subjects: list[Subject], claim: Claim, rules: StanceRules,
                 factor: float) -> StanceResult:
    """A support whose level falls on the wrong side of the claim's range becomes a size miss;
    a sentence with no side takes one by the level (inside the range or beyond it the
    claim's way: supports; short of it: contradicts)."""
    if result.stance == CONTRADICTS or not subjects or claim.direction not in ("up", "down") \
            or getattr(claim, "cues", None):
        return result
    level = claim_level(claim.quote, rules)
    reading = subject_level(sentence, tokens, subjects, rules) if level else None
    if level is None or reading is None:
        return result
    subject, value, text = reading
    low, high = level
    short = value < low if claim.direction == "up" else value > high
    word = f"{text} vs {low:g}-{high:g}%"
    if not short:  # the level is stated: the verdict no longer caps the claim at mixed
        cue = {"cue": subject.phrase, "word": word, "rule": "level",
               "direction": claim.direction, "expects": claim.direction}
        if result.stance == SUPPORTS:
            return dataclasses.replace(result, cues=[*result.cues, cue])
        return dataclasses.replace(result, stance=SUPPORTS, cues=[*result.cues, cue],
                                   weight=round(factor * rules.weights["figure_stated"], 3))
    if result.stance == SUPPORTS:  # the right way, not as far: a size miss
        cue = {"cue": subject.phrase, "word": word, "rule": "size"}
        return dataclasses.replace(result, stance=CONTRADICTS, cues=[*result.cues, cue],
                                   weight=round(result.weight * rules.numbers.size_weight, 3))
    cue = {"cue": subject.phrase, "word": word, "rule": "level", "expects": claim.direction,
           "direction": "down" if claim.direction == "up" else "up"}
    return dataclasses.replace(result, stance=CONTRADICTS, weight=round(factor, 3),
                               cues=[*result.cues, cue])
