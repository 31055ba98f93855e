"""Tokens, claim subjects and phrase-rule matches in one sentence (no model, pure rules).

Kept apart from the stance model so the matching can be tested and reused (the article side
reads the same rules file) and the model reads as the decision it makes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from claims.stance_rules import PatternToken, PhraseRule

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*|n't|[;:]", re.IGNORECASE)
_CLAUSE = {";", ":"}


@dataclass(frozen=True)
class Tokens:
    """Lower-cased word tokens of a sentence and where each starts in it (for the parse)."""

    words: list[str]
    starts: list[int]


def tokenize(text: str) -> Tokens:
    normal = text.replace("’", "'")  # same length: offsets stay valid for `text`
    found = list(_TOKEN.finditer(normal))
    return Tokens([m.group(0).lower() for m in found], [m.start() for m in found])


@dataclass(frozen=True)
class Subject:
    """One occurrence of a claim subject (what rises or falls) and the direction supporting it."""

    start: int
    end: int
    phrase: str
    expects: str


@lru_cache(maxsize=4096)
def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(tokenize(phrase).words)


@lru_cache(maxsize=4096)
def _phrase_matcher(phrase: str) -> tuple[tuple[str, ...], re.Pattern[str]] | None:
    parts = phrase_words(phrase)
    if not parts:
        return None
    return parts, re.compile(rf"{re.escape(parts[-1])}(?:s|es|\d+[a-z]?|-[a-z\-]+)?(?:'s?)?")


def phrase_spans(words: list[str], phrase: str) -> list[tuple[int, int]]:
    """Token spans of a phrase; its last word may take a plural, a number, a -suffix or a
    possessive ("Google Cloud's")."""
    compiled = _phrase_matcher(phrase)
    if compiled is None:
        return []
    parts, last = compiled
    n = len(parts)
    head = parts[0]
    spans = []
    for i in range(len(words) - n + 1):
        word = words[i]
        if n == 1:
            if word.startswith(head) and last.fullmatch(word):
                spans.append((i, i + 1))
        elif word == head and tuple(words[i + 1:i + n - 1]) == parts[1:-1] \
                and last.fullmatch(words[i + n - 1]):
            spans.append((i, i + n))
    return spans


def subject_spans(words: list[str], subjects: Sequence[tuple[str, str]]) -> list[Subject]:
    """Non-overlapping subject occurrences, longer phrases first ("cost to serve" before
    "cost"), in sentence order."""
    found: list[Subject] = []
    joined = " " + " ".join(words)
    for phrase, expects in sorted(subjects, key=lambda kv: -len(kv[0])):
        parts = phrase_words(phrase)
        if not parts or " " + parts[0] not in joined:  # cheap: most phrases are absent
            continue
        for start, end in phrase_spans(words, phrase):
            if any(s.start <= start < s.end or s.start < end <= s.end for s in found):
                continue
            found.append(Subject(start, end, phrase, expects))
    return sorted(found, key=lambda s: s.start)


@dataclass
class RuleHit:
    """A phrase rule matched at [start, end); `subject` filled its {subject} slot, if any."""

    rule: PhraseRule
    start: int
    end: int
    subject: Subject | None
    consumed: set[int] = field(default_factory=set)  # positions of the pattern's own words


class _Matcher:
    """Backtracking match of one rule's tokens from one position."""

    def __init__(self, words: list[str], by_start: dict[int, list[Subject]], gap: int,
                 slot_gap: int) -> None:
        self.words, self.by_start, self.gap, self.slot_gap = words, by_start, gap, slot_gap

    def _free(self, pos: int) -> bool:
        return pos < len(self.words) and self.words[pos] not in _CLAUSE

    def run(self, tokens: tuple[PatternToken, ...], ti: int, pi: int,
            state: tuple[Subject | None, frozenset[int]]
            ) -> tuple[int, Subject | None, frozenset[int]] | None:
        if pi == len(tokens):
            return ti, state[0], state[1]
        token = tokens[pi]
        if not token.optional:
            return self._one(tokens, ti, pi, state)
        if token.kind == "gap":  # the shortest gap first
            skipped = self.run(tokens, ti, pi + 1, state)
            return skipped if skipped is not None else self._one(tokens, ti, pi, state)
        taken = self._one(tokens, ti, pi, state)  # an optional word is taken when it is there
        return taken if taken is not None else self.run(tokens, ti, pi + 1, state)

    def _one(self, tokens: tuple[PatternToken, ...], ti: int, pi: int,
             state: tuple[Subject | None, frozenset[int]]
             ) -> tuple[int, Subject | None, frozenset[int]] | None:
        token = tokens[pi]
        if token.kind == "gap":
            for g in range(1, self.gap + 1):
                if not all(self._free(p) for p in range(ti, ti + g)):
                    break
                hit = self.run(tokens, ti + g, pi + 1, state)
                if hit is not None:
                    return hit
            return None
        if token.kind == "subject":
            return self._slot(tokens, ti, pi, state)
        if ti < len(self.words) and token.accepts(self.words[ti]):
            return self.run(tokens, ti + 1, pi + 1, (state[0], state[1] | {ti}))
        return None

    def _slot(self, tokens: tuple[PatternToken, ...], ti: int, pi: int,
              state: tuple[Subject | None, frozenset[int]]
              ) -> tuple[int, Subject | None, frozenset[int]] | None:
        first = pi == 0
        for g in range(1 if first else self.slot_gap + 1):
            if not all(self._free(p) for p in range(ti, ti + g)):
                break
            for subject in self.by_start.get(ti + g, []):
                after = range(self.slot_gap + 1) if first else range(1)
                for g2 in after:
                    if not all(self._free(p) for p in range(subject.end, subject.end + g2)):
                        break
                    hit = self.run(tokens, subject.end + g2, pi + 1, (subject, state[1]))
                    if hit is not None:
                        return hit
        if first:
            return None
        # No claim subject in the slot: the rule still owns its words ("upward pressure on
        # headcount" must not read as "down" for a nearby capex subject).
        if self._free(ti):
            return self.run(tokens, ti + 1, pi + 1, (None, state[1]))
        return None


