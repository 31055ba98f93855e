"""A claim's direction (up / down / flat), read from its own words (data/extraction.yaml).

Why the parse: a sentence often names two changes ("capex keeps climbing while ad growth
slows", "lower costs lift margins"); the claim's direction is that of its subject -- the
metric or term the claim is about -- so when up and down words disagree, the change word
nearest to the subject in the dependency tree wins (English, spaCy). Otherwise the words are
counted (in Korean, whose main predicate comes last, the last change word wins a
conflict); ties go to up, then down, then flat (persistence words such as "still" only say
"flat" when nothing else moves), and a sentence with no direction word is "up" (an
assertion that something exists or happens).
"""

from __future__ import annotations

from typing import Any

from claims.asides import main_clause
from claims.extraction_rules import (
    LANGS,
    ExtractionRules,
    count_cues,
    cue_pattern,
    load_extraction_rules,
)
from claims.sentences import is_korean

DIRECTIONS = ("up", "down", "flat")


def _words(rules: ExtractionRules) -> dict[str, dict[str, tuple[str, ...]]]:
    return {d: {"en": rules.direction[d]["en"], "ko": rules.direction[d]["ko"]}
            for d in DIRECTIONS}


def _cue_spans(text: str, words: dict[str, tuple[str, ...]]) -> list[tuple[int, int]]:
    lower = text.lower()
    return [m.span() for lang in ("en", "ko") for cue in words.get(lang, ())
            for m in cue_pattern(cue).finditer(lower)]


def _distance(a: Any, b: Any) -> int:
    """Edges between two tokens of one parse (through their lowest common ancestor)."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, token in enumerate(up_a):
        if token.i in index_b:
            return n + index_b[token.i]
    return len(up_a) + len(up_b)


def _subject_token(doc: Any, subject: str | None) -> Any:
    """The head token of the subject phrase in the parse, else the main clause's subject."""
    if subject:
        start = doc.text.lower().find(subject.lower())
        if start >= 0:
            span = doc.char_span(start, start + len(subject), alignment_mode="expand")
            if span is not None and len(span):
                return span.root
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), root)


def _nearest(text: str, rules: ExtractionRules, nlp: Any, subject: str | None) -> str | None:
    """The direction of the change word nearest to the subject (None: cannot tell)."""
    doc = nlp(text)
    anchor = _subject_token(doc, subject)
    if anchor is None:
        return None
    best: tuple[int, int, str] | None = None
    words = _words(rules)
    for rank, direction in enumerate(("up", "down")):
        for start, end in _cue_spans(text, words[direction]):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            key = (_distance(anchor, span.root), rank, direction)
            if best is None or key[:2] < best[:2]:
                best = key
    return best[2] if best else None


def _without_phrases(text: str, rules: ExtractionRules) -> str:
    """`text` with its `not_direction` phrases blanked ("due in the fall"), same length."""
    chars, lower = list(text), text.lower()
    for phrase in (p for lang in LANGS for p in rules.not_direction.get(lang, ())):
        for match in cue_pattern(phrase).finditer(lower):
            chars[match.start():match.end()] = " " * (match.end() - match.start())
    return "".join(chars)


def guess_direction(text: str, rules: ExtractionRules | None = None,
                    language: str | None = None, *, nlp: Any = None,
                    subject: str | None = None) -> str:
    """up / down / flat for the claim in `text` about `subject` (a metric name or term);
    with a parse, direction words in relative clauses do not count unless the main clause
    has none."""
    rules = rules or load_extraction_rules()
    words = _words(rules)
    text = _without_phrases(text, rules)
    if nlp is not None:
        main = main_clause(text, nlp, subordinate=True)
        # a cause ("squeezed, because costs are growing faster") is not the claim's change;
        # but the change may sit in a relative clause only ("the headline number is still
        # the iPhone, whose revenue fell 12%"): then the whole sentence says where it goes
        moves = any(count_cues(main, words[d]) for d in ("up", "down"))
        text = main if moves or not any(count_cues(text, words[d]) for d in ("up", "down")) \
            else text
    scores = {d: count_cues(text, words[d]) for d in DIRECTIONS}
    scores["flat"] += 0 if scores["up"] or scores["down"] else count_cues(text, rules.persist)
    language = language or ("ko" if is_korean(text) else "en")
    if scores["up"] and scores["down"]:
        if language == "ko":  # Korean puts the main predicate last: its change word decides
            words_ = _words(rules)
            last = {d: max(end for _, end in _cue_spans(text, words_[d])) for d in ("up", "down")}
            return max(("up", "down"), key=lambda d: last[d])
        nearest = _nearest(text, rules, nlp, subject) if nlp is not None else None
        if nearest:
            return nearest
    best = max(DIRECTIONS, key=lambda d: scores[d])
    return best if scores[best] else "up"
