"""Test helper: a sentence quoted from a real ../shared transcript, checked to be there."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from claims.sentences import split_sentences

SHARED = Path(__file__).resolve().parents[3] / "shared" / "transcripts"


def shared_sentence(relative: str, sentence: str) -> str:
    """The sentence, after checking it is in the source file (whitespace normalised)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not available")
    text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8", errors="replace"))
    assert sentence in text, f"not in {relative}: {sentence}"
    return sentence


@cache
def transcript_sentences(relative: str) -> tuple[str, ...]:
    """The transcript's sentences as the claims splitter cuts them (skips without ../shared)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not found (../shared)")
    return tuple(s.text for s in split_sentences(path.read_text(encoding="utf-8")))
