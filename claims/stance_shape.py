"""What a claim measures, beyond its subject words: a segment's measure, a rate of growth.

Why: "Microsoft Cloud gross margin is improving" is not confirmed by "Company gross margin
percentage was 69%" or "Segment gross margin ... increased": those are other entities' margins,
and the company's reported gross margin is not the claim's number either. "Capex growth will
be lower than last year" is not contradicted by "We expect CapEx to grow": the level rises
while its growth slows; only a sentence about the rate ("It will grow at a lower rate")
speaks to it. The cue lists are data (data/stance.yaml: segments, rates;
claims/stance_shape_rules.py); the segment's name comes from the claim's own text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.grammar import load_grammar
from claims.ledger import Claim
from claims.query import company_names, load_glossary
from claims.stance_match import tokenize
from claims.stance_result import NEUTRAL, StanceResult
from claims.stance_shape_rules import ShapeRules
from claimtracker.errors import ConfigError

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _translate(word: str) -> tuple[str, ...]:
    """English subject terms the glossary gives a Korean word (empty when none)."""
    try:
        subjects, _ = load_glossary().translate(word)
    except ConfigError:  # glossary absent or broken: no Korean segment is read
        return ()
    return tuple(s.lower() for s in subjects)


@lru_cache(maxsize=4096)
def _segment(quote: str, ticker: str | None, rules: ShapeRules,
             ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(names of the segment, names of the measure) the quote qualifies, or None."""
    lower = quote.lower().replace("’", "'")
    for measure in rules.measures:
        if _HANGUL.search(measure):
            at = lower.find(measure)
        else:
            found = re.search(rf"(?<![\w-]){re.escape(measure)}(?![\w-])", lower)
            at = found.start() if found else -1
        if at < 0:
            continue
        before = quote[:at].replace("’", "'").split()
        while before and before[-1].lower() in rules.segment_skip:
            before.pop()
        if before and before[-1].endswith((":", ",", ";")) and not _HANGUL.search(measure):
            # the measure opens a clause: only a scope phrase can set its segment ("On the
            # services side, the gross margin"; not "faster than Apple: its revenue")
            scoped = _scoped(lower[:at], rules)
            return ((scoped,), (measure,)) if scoped else None
        if not before:
            return None
        companies = company_names()
        if _HANGUL.search(measure):
            word = before[-1]
            for particle in load_grammar().particles:
                if word.endswith(particle) and len(word) > len(particle):
                    word = word[: -len(particle)]
                    break
            if word.lower() in companies:
                return None
            names = _translate(word) if _HANGUL.search(word) else (word.lower(),)
            english = _translate(measure) or (measure,)
            return (names, english) if names else None
        words: list[str] = []
        for raw in reversed(before[-3:]):
            word = re.sub(r"'s?$", "", raw)
            if (not any(ch.isupper() for ch in word) or word.lower() in companies
                    or word.lower() in rules.segment_skip):
                break
            words.insert(0, word)
            if raw.endswith(("'s", "'")) and len(words) > 1:
                break
        if not words:
            scoped = _scoped(lower[:at], rules)
            return ((scoped,), (measure,)) if scoped else None
        return (" ".join(words).lower(),), (measure,)
    return None


def _scoped(before: str, rules: ShapeRules) -> str | None:
    """The segment a scope phrase sets before the measure ("on the services side, the gross
    margin ..." -> "services"), with data/stance.yaml `segments.scopes`."""
    for phrase in rules.scopes:
        head, tail = (re.escape(part) for part in phrase.split("{segment}"))
        found = re.search(rf"(?<![\w-]){head}([a-z][\w\- ]{{1,30}}?){tail}(?![\w-])", before)
        if found:
            return found.group(1).strip()
    return None


