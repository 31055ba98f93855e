"""The in-memory sentence index: vectors, filter columns and BM25 postings, cached per process.

Reading vectors from DuckDB costs far more than a matrix-vector product, so the matrix and
the metadata used by filters (ticker, quarter, doc type, section, role) are loaded once and
reused until `enrich` changes the sentences (it stamps `enrich_state.sentences_version`).
Filters become boolean masks; a masked-out row gets score -inf instead of copying the matrix.
Every sentence has a row, embedded or not, so BM25 (`nlp.lexical`, loaded on first use into
the same rows) finds a sentence before its vector exists; dense ranking skips such rows.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from claimtracker.db import EMBEDDING_DIM, Store
from nlp.embedder import MODEL, arrow_matrix
from nlp.lexical import LexicalIndex

VERSION_KEY = "sentences_version"
_CACHE: dict[tuple[str, str], DenseIndex] = {}
_LOCK = threading.Lock()


@dataclass
class Filters:
    """Search filters, already validated and normalised."""

    ticker: str | None = None
    quarter_from: int | None = None  # FiscalQuarter.index, inclusive
    quarter_to: int | None = None
    doc_type: str | None = None
    section: str | None = None
    role: str | None = None
    topics: tuple[str, ...] | None = None


class DenseIndex:
    """Sentence vectors and filter columns of one DB state."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, meta: pd.DataFrame,
                 embedded: np.ndarray | None = None):
        self.ids = ids
        self.matrix = matrix
        self.meta = meta
        self.embedded = embedded if embedded is not None else np.ones(len(ids), dtype=bool)
        self.position = pd.Index(ids)
        self._lexical: LexicalIndex | None = None
        self._topic_masks: dict[str, np.ndarray] = {}
        self._by_source: pd.MultiIndex | None = None
        self._tensor: Any = None  # torch view of `matrix`, made on first use
        self._lock = threading.Lock()

    @classmethod
    def load(cls, store: Store, model: str = MODEL) -> DenseIndex:
        table = store.con.execute(
            "SELECT s.sentence_id, upper(s.ticker) AS ticker, "
            "s.fiscal_year * 4 + s.fiscal_quarter - 1 AS qindex, s.doc_type, s.section, s.role, "
            "s.source_id, s.ord, e.vector IS NOT NULL AS embedded, e.vector "
            "FROM sentences s LEFT JOIN embeddings e "
            "ON e.text_hash = s.text_hash AND e.model = ?",
            [model],
        ).to_arrow_table()
        embedded = table.column("embedded").to_numpy(zero_copy_only=False).astype(bool)
        if embedded.all():
            matrix = arrow_matrix(table.column("vector"))
        else:  # rows without a vector stay zero (and are masked out of dense ranking)
            matrix = np.zeros((len(embedded), EMBEDDING_DIM), dtype=np.float32)
            matrix[embedded] = arrow_matrix(table.filter(pa.array(embedded)).column("vector"))
        meta = table.drop_columns(["vector", "embedded"]).to_pandas()
        for column in ("ticker", "doc_type", "section", "role", "source_id"):
            meta[column] = meta[column].astype("category")
        return cls(meta["sentence_id"].to_numpy(), matrix, meta, embedded)

    def lexical(self, store: Store) -> LexicalIndex:
        """BM25 postings over the same rows, read from the FTS index on first use."""
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex.load(store, self.position)
            return self._lexical

    def neighbours(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """sentence_id -> (previous, next) sentence ids in the same source, for context."""
        with self._lock:
            if self._by_source is None:
                self._by_source = pd.MultiIndex.from_arrays(
                    [self.meta["source_id"].astype(str), self.meta["ord"]])
            by_source = self._by_source
        rows = self.position.get_indexer(ids)
        wanted = [(sid, row) for sid, row in zip(ids, rows, strict=True) if row >= 0]
        keys = [(by_source[row][0], by_source[row][1] + step)
                for _, row in wanted for step in (-1, 1)]
        found = by_source.get_indexer(keys) if keys else np.zeros(0, np.int64)

        def sid_at(i: int) -> str | None:
            return str(self.ids[i]) if i >= 0 else None

        return {sid: (sid_at(found[2 * n]), sid_at(found[2 * n + 1]))
                for n, (sid, _) in enumerate(wanted)}

    def topic_mask(self, store: Store, topic: str) -> np.ndarray:
        """Rows with a mention of `topic` (memoised: mentions change only with the version)."""
        with self._lock:
            mask = self._topic_masks.get(topic)
            if mask is None:
                ids = [r[0] for r in store.con.execute(
                    "SELECT DISTINCT sentence_id FROM mentions WHERE topic = ?",
                    [topic]).fetchall()]
                mask = np.zeros(len(self.ids), dtype=bool)
                positions = self.position.get_indexer(ids)
                mask[positions[positions >= 0]] = True
                mask.flags.writeable = False
                self._topic_masks[topic] = mask
            return mask

    def mask(self, store: Store, filters: Filters) -> np.ndarray:
        """Rows allowed by the filters."""
        keep = np.ones(len(self.ids), dtype=bool)
        meta = self.meta
        if filters.ticker:
            keep &= (meta["ticker"] == filters.ticker.upper()).to_numpy()
        if filters.quarter_from is not None:
            keep &= (meta["qindex"] >= filters.quarter_from).fillna(False).to_numpy(dtype=bool)
        if filters.quarter_to is not None:
            keep &= (meta["qindex"] <= filters.quarter_to).fillna(False).to_numpy(dtype=bool)
        for column in ("doc_type", "section", "role"):
            value = getattr(filters, column)
            if value:
                keep &= (meta[column] == value).to_numpy(dtype=bool)
        if filters.topics:
            keep &= np.logical_or.reduce([self.topic_mask(store, t) for t in filters.topics])
        return keep

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of every row with the (normalised) query vector.

        Computed by torch (a zero-copy view of the matrix), not numpy: right after encoding
        the query, torch's OpenMP threads still hold the cores and numpy's BLAS threads
        fight them (a 4 ms product took 16 ms). Call it on the thread that encodes.
        """
        import torch

        if self._tensor is None:
            with warnings.catch_warnings():  # a read-only Arrow buffer; torch never writes it
                warnings.simplefilter("ignore", UserWarning)
                self._tensor = torch.from_numpy(self.matrix)
        vector = torch.from_numpy(np.array(query, dtype=np.float32).reshape(EMBEDDING_DIM))
        with torch.inference_mode():
            return torch.mv(self._tensor, vector).numpy()

    def top(self, query: np.ndarray, keep: np.ndarray | None, n: int, *,
            scores: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(sentence_id, cosine) of the n best allowed rows, best first.

        Pass `scores` (from `scores(query)`) to rank several masks with one matrix product.
        """
        if not len(self.ids):
            return []
        if scores is None:
            scores = self.scores(query)
        keep = self.embedded if keep is None else keep & self.embedded
        scores = np.where(keep, scores, -np.inf)
        n = min(n, int(np.isfinite(scores).sum()))
        if n <= 0:
            return []
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best])]
        return [(str(self.ids[i]), float(scores[i])) for i in best]


def dense_index(store: Store, model: str = MODEL) -> DenseIndex:
    """The cached index for this DB file and its current sentences version."""
    row = store.con.execute("SELECT value FROM enrich_state WHERE key = ?",
                            [VERSION_KEY]).fetchone()
    key = (str(store.path or id(store)), f"{row[0] if row else ''}:{model}")
    with _LOCK:
        index = _CACHE.get(key)
        if index is None:
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]
            index = DenseIndex.load(store, model)
            _CACHE[key] = index
        return index