def match_rules(words: list[str], subjects: list[Subject], rules: Sequence[PhraseRule], *,
                gap: int, slot_gap: int) -> list[RuleHit]:
    """Every phrase-rule match, earlier rules first; a word belongs to at most one match."""
    present = set(words)
    by_start: dict[int, list[Subject]] = {}
    for subject in subjects:
        by_start.setdefault(subject.start, []).append(subject)
    matcher = _Matcher(words, by_start, gap, slot_gap)
    owned: set[int] = set()
    hits: list[RuleHit] = []
    for rule in rules:
        if not all(present & alts for alts in rule.required):
            continue
        if rule.tokens[0].kind == "subject" and not subjects:
            continue
        ti = 0
        while ti < len(words):
            found = matcher.run(rule.tokens, ti, 0, (None, frozenset()))
            if found is None or not found[2] or found[2] & owned or found[0] <= ti:
                ti += 1
                continue
            end, subject, consumed = found
            hits.append(RuleHit(rule, ti if rule.tokens[0].kind != "subject" else
                                (subject.start if subject else ti), end, subject, set(consumed)))
            owned |= consumed
            ti = end
    return hits


def scope_of(sentence: str, cues: Sequence[str], nouns: frozenset[str]) -> str | None:
    """The entity a sentence is scoped to by its opening phrase ("Within our Reality Labs
    segment, Q1 revenue was ...", "In Azure, ..."): the phrase before the first comma when it
    starts with a scope cue and names a proper noun (not a period like "Q4") or one of the
    `nouns` (segment, division). None when the sentence is not so scoped."""
    head, comma, _ = sentence.strip().partition(",")
    if not comma or len(head.split()) > 8:
        return None
    lowered = head.lower()
    if not any(lowered.startswith(c + " ") for c in cues):
        return None
    words = head.split()[1:]
    proper = [w for w in words if w[:1].isupper() and not any(ch.isdigit() for ch in w)]
    if proper or any(w.lower().strip(".'’") in nouns for w in words):
        return head
    return None
