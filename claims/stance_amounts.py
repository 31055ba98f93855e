"""Amounts a claim states ("more than $20 billion on capex", "520억~560억 달러"), checked
against the amount a sentence gives the claim's subject.

Why: "we're projecting capex to increase substantially in 2026" confirms the direction of
"Tesla expects to spend more than $20 billion on capex in 2026", not its size; "we are
expecting that CapEx would be in excess of $20 billion" confirms both, with no direction word
at all; "Reality Labs' operating loss was $4.2 billion" confirms "still burning more than $4
billion every quarter". A claim's amount counts only when a bound ("more than", "넘게") or a
range ("52 to 56", "520억~560억") states it: a plain figure is often where a series ended
("backlog jumped to $155 billion"), not what every quarter must reach. Bound cues are
data/stance.yaml `numbers.at_least`; Korean units (`amounts.units`) are data too.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from claims.ledger import Claim
from claims.stance_match import Subject, Tokens
from claims.stance_numbers import SCALE, numbers_in
from claims.stance_result import CONTRADICTS, NEUTRAL, SUPPORTS, StanceResult
from claims.stance_rules import StanceRules

_EN = r"(?:\$|usd\s*)?\s*(\d+(?:[.,]\d+)?)\s*(trillion|billion|bn|million)"


@lru_cache(maxsize=2048)
def claim_amount(quote: str, at_least: tuple[str, ...], units: tuple[tuple[str, float], ...],
                 currency: tuple[str, ...]) -> float | None:
    """The least amount (in currency units) the claim asks for: the largest amount it bounds
    from below or the low end of a range it gives. None without one. Amounts in Korean units
    (억, 조) count only in a quote naming a currency the filings use (달러)."""
    lowered = quote.lower()
    if not any(c in quote for c in currency):
        units = ()
    found: list[float] = []
    cues = "|".join(re.escape(c) for c in at_least if c.isascii())
    if cues:
        for match in re.finditer(rf"(?<![a-z])(?:{cues})\s+(?:about\s+|roughly\s+)?{_EN}",
                                 lowered):
            found.append(float(match.group(1).replace(",", "")) * SCALE[match.group(2)])
    for match in re.finditer(rf"(?:between\s+{_EN}\s+and|(\d+(?:\.\d+)?)\s*(?:-|to|~))"
                             rf"\s*{_EN}", lowered):
        if match.group(1):  # "between $52 billion and $56 billion"
            found.append(float(match.group(1).replace(",", "")) * SCALE[match.group(2)])
        else:  # "52 to 56 billion": the low end in the high end's unit
            found.append(float(match.group(3)) * SCALE[match.group(5)])
    for unit, scale in units:
        u = re.escape(unit)
        number = rf"(\d+(?:[.,]\d+)?)\s*{u}"
        for match in re.finditer(rf"{number}\s*~\s*(?:\d+(?:[.,]\d+)?)\s*{u}", quote):
            found.append(float(match.group(1).replace(",", "")) * scale)
        kor = [c for c in at_least if not c.isascii()]
        for match in re.finditer(rf"{number}[^\d]{{0,8}}?(?:{'|'.join(map(re.escape, kor))})",
                                 quote) if kor else ():
            found.append(float(match.group(1).replace(",", "")) * scale)
    return max(found) if found else None


def _subject_amount(sentence: str, tokens: Tokens, subjects: list[Subject],
                    rules: StanceRules, reach: int) -> tuple[Subject, float, str] | None:
    """The first amount within `reach` tokens after a subject (same clause)."""
    if rules.numbers is None:
        return None
    numbers = [n for n in numbers_in(sentence, tokens, rules.numbers)
               if n.kind == "amount" and abs(n.value) >= 1e6]
    for subject in subjects:
        for number in numbers:
            if subject.end <= number.pos < subject.end + reach and not any(
                    w in (";", ":") for w in tokens.words[subject.end:number.pos]):
                return subject, abs(number.value), number.text.strip()
    return None


def amount_stance(result: StanceResult, sentence: str, tokens: Tokens,
                  subjects: list[Subject], claim: Claim, rules: StanceRules,
                  factor: float) -> StanceResult:
    """`result` checked against the amount the claim asks for: a support whose amount falls
    short becomes a size miss (partial); a sentence with no direction word that gives the
    subject an amount meeting the claim supports it (at `factor`, the hedge and forward
    discount), one missing it is a size miss; for a claim that a level holds (direction
    flat: "still burning more than $4 billion") the amount decides over direction words."""
    if rules.numbers is None or getattr(claim, "cues", None) or claim.direction == "down":
        return result
    need = claim_amount(claim.quote, rules.numbers.at_least, rules.aspect.amount_units,
                        rules.aspect.amount_currency)
    if need is None or not subjects:
        return result
    if result.stance == CONTRADICTS and claim.direction != "flat":
        return result
    reading = _subject_amount(sentence, tokens, subjects, rules, rules.windows["size_reach"])
    if reading is None:
        return result
    subject, value, text = reading
    if value >= need:
        if result.stance == SUPPORTS:
            return result
        cue = {"cue": subject.phrase, "word": f"{text} vs at least {need:,.0f}",
               "rule": "amount", "direction": claim.direction, "expects": claim.direction}
        return dataclasses.replace(result, stance=SUPPORTS, weight=round(factor, 3),
                                   cues=[*result.cues, cue])
    cue = {"cue": subject.phrase, "word": f"{text} vs at least {need:,.0f}", "rule": "size"}
    weight = result.weight if result.stance != NEUTRAL else factor
    return dataclasses.replace(result, stance=CONTRADICTS,
                               weight=round(weight * rules.numbers.size_weight, 3),
                               cues=[*result.cues, cue])
