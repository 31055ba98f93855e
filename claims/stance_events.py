"""Event claims and number reading: the parts of data/stance.yaml beyond cue words.

Why events: "Meta plans to spin off WhatsApp" is not a claim that something rises, so a
sentence naming WhatsApp next to any up-word ("WhatsApp messaging grew") must not support
it. A claim whose words name an event of the `events:` lexicon (spin-off, dividend increase,
buyback, layoffs, ...) is decided only by sentences that name the event itself; the lexicon
lists the claim-side words (any language: a Korean quote names 배당) and the English words
management uses. Why numbers: "free cash flow was a negative $362 million" and "(362)" are
levels, read from the number attached to the subject; the `numbers:` section lists the words
that make a number negative and the cues of a prior-period comparison ("up from 72.7%").
Validated on load with file:line errors, like the rest of the rules file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from claims.grammar import load_grammar
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE

_EVENT_KEYS = {"id", "claim", "evidence", "direction", "object"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBER_KEYS = {"negative_words", "negative_window", "prior_cues", "at_least", "at_most",
                "size_weight", "multiples", "not_multiples", "relative_multiples",
                "relative_reach"}


@dataclass(frozen=True)
class EventRule:
    """An event a claim can name, and what a management sentence must say for it.

    `direction`: the sentence's direction word attached to the event words decides ("raised
    the dividend"); else naming the event (not negated) supports it. `object`: the claim's
    other subjects (what is spun off) must be named in the sentence too.
    """

    event_id: str
    claim: tuple[str, ...]
    evidence: tuple[str, ...]
    direction: bool
    object: bool
    line: int

    def named_by(self, text: str) -> bool:
        """True if a claim's text names this event (Latin words whole, other scripts inside)."""
        return any(_claim_pattern(p).search(text) for p in self.claim)


@dataclass(frozen=True)
class NumberRules:
    """How a number attached to a subject is read (sign, prior-period value), and the size a
    claim asks for ("more than 20%", "50% 넘게")."""

    negative_words: frozenset[str]
    negative_window: int
    prior_cues: tuple[tuple[str, ...], ...]
    at_least: tuple[str, ...] = ()
    at_most: tuple[str, ...] = ()
    size_weight: float = 0.5
    multiples: tuple[tuple[str, float], ...] = ()
    not_multiples: tuple[str, ...] = ()  # "double digits": a multiple word naming no multiple
    #: how many times a peer's figure a comparative claim asks for ("twice as fast as Azure")
    relative_multiples: tuple[tuple[str, float], ...] = ()
    #: the share of that multiple that meets it (a blogger's "twice" is a round number)
    relative_reach: float = 0.9

    def relative_multiple(self, quote: str) -> float | None:
        """The factor a comparative claim names over its peer ("twice as fast": 2), or None."""
        lowered = quote.lower()
        return next((times for word, times in self.relative_multiples
                     if _claim_pattern(word).search(lowered)), None)

    def claim_size(self, quote: str) -> tuple[str, float] | None:
        """("min" | "max", percent) when the quote bounds a percentage: a cue right before it
        ("more than 20%") or right after it ("50% 넘게"); else a multiple it names ("doubled",
        "fourfold", "두 배": at least +100%, +300%, +100%)."""
        found = _claim_size(quote, self.at_least, self.at_most)
        if found is None:
            lowered = quote.lower()
            for phrase in self.not_multiples:
                lowered = lowered.replace(phrase, " ")
            for word, times in self.multiples:
                if _claim_pattern(word).search(lowered):
                    return "min", (times - 1) * 100
        return found


@lru_cache(maxsize=1024)
def _claim_size(quote: str, at_least: tuple[str, ...], at_most: tuple[str, ...],
                ) -> tuple[str, float] | None:
    lowered = quote.lower()
    pct = rf"(\d+(?:\.\d+)?)\s*{load_grammar().percent_sign()}"
    for bound, cues in (("min", at_least), ("max", at_most)):
        for cue in cues:
            c = re.escape(cue)
            found = re.search(rf"(?<![a-z]){c}\s+(?:about\s+|roughly\s+)?{pct}", lowered) \
                or re.search(rf"{pct}\s*(?:[a-z가-힣]+\s+)?{c}", lowered)
            if found:
                return bound, float(found.group(1))
    return None


@lru_cache(maxsize=512)
def _claim_pattern(phrase: str) -> re.Pattern[str]:
    if phrase.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(phrase)}", re.IGNORECASE)
    return re.compile(re.escape(phrase))


