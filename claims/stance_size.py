"""The size a claim states, against the quarter's reported number (and, through
claims.stance, against the figure a sentence gives its subject).

Named stance_* so that its code is part of the stance model's version (claims.stance digests
claims/stance*.py): a change here rescores stored verdicts.

Why: the reported change says whether a metric moved the claim's way, not whether it moved as
much as the claim says. "Revenue is growing more than 20% a year" with revenue up 16%, or
"Tesla's gross margin climbed back above 20%" at 17.2%, is partly true: the direction holds,
the size does not, so the numbers' part of the verdict is mixed, not supported. A figure the
claim gives as approximate ("around 40%", "40% 안팎") is met within `levels.close_band` of
itself (39% for "around 40%"); a plain one ("growing 40%") must be reached. The bound cues
come from data/stance.yaml (`numbers.at_least`, `numbers.at_most`, `levels.approximate`).
"""

from __future__ import annotations

import re
from typing import Any

from claims.grammar import load_grammar
from claims.ledger import Claim
from claims.stance_rules import StanceRules, load_stance_rules


def near_cue(text: str, start: int, end: int, cues: tuple[str, ...]) -> bool:
    """A cue right before the number (up to two words between) or right after it."""
    before = text[max(0, start - 40):start].lower()
    after = text[end:end + 12].lower()
    for cue in cues:
        c = re.escape(cue)
        if re.search(rf"(?<![a-z]){c}\s+(?:[\w\-]+\s+){{0,2}}$", before) or \
                re.search(rf"^\s*(?:[가-힣]+\s+)?{c}", after):
            return True
    return False


def _before(text: str, start: int, cues: tuple[str, ...]) -> bool:
    """One of the cue words right before the number ("reaching 34%")."""
    words = re.findall(r"[\w'\-]+", text[max(0, start - 30):start].lower())
    return bool(words) and words[-1] in cues


def _series_word(before: str, aspect: Any) -> bool:
    """An end-point word just before ("accelerated into the double digits"): where the
    series ends up, not a size each quarter must reach."""
    words = [w for w in re.findall(r"[\w'\-]+", before)[-2:] if w != "the"]
    return bool(words) and words[-1] in aspect.endpoint


def as_percent(value: float) -> float:
    """A ratio as a percentage (0.376 -> 37.6); a value already in percent stays as it is."""
    value = float(value)
    return value * 100 if abs(value) <= 1.5 else value


def level_follows(after: str, aspect: Any) -> bool:
    """A level word right after a percentage ("70% 초반", "40%대"): the figure is a range."""
    return any(after.lstrip().startswith(w) for w, _ in aspect.level_words if not w.isascii())


def claim_requirement(quote: str, rules: StanceRules) -> tuple[str, float] | None:
    """("min" | "max", percent) a claim's percentages ask for: the strictest of its bounds
    ("more than 20%") and stated figures ("accelerated to around 40%": at least 40% less the
    close band; "growing 40%": at least 40%; "reaching 34%": an end point, no size). None
    without a percentage or a multiple, or for a level range ("70% 초반")."""
    numbers = rules.numbers
    if numbers is None:
        return None
    aspect = rules.aspect
    mins: list[float] = []
    maxes: list[float] = []
    for match in re.finditer(rf"(\d+(?:\.\d+)?)\s*{load_grammar().percent_sign()}", quote,
                             re.IGNORECASE):
        value = float(match.group(1))
        after = quote[match.end():match.end() + 6].lower()
        if level_follows(after, aspect):
            continue
        if near_cue(quote, match.start(), match.end(), numbers.at_most):
            maxes.append(value)
        elif near_cue(quote, match.start(), match.end(), numbers.at_least):
            mins.append(value)
        elif near_cue(quote, match.start(), match.end(), aspect.approximate):
            mins.append(value * (1 - aspect.close_band))
        elif not _before(quote, match.start(), aspect.endpoint):
            mins.append(value)
    if mins:
        return "min", max(mins)
    if maxes:
        return "max", min(maxes)
    lowered = quote.lower()
    digits = [v for phrase, v in rules.shape.digits
              if (at := lowered.find(phrase)) >= 0 and not _series_word(lowered[:at], aspect)]
    if digits:  # "growing at a double-digit pace": at least 10%
        return "min", max(digits)
    below = [v for phrase, v in rules.shape.digits_below
             if (at := lowered.find(phrase)) >= 0 and not _series_word(lowered[:at], aspect)]
    if below:  # "single-digit growth": under 10%
        return "max", min(below)
    return numbers.claim_size(quote)  # a multiple: "doubled", "두 배"


def claim_level(quote: str, rules: StanceRules) -> tuple[float, float] | None:
    """The range a level claim names: "low 70s" / "70% 초반" -> (70, 73.4), "in the 40s" /
    "40%대" -> (40, 50) with data/stance.yaml `levels.ranges`; None when there is none, or
    when the claim only moves towards it ("70% 중반을 향해": a direction, not a level
    reached). A Latin level word comes before its decade, a Hangul one after the percentage."""
    aspect = rules.aspect
    if not aspect.level_ranges:
        return None
    ranges = {word: (low, high) for word, low, high in aspect.level_ranges}
    lowered = quote.lower()
    for surface, word in aspect.level_words:
        s = re.escape(surface)
        found = re.search(rf"(?<![a-z]){s}[\s\-]+(?:the\s+)?(\d0)'?s\b", lowered) \
            if surface.isascii() else re.search(rf"(\d0)\s*%\s*(?:대\s*)?{s}", lowered)
        if found is None:
            continue
        tail = lowered[found.end():found.end() + 12]
        if any(t in tail for t in aspect.toward):
            return None
        decade = float(found.group(1))
        low, high = ranges[word]
        return decade + low, decade + high
    return None


def _level_short(claim: Claim, figure: float, rules: StanceRules) -> str:
    level = claim_level(claim.quote, rules)
    if level is None:
        return ""
    low, high = level
    if claim.direction == "down" and figure > high:
        return f"; level: {figure:.1f}% above {low:g}-{high:g}%"
    if claim.direction == "up" and figure < low:
        return f"; level: {figure:.1f}% below {low:g}-{high:g}%"
    return ""


def sized_score(claim: Claim, metric: dict[str, Any] | None, score: float | None,
                rules: StanceRules | None = None) -> tuple[float | None, str]:
    """The numbers' score once the claim's size is checked: a score that agrees with the
    claim's direction becomes 0 (mixed) when the reported figure misses the size; the reason
    says by how much. Comparative claims are left alone (their number is a difference)."""
    if score is None or score <= 0 or not metric or getattr(claim, "compare", None):
        return score, ""
    rules = rules or load_stance_rules()
    growth = metric.get("change_unit") == "%"
    if growth:  # an amount: the claim's percentage is its growth
        reported = metric.get("qoq") if metric.get("basis") == "qoq" else metric.get("yoy")
    else:  # a ratio: the claim's percentage is its level ("above 20%")
        value = metric.get("value")
        reported = None if value is None else as_percent(value)
    if reported is None:
        return score, ""
    short = _level_short(claim, reported, rules)
    if short:
        return 0.0, short
    need = claim_requirement(claim.quote, rules)
    if need is None:
        return score, ""
    figure = -reported if growth and claim.direction == "down" else reported
    kind, limit = need
    if (kind == "min" and figure >= limit) or (kind == "max" and figure <= limit):
        return score, ""
    bound = "at least" if kind == "min" else "at most"
    return 0.0, f"; size: {figure:.1f}% against {bound} {limit:g}%"