def claim_segment(claim: Claim, rules: ShapeRules,
                  ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The segment a claim's measure belongs to (never for claims with hand cues)."""
    if getattr(claim, "cues", None) or not rules.measures:
        return None
    return _segment(claim.quote, getattr(claim, "ticker", None), rules)


def _qualified_in(sentence: str, names: tuple[str, ...], measures: tuple[str, ...],
                  rules: ShapeRules) -> bool:
    """A segment name at most two words before a measure ("Microsoft Cloud gross margin"), or
    anywhere for a measure management leaves unsaid ("Gaming was up 30%" is its revenue)."""
    lower = sentence.lower().replace("’", "'")
    if any(m in rules.named_only for m in measures):
        return any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lower) for name in names)
    for name in names:
        for measure in measures:
            if re.search(rf"(?<![\w-]){re.escape(name)}(?:'s)?\s+(?:[\w\-]+\s+){{0,2}}?"
                         rf"{re.escape(measure)}", lower):
                return True
    return False


def segment_gate(sentence: str, claim: Claim, rules: ShapeRules) -> StanceResult | None:
    """Neutral for a sentence that does not name the claim's segment before its measure."""
    segment = claim_segment(claim, rules)
    if segment is None or _qualified_in(sentence, *segment, rules):
        return None
    return StanceResult(NEUTRAL, 0.0, [{"segment": segment[0][0], "named": False}])


def segment_subjects(subjects: list[tuple[str, str]], claim: Claim,
                     rules: ShapeRules) -> list[tuple[str, str]]:
    """Without the segment's bare name as a subject ("cloud" of "Cloud gross margin"): its
    revenue moving says nothing of its margin."""
    segment = claim_segment(claim, rules)
    if segment is None or any(m in rules.named_only for m in segment[1]):
        return subjects  # "Gaming was up 30%" is its revenue
    kept = [s for s in subjects if s[0].lower() not in segment[0]]
    return kept or subjects


@lru_cache(maxsize=4096)
def _rate_claim(quote: str, direction: str, rules: ShapeRules) -> bool:
    lower = quote.lower()
    # one figure is a level of the rate ("below 10%"), checked as a size; several are the
    # rate's path ("from 76% to 73%, 64%, 59%"), whose direction the claim states
    percent = rf"\d\s*{load_grammar().percent_sign(word_end=False)}"
    if direction != "down" or len(re.findall(percent, quote, re.IGNORECASE)) == 1:
        return False
    if any(phrase in lower for phrase, _ in (*rules.digits, *rules.digits_below)):
        return False  # "한 자릿수에 머물러": a size of the rate, checked like "below 10%"
    words = tokenize(lower).words
    return any(c in lower if _HANGUL.search(c) else _phrase_in(words, c)
               for c in rules.rate_claim)


def _phrase_in(words: list[str], phrase: str) -> bool:
    parts = phrase.split()
    n = len(parts)
    return any(words[i:i + n] == parts for i in range(len(words) - n + 1))


def rate_claim(claim: Claim, rules: ShapeRules) -> bool:
    """True for a claim that the rate of growth falls, stating no figure ("capex growth will
    slow"; "below 10%" is a level of the rate, checked as a size)."""
    if getattr(claim, "cues", None) or not rules.rate_claim:
        return False
    return _rate_claim(claim.quote, claim.direction, rules)


def rate_direction(sentence: str, rules: ShapeRules) -> str | None:
    """'up' / 'down' for the rate a sentence speaks of, or None when it names no rate: the
    rate word nearest after the marker ("growth rate to be higher", "at a lower rate")."""
    words = tokenize(sentence.lower()).words
    marks = [i for i, w in enumerate(words) if any(w.startswith(m) for m in rules.rate_markers)]
    if not marks:
        return None
    best: tuple[int, str] | None = None
    for i, word in enumerate(words):
        for direction, cues in (("down", rules.rate_down), ("up", rules.rate_up)):
            if any(word.startswith(c) for c in cues):
                distance = min(abs(i - m) for m in marks)
                if distance <= 4 and (best is None or distance < best[0]):
                    best = (distance, direction)
    return best[1] if best else None
