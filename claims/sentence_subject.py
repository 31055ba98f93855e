"""The grammatical subject of an English sentence ("Blackwell is our fastest ramp" -> Blackwell).

Used when a claim names nothing that English management language would spell (a product
written only in Hangul): the sentence retrieval found stands in with its own subject.
"""

from __future__ import annotations

from functools import lru_cache

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
PRONOUNS = {"PRON"}


@lru_cache(maxsize=8192)
def sentence_subject(text: str) -> str | None:
    """The subject phrase of the sentence's main verb, or None (pronouns do not count)."""
    from claimtracker.models import spacy_pipeline

    doc = spacy_pipeline()(text)
    for sent in doc.sents:
        for token in sent.root.children:
            if token.dep_ in SUBJECT_DEPS and token.pos_ not in PRONOUNS:
                words = [t for t in token.subtree if t.pos_ not in ("DET", "PUNCT")]
                phrase = " ".join(t.text for t in words[-4:]) if words else ""
                return phrase or None
    return None
