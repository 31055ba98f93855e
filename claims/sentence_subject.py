"""The grammatical subject of an English sentence ("Blackwell is our fastest ramp" -> Blackwell).

Used when a claim names nothing that English management language would spell (a product
written only in Hangul): the sentence retrieval found stands in with its own subject.
"""

from __future__ import annotations

from functools import lru_cache

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
PRONOUNS = {"PRON"}
ACTS_ON = {"dobj", "ccomp", "xcomp"}


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


@lru_cache(maxsize=4096)
def subject_head(text: str) -> str | None:
    """The head word (lemma) of an English sentence's grammatical subject ("Google Cloud's
    backlog jumped" -> "backlog"): what the claim says changes. None when the main verb acts
    on an object (then the object changes), for pronouns, non-English text or no parser."""
    if not text.isascii():
        return None
    from claimtracker.errors import ModelError
    from claimtracker.models import spacy_pipeline

    try:
        doc = spacy_pipeline()(text)
    except (ModelError, ImportError):
        return None
    for sent in doc.sents:
        children = list(sent.root.children)
        if any(t.dep_ in ACTS_ON for t in children):
            return None  # "models are making ads convert better": the change is the object's
        for token in children:
            if token.dep_ in SUBJECT_DEPS and token.pos_ not in PRONOUNS:
                return (token.lemma_ or token.text).lower()
        return None
    return None