def _fail(path: Path, line: int, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _phrases(path: Path, line: int, value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line, f"{what} must be a non-empty list of phrases, e.g. "
                    "[spin off, spin-off, 분사].")
    return tuple(v.strip().lower() for v in value)


def parse_events(path: Path, raw: Any, line: int) -> tuple[EventRule, ...]:
    """The `events:` list of the rules file."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(path, line, "`events` must be a list of {id, claim, evidence, direction}.")
    out: list[EventRule] = []
    seen: dict[str, int] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise _fail(path, line, "each event must be a mapping with id, claim and evidence.")
        at = item[LINE]
        unknown = sorted(str(k) for k in item if k != LINE and k not in _EVENT_KEYS)
        if unknown:
            raise _fail(path, at, f"event: unknown key(s) {unknown}; allowed: "
                        f"{sorted(_EVENT_KEYS)}.")
        event_id = item.get("id")
        if not isinstance(event_id, str) or not _ID.match(event_id):
            raise _fail(path, at, f"event id {event_id!r} must be lower-case words joined by "
                        "dashes, e.g. spin-off.")
        if event_id in seen:
            raise _fail(path, at, f"event id {event_id!r} is already used at line "
                        f"{seen[event_id]}; ids must be unique.")
        seen[event_id] = at
        flags = {}
        for key in ("direction", "object"):
            value = item.get(key, False)
            if not isinstance(value, bool):
                raise _fail(path, at, f"event {event_id}: {key} must be true or false.")
            flags[key] = value
        out.append(EventRule(event_id, _phrases(path, at, item.get("claim"), f"{event_id}.claim"),
                             _phrases(path, at, item.get("evidence"), f"{event_id}.evidence"),
                             flags["direction"], flags["object"], at))
    return tuple(out)


def parse_numbers(path: Path, raw: Any, line: int) -> NumberRules:
    """The `numbers:` section of the rules file."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise _fail(path, line, "`numbers` must be a mapping with negative_words, prior_cues.")
    at = raw.get(LINE, line)
    unknown = sorted(str(k) for k in raw if k != LINE and k not in _NUMBER_KEYS)
    if unknown:
        raise _fail(path, at, f"numbers: unknown key(s) {unknown}; allowed: "
                    f"{sorted(_NUMBER_KEYS)}.")
    window = raw.get("negative_window", 3)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 20:
        raise _fail(path, at, f"numbers.negative_window is {window!r}; write a whole number "
                    "of tokens from 0 to 20.")
    negatives = _phrases(path, at, raw.get("negative_words") or ["negative"],
                         "numbers.negative_words")
    cues = _phrases(path, at, raw.get("prior_cues") or ["from"], "numbers.prior_cues")
    bounds = {key: _phrases(path, at, raw[key], f"numbers.{key}") if raw.get(key) is not None
              else () for key in ("at_least", "at_most")}
    weight = raw.get("size_weight", 0.5)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0 <= weight <= 1:
        raise _fail(path, at, f"numbers.size_weight is {weight!r}; write a number from 0 to 1.")
    multiples, relative = (_factors(path, at, raw, key) for key in ("multiples",
                                                                   "relative_multiples"))
    reach = raw.get("relative_reach", 0.9)
    if not isinstance(reach, (int, float)) or isinstance(reach, bool) or not 0 < reach <= 1:
        raise _fail(path, at, f"numbers.relative_reach is {reach!r}; write a share of the "
                    "multiple above 0 and at most 1, e.g. 0.9.")
    return NumberRules(frozenset(negatives), window, tuple(tuple(c.split()) for c in cues),
                       bounds["at_least"], bounds["at_most"], float(weight), multiples,
                       _phrases(path, at, raw.get("not_multiples") or [], "numbers.not_multiples"),
                       relative, float(reach))


def _factors(path: Path, at: Any, raw: dict[str, Any], key: str) -> tuple[tuple[str, float], ...]:
    """numbers.multiples / numbers.relative_multiples: word -> factor above 1."""
    value = raw.get(key) or {}
    if not isinstance(value, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 1
            for k, v in value.items() if k != LINE):
        raise _fail(path, at, f"numbers.{key} must map a word to a factor above 1, e.g. "
                    "{doubled: 2, fourfold: 4}.")
    return tuple((str(k).lower(), float(v)) for k, v in value.items() if k != LINE)


def claim_event(text: str, events: tuple[EventRule, ...]) -> EventRule | None:
    """The first event of the lexicon a claim's text names, or None."""
    lowered = text.lower()
    return next((e for e in events if e.named_by(lowered)), None)
