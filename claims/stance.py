"""Stance of one management sentence towards one claim: supports, contradicts or neutral.

The rules are deliberately transparent so a user can see why a sentence counted: find the
claim's cue phrases in the sentence, read the direction word nearest to each (increase,
reduce, flat ...), flip it under negation, and compare it with the direction of that cue
which supports the claim. Hedged ("may", "could") and forward-looking ("we expect") sentences
weigh less as evidence for a claim about what has already happened.

Anything with `judge(sentence, claim) -> StanceResult` is a `StanceModel`, so an NLI model a
user has on disk can replace `RuleStance` without touching the scorer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claims.ledger import Claim

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
NEUTRAL = "neutral"

#: Direction words, matched at the start of a lower-cased token ("increas" -> increased).
UP_WORDS = (
    "increas", "grow", "grew", "growth", "expand", "expansion", "accelerat", "rise", "rose",
    "rising", "higher", "more", "improv", "gain", "record", "strong", "doubl", "tripl", "ramp",
    "add", "launch", "deploy", "rolled", "roll", "introduc", "invest", "scal", "larger",
    "largest", "biggest", "lead", "momentum", "extend", "up", "multibillion", "subscribed",
    "taken", "advantag", "better", "best", "boost", "double-digit", "triple-digit", "faster",
    "fastest", "outpac", "significant", "substantial", "leverag", "ahead",
)
DOWN_WORDS = (
    "decreas", "declin", "reduc", "cut", "lower", "fell", "fall", "drop", "shrink", "less",
    "fewer", "slow", "flatten", "eliminat", "remov", "decelerat", "down", "weak", "headwind",
    "pressure", "sav", "contract", "trim", "layoff", "flatter",
)
FLAT_WORDS = ("flat", "stable", "unchanged", "steady", "similar", "consistent", "maintain")
#: Tokens that look like direction words but are not ("overall", "upon", "addition").
NOT_DIRECTION = {
    "overall", "upon", "addition", "additional", "additionally", "address", "leading-edge",
    "overview", "lead-in", "leadership",  # leadership is a noun, not a change
    "more-or-less", "downstream", "lowercase", "update", "updated", "updates",
}
NEGATIONS = {"not", "no", "never", "n't", "without", "neither", "nor", "hardly", "cannot",
             "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "won't"}
HEDGES = {"may", "might", "could", "possibly", "perhaps", "potential", "potentially",
          "uncertain", "uncertainty", "unclear", "hope", "hopefully", "try", "depend", "depends",
          "fluctuate", "likely", "unlikely"}
#: Generic or conditional language (10-K risk factors, policy statements) takes no side.
GENERIC = {"generally", "failure", "seek", "seeks", "unless", "risk", "risks", "typically"}
FORWARD = {"will", "expect", "expects", "expected", "anticipate", "anticipates", "plan",
           "plans", "intend", "intends", "outlook", "guidance", "forecast", "next", "should",
           "aim", "going", "future", "continue", "upcoming", "'ll", "believe"}
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*|n't|[;:]", re.IGNORECASE)
_NUMBER = re.compile(r"\d")
WINDOW = 8  # tokens either side of a cue in which a direction word is read
EXISTENCE_WINDOW = 3


@dataclass(frozen=True)
class StanceResult:
    """The verdict on one sentence and the cues that decided it (stored as JSON evidence)."""

    stance: str
    weight: float = 0.0
    cues: list[dict[str, Any]] = field(default_factory=list)
    hedged: bool = False
    forward_looking: bool = False

    @property
    def signed(self) -> float:
        """+weight for supports, -weight for contradicts, 0 for neutral."""
        return {SUPPORTS: self.weight, CONTRADICTS: -self.weight}.get(self.stance, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {"stance": self.stance, "weight": self.weight, "cues": self.cues,
                "hedged": self.hedged, "forward_looking": self.forward_looking}


@runtime_checkable
class StanceModel(Protocol):
    """Decides the stance of a sentence towards a claim; `name` goes into the input hash."""

    name: str

    def judge(self, sentence: str, claim: Claim) -> StanceResult: ...


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text.replace("’", "'"))]


def word_direction(token: str) -> str | None:
    """'up', 'down', 'flat' or None for one lower-cased token."""
    if token in NOT_DIRECTION:
        return None
    for words, direction in ((FLAT_WORDS, "flat"), (DOWN_WORDS, "down"), (UP_WORDS, "up")):
        for word in words:
            if token == word or (len(word) >= 3 and token.startswith(word)):
                return direction
    return None


def _flip(direction: str) -> str:
    return {"up": "down", "down": "up"}.get(direction, direction)


def _cue_spans(tokens: list[str], cue: str) -> list[tuple[int, int]]:
    """Token spans where a cue phrase occurs (a final 's' or 'es' is allowed on its last word)."""
    words = _tokens(cue)
    if not words:
        return []
    last = re.compile(rf"{re.escape(words[-1])}(?:s|es|\d+[a-z]?|-[a-z\-]+)?")
    spans = []
    for i in range(len(tokens) - len(words) + 1):
        window = tokens[i:i + len(words)]
        if window[:-1] == words[:-1] and last.fullmatch(window[-1]):
            spans.append((i, i + len(words)))
    return spans


def _direction_at(tokens: list[str], pos: int) -> str | None:
    """The direction of the token at pos; "up to 50%" is a bound, not a direction."""
    if tokens[pos] == "up" and pos + 2 < len(tokens) and tokens[pos + 1] == "to" \
            and _NUMBER.match(tokens[pos + 2]):
        return None
    if tokens[pos] == "over":  # "over 1 million robots" is a scale, "over time" is not
        return "up" if pos + 1 < len(tokens) and _NUMBER.match(tokens[pos + 1]) else None
    return word_direction(tokens[pos])


def _nearest_direction(tokens: list[str], start: int, end: int,
                       window: int = WINDOW) -> tuple[str, int] | None:
    """The direction word closest to a cue, within `window` tokens and the same clause."""
    best: tuple[int, str, int] | None = None
    for pos in range(max(0, start - window), min(len(tokens), end + window)):
        if start <= pos < end:
            continue
        between = tokens[min(pos, start):max(pos, end)]
        if ";" in between or ":" in between:
            continue
        direction = _direction_at(tokens, pos)
        if direction is None:
            continue
        distance = start - pos if pos < start else pos - end + 1
        if best is None or distance < best[0]:
            best = (distance, direction, pos)
    return (best[1], best[2]) if best else None


def _negated(tokens: list[str], pos: int) -> bool:
    return any(t in NEGATIONS for t in tokens[max(0, pos - 3):pos])


class RuleStance:
    """Direction words against the claim's cue directions, with negation and hedging."""

    #: Changes whenever the rules (this file) change, so stored verdicts are recomputed.
    name = "rules-" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]

    def judge(self, sentence: str, claim: Claim) -> StanceResult:
        tokens = _tokens(sentence)
        if any(t in GENERIC for t in tokens):
            return StanceResult(NEUTRAL, 0.0, [{"generic": True}])
        hedged = any(t in HEDGES for t in tokens)
        forward = any(t in FORWARD for t in tokens) or "going to" in sentence.lower()
        found: list[dict[str, Any]] = []
        used: set[tuple[int, int]] = set()
        # Existence claims read only adjacent words: "Trainium-powered instances let customers
        # save 50%" is about the customers' costs, not fewer chips.
        window = EXISTENCE_WINDOW if claim.mentions_support else WINDOW
        # Longer cues first, so "cost to serve" claims its tokens before "cost".
        for cue, supporting in sorted(claim.cues.items(), key=lambda kv: -len(kv[0])):
            for start, end in _cue_spans(tokens, cue):
                if any(s <= start < e or s < end <= e for s, e in used):
                    continue
                used.add((start, end))
                hit = _nearest_direction(tokens, start, end, window)
                if hit is None and claim.kind == "metric":
                    # "CapEx to be about $125 billion ... and that amount will increase"
                    hit = _nearest_direction(tokens, start, end, window=len(tokens))
                if hit is None:
                    if (claim.kind == "narrative" and supporting == "up"
                            and _NUMBER.search(" ".join(tokens[max(0, start - 4):end + 4]))):
                        found.append({"cue": cue, "word": "<quantity>", "direction": "up",
                                      "negated": False, "expects": supporting})
                    continue
                direction, pos = hit
                negated = _negated(tokens, pos)
                if negated:
                    direction = _flip(direction)
                found.append({"cue": cue, "word": tokens[pos], "direction": direction,
                              "negated": negated, "expects": supporting})
        votes = sum(1 if c["direction"] == c["expects"] else -1 for c in found)
        weight = 1.0
        if not found and used and claim.mentions_support:
            # Existence claims: management naming the robot / chip is itself weak support.
            start = min(s for s, _ in used)
            if not _negated(tokens, start):
                found.append({"cue": " ".join(tokens[start:start + 3]), "word": "<mention>",
                              "direction": "up", "negated": False, "expects": "up"})
                votes, weight = 1, 0.5
        if not found or votes == 0:
            return StanceResult(NEUTRAL, 0.0, found, hedged, forward)
        if hedged:
            weight *= 0.5
        if forward:
            weight *= 0.5 if claim.horizon == "past" else 0.8
        stance = SUPPORTS if votes > 0 else CONTRADICTS
        return StanceResult(stance, round(weight, 3), found, hedged, forward)


def default_stance_model() -> StanceModel:
    return RuleStance()
