"""Which direction word belongs to which subject, by the dependency parse (spaCy).

The token window is right most of the time and costs nothing; a parse costs ~5 ms. So the
stance model asks here only when the window is ambiguous, and parses are cached by sentence
text (the scorer judges the same sentences for several claims). Without the spaCy model the
answer is "don't know" and the window decides, as before.
"""

from __future__ import annotations

import bisect
import logging
from functools import lru_cache
from typing import Any

from claimtracker.errors import ModelError

log = logging.getLogger(__name__)
_DISABLED: list[bool] = []


def _pipeline() -> Any | None:
    if _DISABLED:
        return None
    from claimtracker.models import spacy_pipeline

    try:
        return spacy_pipeline(("ner", "lemmatizer"))
    except (ModelError, ImportError) as exc:
        log.warning("stance: no dependency parse (%s); direction words attach by distance", exc)
        _DISABLED.append(True)
        return None


@lru_cache(maxsize=8192)
def parse(text: str) -> Any | None:
    """The spaCy Doc of a sentence, or None when the parser is unavailable."""
    nlp = _pipeline()
    return nlp(text) if nlp is not None else None


def _token_at(doc: Any, offset: int) -> Any:
    starts = [t.idx for t in doc]
    return doc[max(0, bisect.bisect_right(starts, offset) - 1)]


def _linked(subject: Any, word: Any, links: dict[str, frozenset[str]]) -> bool:
    """True if the parse makes `word` the change of `subject` (see parse_links in the rules)."""
    nouns = [subject]
    while nouns[-1].dep_ in links["share"] and len(nouns) < 6:
        nouns.append(nouns[-1].head)  # "capex and opex increased": capex shares opex's links
    for noun in nouns:
        head = noun.head
        if head.i == word.i and noun.dep_ in links["governs"]:
            return True  # capex increased / reduced capex
        if word.head.i == noun.i and word.dep_ in links["modifies"]:
            return True  # higher capex
        if noun.dep_ == "pobj" and head.dep_ in links["through"] and head.head.i == word.i:
            return True  # increase in capex
        if noun.dep_ in ("nsubj", "nsubjpass") and word.head.i == head.i \
                and word.dep_ in links["beside"]:
            return True  # capex was up; capex saw strong growth
    return False


def _span_root(doc: Any, start: int, end: int) -> Any:
    """The token of a character span whose head lies outside it ("capital expenditures")."""
    first, last = _token_at(doc, start), _token_at(doc, max(start, end - 1))
    inside = {t.i for t in doc[first.i:last.i + 1]}
    for token in doc[first.i:last.i + 1]:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return last


def attach(text: str, subject: tuple[int, int], candidates: list[int],
           links: dict[str, frozenset[str]]) -> int | None:
    """Index (into `candidates`, character offsets of direction words) of the nearest one the
    parse links to the subject's character span; None when none is linked (or no parser)."""
    doc = parse(text)
    if doc is None or not len(doc):
        return None
    root = _span_root(doc, *subject)
    best: tuple[int, int] | None = None
    for n, offset in enumerate(candidates):
        token = _token_at(doc, offset)
        if subject[0] <= token.idx < subject[1] or not _linked(root, token, links):
            continue
        distance = abs(token.i - root.i)
        if best is None or distance < best[0]:
            best = (distance, n)
    return best[1] if best else None


_COMPLEMENTS = {"ccomp", "xcomp", "oprd", "attr", "dobj", "acomp"}
_NOUN_CHAIN = {"compound", "amod", "poss", "nmod", "pobj", "prep", "conj", "appos", "npadvmod",
               "nummod", "quantmod"}


def _noun_chain(root: Any) -> set[int]:
    """The subject's token and the nouns it sits inside ("Azure" -> "Azure revenue",
    "demand for Azure" -> "demand"): a direction word owned by one of them is the subject's."""
    chain = {root.i}
    token = root
    while token.dep_ in _NOUN_CHAIN and token.head.i != token.i and len(chain) < 8:
        token = token.head
        chain.add(token.i)
    return chain


def owned_elsewhere(text: str, subject: tuple[int, int], candidate: int,
                    links: dict[str, frozenset[str]]) -> bool:
    """True when the parse gives the direction word at character `candidate` to another noun:
    a verb with its own subject ("operating income increased 14% ... and operating margin
    was 32.4%") or an adjective of another noun ("higher costs"). False when it is linked to
    the claim subject, owned by a noun the subject sits in, or there is no parser."""
    doc = parse(text)
    if doc is None or not len(doc):
        return False
    root = _span_root(doc, *subject)
    token = _token_at(doc, candidate)
    if subject[0] <= token.idx < subject[1] or _linked(root, token, links):
        return False
    owners = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    if token.pos_ == "VERB":  # "we build and scale the product": the product grows
        owners += [c for c in token.children if c.dep_ == "dobj"
                   and c.pos_ in ("NOUN", "PROPN")]
    if token.dep_ in ("amod", "compound") and token.head.pos_ in ("NOUN", "PROPN"):
        owners.append(token.head)
    if token.pos_ == "NOUN":  # "revenue growth", "growth in revenue": the change of revenue
        owners += [c for c in token.children if c.dep_ in ("compound", "poss")
                   and c.pos_ in ("NOUN", "PROPN")]
        owners += [g for c in token.children if c.dep_ == "prep" and c.lower_ in ("in", "of")
                   for g in c.children if g.dep_ == "pobj"]
    chain = _noun_chain(root)
    inside = set(range(_token_at(doc, subject[0]).i, root.i + 1)) | chain
    if token.dep_ in _COMPLEMENTS and any(c.i in inside for c in token.head.children
                                          if c.dep_ in ("nsubj", "nsubjpass")):
        return False  # a complement of the subject's own verb: "X has made Y our fastest ramp"
    return any(o.pos_ != "PRON" and o.i not in inside for o in owners)
