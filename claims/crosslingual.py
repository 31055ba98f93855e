"""Rerank English management sentences by their closeness to a Korean claim (multilingual-e5).

The English retrieval of claims.query finds candidates through names and glossary terms; it
cannot weigh what the Korean sentence says about them. multilingual-e5-small embeds the
Korean quote and the English candidates in one space, so the candidates that say what the
quote says rise. Only a shortlist per quarter is embedded (4-bit e5 runs at tens of
sentences a second on 2 cores), and vectors are cached by text for the whole process: the
claims of one article share most of their candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np

Encoder = Callable[[list[str]], np.ndarray]

CACHE_LIMIT = 200_000
#: the name its passage vectors are stored under in the DB (claims/passage_vectors.py)
PASSAGE_MODEL = "multilingual-e5-small-q4:passage"


def _model() -> Any:
    from claimtracker.models import multilingual_model

    return multilingual_model()


def _vectors(texts: Sequence[str], cache: dict[str, np.ndarray],
             encode: Encoder) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        if len(cache) + len(missing) > CACHE_LIMIT:
            cache.clear()
        vectors = np.asarray(encode(missing), dtype=np.float32).reshape(len(missing), -1)
        cache.update(zip(missing, vectors, strict=True))
    return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


class CrossLingualReranker:
    """Cosine of a (Korean) claim to English sentences with multilingual-e5."""

    def __init__(self, query_encoder: Encoder | None = None,
                 passage_encoder: Encoder | None = None):
        self._query = query_encoder
        self._passage = passage_encoder
        self._queries: dict[str, np.ndarray] = {}
        self._passages: dict[str, np.ndarray] = {}

    @property
    def passage_model(self) -> str | None:
        """The stored-vector name of the passage encoder; None for an encoder given by the
        caller (a test's), whose vectors must never be stored as e5's."""
        return PASSAGE_MODEL if self._passage is None else None

    def cached(self, texts: Sequence[str]) -> set[str]:
        """The texts whose passage vectors this process already has."""
        return {t for t in texts if t in self._passages}

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Passage vectors computed before (read from the DB), by text."""
        if len(self._passages) + len(vectors) > CACHE_LIMIT:
            self._passages.clear()
        self._passages.update(vectors)

    def passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The passage vectors of `texts` (encoding those not cached), one row per text."""
        return _vectors(list(texts), self._passages, self._encode_passage)

    def _encode_query(self, texts: list[str]) -> np.ndarray:
        return (self._query or _model().query)(texts)

    def _encode_passage(self, texts: list[str]) -> np.ndarray:
        return (self._passage or _model().passage)(texts)

    def similarities(self, claim_text: str, sentences: Sequence[str]) -> np.ndarray:
        """Cosine between the claim and each sentence (vectors are normalised by e5)."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        query = _vectors([claim_text], self._queries, self._encode_query)[0]
        passages = _vectors(list(sentences), self._passages, self._encode_passage)
        return passages @ query

    def rerank(self, claim_text: str, hits: list[dict[str, Any]], *,
               weight: float = 2.0) -> list[dict[str, Any]]:
        """Hits reordered by reciprocal-rank fusion of their given order (weight 1) and the
        e5 order (`weight`: the English query is only a bag of translated words)."""
        if len(hits) < 2:
            return hits
        sims = self.similarities(claim_text, [h["text"] for h in hits])
        e5_rank = {int(i): rank for rank, i in enumerate(np.argsort(-sims, kind="stable"), start=1)}
        fused = []
        for i, (hit, sim) in enumerate(zip(hits, sims, strict=True)):
            score = 1.0 / (60 + i + 1) + weight / (60 + e5_rank[i])
            rank = i + 1
            fused.append((score, rank, {**hit, "crosslingual": round(float(sim), 4)}))
        fused.sort(key=lambda item: (-item[0], item[1]))
        return [hit for _, _, hit in fused]


@cache
def default_reranker() -> CrossLingualReranker:
    """One reranker per process, so its vector cache serves every claim of a run."""
    return CrossLingualReranker()
