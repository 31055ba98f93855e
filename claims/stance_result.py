"""What a stance judgement returns, and the pieces every stance module shares.

Kept apart from claims.stance so the rule model, the aspect reading (planned vs done) and the
verdict can all import the result type without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from claims.ledger import Claim
from claims.stance_match import tokenize
from claims.stance_rules import StanceRules

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
NEUTRAL = "neutral"


@dataclass(frozen=True)
class StanceResult:
    """The verdict on one sentence and the cues that decided it (stored as JSON evidence)."""

    stance: str
    weight: float = 0.0
    cues: list[dict[str, Any]] = field(default_factory=list)
    hedged: bool = False
    forward_looking: bool = False
    #: the sentence names the claim's subject (or event) past every gate, whatever its stance:
    #: a quarter whose only such sentences are neutral touched the claim without a side
    on_subject: bool = False

    @property
    def signed(self) -> float:
        """+weight for supports, -weight for contradicts, 0 for neutral."""
        return {SUPPORTS: self.weight, CONTRADICTS: -self.weight}.get(self.stance, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {"stance": self.stance, "weight": self.weight, "cues": self.cues,
                "hedged": self.hedged, "forward_looking": self.forward_looking,
                "on_subject": self.on_subject}


@runtime_checkable
class StanceModel(Protocol):
    """Decides the stance of a sentence towards a claim; `name` goes into the input hash."""

    name: str

    def judge(self, sentence: str, claim: Claim) -> StanceResult: ...


def flip(direction: str) -> str:
    return {"up": "down", "down": "up"}.get(direction, direction)


def forward_looking(sentence: str, words: list[str], rules: StanceRules) -> bool:
    """Forward-looking markers, outside the phrases that speak of the past ("as expected")."""
    lower = sentence.lower()
    realised = [p for p in rules.realised_phrases if p in lower]
    if realised:
        for phrase in realised:
            lower = lower.replace(phrase, " ")
        words = tokenize(lower).words
    return any(w in rules.forward for w in words) or any(
        p in lower for p in rules.forward_phrases)
