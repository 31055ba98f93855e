"""How a claim is phrased, beyond its subject and direction: done or planned, about one place,
naming several parts.

Why: "Optimus is already in volume production" is not confirmed by "production starts towards
the end of next year" (a plan confirms a claim of something done only in part); "China data
center revenue has all but vanished" is not judged by "Data center revenue grew 56%" (the
sentence speaks of the whole, the claim of one place); "robotaxi in Austin and the Bay Area"
is only partly confirmed by a sentence naming Austin alone. The cue lists are data
(data/stance.yaml: aspect, parts, qualifiers; claims/stance_aspect_rules.py).
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from claims.ledger import Claim
from claims.stance_aspect_rules import AspectRules
from claims.stance_match import tokenize
from claims.stance_result import CONTRADICTS, NEUTRAL, SUPPORTS, StanceResult

DONE, PLAN, ONGOING = "done", "plan", "ongoing"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SS_FINAL = 20  # index of ㅆ among a Hangul syllable's final consonants
_PROPER = re.compile(r"(?:the\s+)?((?:[A-Z][\w\-]*)(?:\s+[A-Z][\w\-]*)*)")


def _has(text: str, words: list[str], phrase: str) -> bool:
    """A phrase in text: a substring for Hangul, whole words for Latin."""
    if _HANGUL.search(phrase):
        return phrase in text
    parts = phrase.split()
    n = len(parts)
    return any(words[i:i + n] == parts for i in range(len(words) - n + 1))


def _perfect(words: list[str], rules: AspectRules) -> bool:
    """has/have + a participle within two words ("has since expanded", "has more than
    doubled"): the perfect says something is done."""
    for i, word in enumerate(words):
        if word in rules.perfect_aux:
            for nxt in words[i + 1:i + 4]:
                if len(nxt) > 3 and nxt.endswith(rules.participle_endings):
                    return True
    return False


def _ko_past(text: str, rules: AspectRules) -> bool:
    """A Korean verb in the past tense: a syllable ending in ㅆ (했, 었, 졌, 렸) before one of
    the endings (습니다, 다, ...)."""
    for i, ch in enumerate(text):
        if "\uac00" <= ch <= "\ud7a3" and (ord(ch) - 0xAC00) % 28 == _SS_FINAL \
                and ch not in rules.ko_not_past:
            rest = text[i + 1:]
            if any(rest.startswith(e) for e in rules.ko_past_endings):
                return True
    return False


def says_done(text: str, rules: AspectRules) -> bool:
    """The text reports something as done: a done word, the perfect or a Korean past tense."""
    lower = text.lower().replace("’", "'")
    words = tokenize(lower).words
    return (any(_has(lower, words, p) for p in rules.done) or _perfect(words, rules)
            or _ko_past(text, rules))


def says_plan(text: str, rules: AspectRules) -> bool:
    """The text announces a plan: a plan phrase, or a change of state in the present
    progressive ("Tesla is ending Model S production")."""
    lower = text.lower().replace("’", "'")
    for phrase in rules.not_plan:
        lower = lower.replace(phrase, " ")
    words = tokenize(lower).words
    if any(_has(lower, words, p) for p in rules.plan):
        return True
    return any(_aux(w, rules) and words[i + 1] in rules.plan_progressive
               for i, w in enumerate(words[:-1]))


def _aux(word: str, rules: AspectRules) -> bool:
    """"is", "are", or a contraction ending in one ("we're", "it's")."""
    return word in rules.progressive_aux or any(
        a.startswith("'") and word.endswith(a) for a in rules.progressive_aux)


@lru_cache(maxsize=4096)
def claim_aspect(quote: str, rules: AspectRules) -> str:
    """DONE, PLAN or ONGOING for a claim's quote; a plan word wins ("has said it will")."""
    if says_plan(quote, rules):
        return PLAN
    return DONE if says_done(quote, rules) else ONGOING


def dates_event(quote: str, rules: AspectRules) -> bool:
    """The claim reports an event as done ("launched its 7nm chips in July", "양산을
    시작했습니다"): it reads as done and names one of the `aspect.event` words."""
    if not rules.event or claim_aspect(quote, rules) != DONE:
        return False
    lower = quote.lower().replace("’", "'")
    words = tokenize(lower).words
    return any(_has(lower, words, p) for p in rules.event)


def plan_only(sentence: str, direction_words: list[str], quote: str, rules: AspectRules,
              forward_looking: bool = False) -> bool:
    """The sentence only plans what a DONE claim reports: nothing done in it, and the word
    that moves the subject comes under a plan phrase ("we'll expand", "trying to scale",
    "permission to launch", within `plan_reach` tokens before it or opening the sentence
    before it: "We'll have larger builds ..., ramping into Q2"; not any forward word: "Our
    XPU franchise, I should add, extends beyond TPUs" plans nothing) and is not itself a past
    form ("grew"); a bare mention of the subject plans when the whole sentence looks forward.
    It confirms the intention, not the fact."""
    if not rules.plan or claim_aspect(quote, rules) != DONE or says_done(sentence, rules):
        return False
    tokens = tokenize(sentence.lower().replace("’", "'")).words
    for word in direction_words:
        first = word.split()[0] if word.split() else ""
        if first.startswith("<"):  # <mention>, <quantity>: no word to look before
            if forward_looking or says_plan(sentence, rules):
                return True
            continue
        if not first or first not in tokens:
            continue
        if first.endswith("ed") or first in rules.past_forms:
            continue
        pos = tokens.index(first)
        before = tokens[max(0, pos - rules.plan_reach):pos]
        opening = tokens[:min(pos, rules.plan_reach)]  # "We'll have ... ramping into Q2"
        if any(_has(" ".join(span), span, p) for span in (before, opening) for p in rules.plan):
            return True
    return False


@lru_cache(maxsize=4096)
def claim_parts(quote: str, rules: AspectRules) -> tuple[str, ...]:
    """The places a quote names after a locative preposition ("in Austin", "to the Bay
    Area"): each one is a part of the claim a sentence may confirm. Fewer than
    `parts.min_parts` distinct names: none (the claim has one part)."""
    if not rules.part_prepositions:
        return ()
    found: list[str] = []
    tokens = list(re.finditer(r"[\w'\-]+", quote))
    for i, token in enumerate(tokens[:-1]):
        if token.group(0).lower() not in rules.part_prepositions:
            continue
        match = _PROPER.match(quote, tokens[i + 1].start())
        if match is None:
            continue
        name = match.group(1)
        if name.lower() in rules.part_stop or name.lower().split()[0] in rules.part_stop:
            continue
        if name.lower() not in (f.lower() for f in found):
            found.append(name)
    return tuple(found) if len(found) >= rules.min_parts else ()


def parts_named(sentence: str, parts: tuple[str, ...]) -> list[str]:
    """The parts a sentence names (case-blind, whole words)."""
    lower = sentence.lower()
    return [p for p in parts if re.search(rf"(?<!\w){re.escape(p.lower())}(?!\w)", lower)]


@lru_cache(maxsize=4096)
def claim_qualifiers(quote: str, rules: AspectRules) -> tuple[tuple[str, ...], ...]:
    """The place groups that qualify what a quote measures: a place name followed within two
    words by a `qualified` noun ("중국 데이터센터 매출", "China revenue" -> the China group;
    not "일본 구마모토 2공장", where the place only locates a named fab)."""
    lower = quote.lower()
    found = []
    for group in rules.qualifiers:
        for name in group:
            for match in re.finditer(re.escape(name), lower):
                if not _HANGUL.search(name) and (
                        lower[match.start() - 1:match.start()].isalnum()
                        or lower[match.end():match.end() + 1].isalnum()):
                    continue  # Latin names whole: "us" is not inside "focus"
                after = " ".join(lower[match.end():].split()[:2])
                if any(n in after for n in rules.qualified):
                    found.append(group)
                    break
            if found and found[-1] is group:
                break
    return tuple(found)


def names_qualifier(sentence: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """True when the sentence names one of the claim's places (any of its names)."""
    lower = sentence.lower()
    words = tokenize(lower).words
    return any(_has(lower, words, n) for g in groups for n in g)


def horizon_of(claim: Claim, rules: AspectRules) -> str:
    """The claim's horizon for weighing forward-looking sentences: a claim phrased as a plan
    ("Tesla is ending Model S production") is a forecast whatever the draft says."""
    if claim.horizon == "past" and rules.plan and claim_aspect(claim.quote, rules) == PLAN:
        return "forecast"
    return claim.horizon


def place_gate(sentence: str, claim: Claim, rules: AspectRules) -> StanceResult | None:
    """A neutral result when the claim is about a place the sentence does not name (claims
    with hand cues say themselves what counts)."""
    if getattr(claim, "cues", None):
        return None
    places = claim_qualifiers(claim.quote, rules)
    if not places or names_qualifier(sentence, places):
        return None
    return StanceResult(NEUTRAL, 0.0, [{"qualifier": places[0][0], "named": False}])


@lru_cache(maxsize=4096)
def _yearly_claim(quote: str, rules: AspectRules, sequential_cues: tuple[str, ...]) -> bool:
    """The claim speaks of a change over a year and not of a sequential one (read once per
    claim, not once per sentence)."""
    lower = quote.lower()
    if any(c in lower for c in sequential_cues):
        return False
    words = tokenize(lower).words
    return any(_has(lower, words, c) for c in rules.yearly_claim)


def basis_gate(sentence: str, claim: Claim, rules: AspectRules,
               sequential_cues: tuple[str, ...]) -> StanceResult | None:
    """A neutral result when the claim speaks of the change over a year and the sentence
    gives only the change on the previous quarter: "data center revenue decreased 5%
    sequentially" says nothing of a claim that it grows "more than 50% a year". (Not the
    other way round: a year-on-year figure still tells a sequential claim's reader where
    the metric stands.)"""
    if getattr(claim, "cues", None) or not rules.sequential \
            or not _yearly_claim(claim.quote, rules, sequential_cues):
        return None
    lower = sentence.lower()
    words = tokenize(lower).words
    if any(_has(lower, words, c) for c in rules.sequential) and not any(
            _has(lower, words, c) for c in rules.yearly):
        return StanceResult(NEUTRAL, 0.0, [{"basis": "sequential", "named": False}])
    return None


def qualify(result: StanceResult, sentence: str, claim: Claim, rules: AspectRules,
            ) -> StanceResult:
    """Mark a supporting sentence that only plans what the claim says is done ("planned": the
    verdict weighs it as partial, at `plan_weight` times its weight), and the claim's parts a
    sentence names ("parts"; for a neutral sentence too when it is not forward-looking:
    "We're now operating our Robotaxi in 2 markets, Austin and most Bay Area cities")."""
    if result.stance == CONTRADICTS:
        return result
    moved = [str(c.get("word", "")) for c in result.cues if c.get("direction")]
    planned = result.stance == SUPPORTS and plan_only(sentence, moved, claim.quote, rules,
                                                      result.forward_looking)
    cues = list(result.cues)
    weight = result.weight
    if planned:
        cues.append({"rule": "planned"})
        weight = round(weight * rules.plan_weight, 3)
    parts = claim_parts(claim.quote, rules)
    if parts and (result.stance == SUPPORTS or not result.forward_looking):
        cues.append({"rule": "parts", "named": parts_named(sentence, parts), "of": list(parts),
                     "realised": not planned})
    return dataclasses.replace(result, cues=cues, weight=weight)
