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


def _path_to_root(token: Any) -> list[Any]:
    path = [token]
    while path[-1].head.i != path[-1].i and len(path) < 64:
        path.append(path[-1].head)
    return path


def _tree_distance(a: Any, b: Any) -> int:
    up_a = {t.i: n for n, t in enumerate(_path_to_root(a))}
    for n, token in enumerate(_path_to_root(b)):
        if token.i in up_a:
            return n + up_a[token.i]
    return 1_000


def _span_root(doc: Any, start: int, end: int) -> Any:
    """The token of a character span whose head lies outside it ("capital expenditures")."""
    first, last = _token_at(doc, start), _token_at(doc, max(start, end - 1))
    inside = {t.i for t in doc[first.i:last.i + 1]}
    for token in doc[first.i:last.i + 1]:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return last


def attach(text: str, subject: tuple[int, int], candidates: list[int],
           max_distance: int) -> int | None:
    """Index (into `candidates`, character offsets of direction words) of the one the parse
    links closest to the subject's character span, within max_distance edges; else None."""
    doc = parse(text)
    if doc is None or not len(doc):
        return None
    root = _span_root(doc, *subject)
    best: tuple[int, int] | None = None
    for n, offset in enumerate(candidates):
        token = _token_at(doc, offset)
        if root.idx <= token.idx < subject[1]:
            continue  # the direction word is part of the subject itself
        distance = _tree_distance(root, token)
        if distance <= max_distance and (best is None or distance < best[0]):
            best = (distance, n)
    return best[1] if best else None
