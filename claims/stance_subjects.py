"""What a claim's stance is about: its subjects (with the direction of each that supports it)
and the event it names, if any.

Kept apart from the stance model: the model judges sentences, this module reads the claim.
The ledger's hand cues override everything; otherwise the claim's key terms and its metric's
aliases are the subjects, and the rules file (data/stance.yaml: adverse_causes, events) says
which of them is a cause and which event the claim names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.ledger import Claim
from claims.stance_events import EventRule, claim_event
from claims.stance_rules import StanceRules, load_stance_rules


def flip(direction: str) -> str:
    return {"up": "down", "down": "up"}.get(direction, direction)


def claim_subjects(claim: Claim, rules: StanceRules | None = None) -> list[tuple[str, str]]:
    """(phrase, direction of it that supports the claim): the ledger's cues override; else the
    claim's key terms and its metric's aliases, each supporting the claim's direction, except
    a cause the quote names after an adverse cue ("squeezed by depreciation") and a subject
    that measures the opposite (data/stance.yaml `inverse_subjects`: "layoffs" of an
    employees claim): those support the claim when they move the other way. A bare term that
    another term qualifies ("gross margin" beside "Cloud gross margin") is left out."""
    cues = getattr(claim, "cues", None) or {}
    if cues:
        return list(cues.items())
    adverse = rules.adverse_causes if rules is not None else ()
    phrases = [str(t) for t in getattr(claim, "terms", ()) or ()]
    metric = getattr(claim, "metric", None)
    if metric:
        from claimtracker.metric_catalog import load_catalog

        phrases.extend(load_catalog().english_names(metric))
    unique = list(dict.fromkeys(p for p in phrases if p.strip()))
    kept = [p for p in unique if not _qualified_elsewhere(p, unique)]
    # other spellings of a kept term ("10nm Ice Lake": "Ice Lake") count as that term
    kept = list(dict.fromkeys([*kept, *(o for p in kept for o in _respelled(p))]))
    inverse = rules.inverse_subjects if rules is not None else frozenset()
    return [(p, flip(claim.direction)
             if _caused(claim.quote, p, adverse) or p.lower() in inverse else claim.direction)
            for p in kept]


def _respelled(term: str) -> list[str]:
    """Other spellings of a term (data/glossary.yaml `spellings`: "7nm" -> "7-nanometer")."""
    from claims.query import load_glossary

    return load_glossary().respell(term)


def _qualified_elsewhere(phrase: str, phrases: list[str]) -> bool:
    """True if another subject is this one qualified ("Cloud gross margin", "OCI revenue"):
    the claim is about that one, so the bare "gross margin" of a segment or of the whole
    company is not its subject."""
    tail = " " + phrase.lower().rstrip("s")  # plural-blind: "gross margins" too
    return any(p.lower().rstrip("s").endswith(tail) for p in phrases
               if p.lower().rstrip("s") != phrase.lower().rstrip("s"))


@lru_cache(maxsize=4096)
def _caused(quote: str, phrase: str, adverse: tuple[str, ...]) -> bool:
    """True if the quote names `phrase` as an adverse cause ("squeezed by AI infrastructure
    costs"): up to three words may stand between the cue and the phrase."""
    if not adverse or not phrase.isascii():
        return False
    cues = "|".join(re.escape(c) for c in adverse)
    return re.search(rf"\b(?:{cues})\s+(?:[\w'-]+\s+){{0,3}}{re.escape(phrase)}", quote,
                     re.IGNORECASE) is not None


def event_of(claim: Claim, rules: StanceRules) -> EventRule | None:
    """The event a claim names (never for hand-cued claims: their cues say what counts)."""
    if getattr(claim, "cues", None) or not rules.events:
        return None
    text = " ".join([claim.quote, claim.statement, *(getattr(claim, "terms", ()) or ())])
    return _cached_event(text, rules.digest, rules.events)


@lru_cache(maxsize=4096)
def _cached_event(text: str, digest: str, events: tuple[EventRule, ...]) -> EventRule | None:
    return claim_event(text, events)


def only_weak(claim: Claim, found: list[str], subjects: list[tuple[str, str]],
              rules: StanceRules) -> bool:
    """True when the sentence names only weak subjects (data/stance.yaml `weak_subjects`) of
    a claim that also names something: a Latin-script name ("GPU", "Greater China", "7nm").
    Never for hand cues: they say themselves what counts."""
    if getattr(claim, "cues", None):
        return False
    named = [p for p, _ in subjects if re.search(r"[A-Z0-9]", p)
             and p.lower() not in rules.weak_subjects]
    return bool(named and found) and all(f.lower() in rules.weak_subjects for f in found)


def required_head(claim: Claim, rules: StanceRules) -> tuple[str, ...]:
    """Words one of which a sentence must name to speak of the claim: the head of the quote's
    subject when the claim's own terms hold it ("Google Cloud's backlog jumped" -> backlog, so
    "Google Cloud grew" says nothing about it), a synonym the terms add (RPO), or an alias of
    the claim's metric. Empty when
    the head is generic (data/stance.yaml: generic_heads), a name outside the terms, or the
    claim has hand cues."""
    if getattr(claim, "cues", None) or not rules.generic_heads:
        return ()
    terms = tuple(str(t) for t in getattr(claim, "terms", ()) or ())
    return _required(claim.quote, terms, getattr(claim, "metric", None), rules.generic_heads)


@lru_cache(maxsize=4096)
def _required(quote: str, terms: tuple[str, ...], metric: str | None,
              generic: frozenset[str]) -> tuple[str, ...]:
    from claims.sentence_subject import subject_head

    head = subject_head(quote)
    if head is None or head in generic or not any(
            head in re.findall(r"[\w'-]+", t.lower()) for t in terms):
        return ()
    words = [head]
    lowered = quote.lower()
    # terms the quote does not spell are the glossary's synonyms ("remaining performance
    # obligation" for backlog): naming one of them names the head too
    words += [t for t in terms if not all(w in lowered for w in re.findall(r"[\w'-]+",
                                                                          t.lower()))]
    if metric:
        from claimtracker.metric_catalog import load_catalog

        words.extend(load_catalog().english_names(metric))
    return tuple(dict.fromkeys(w.lower() for w in words))


def change_basis(claim: Claim, rules: StanceRules | None = None) -> str:
    """"qoq" when the quote speaks of a sequential move ("recovering", "rebounded", 회복,
    data/stance.yaml `sequential_cues`): the quarter's number is then judged against the
    previous quarter, not the year before; else "yoy"."""
    rules = rules or load_stance_rules()
    quote = claim.quote.lower()
    return "qoq" if any(cue in quote for cue in rules.sequential_cues) else "yoy"
