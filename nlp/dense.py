"""Dense retrieval: every sentence vector in one in-memory float32 matrix, cached per process.

Reading vectors from DuckDB costs far more than a matrix-vector product, so the matrix and
the metadata used by filters (ticker, quarter, doc type, section, role) are loaded once and
reused until `enrich` changes the sentences (it stamps `enrich_state.sentences_version`).
Filters become boolean masks; a masked-out row gets score -inf instead of copying the matrix.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from claimtracker.db import EMBEDDING_DIM, Store
from nlp.embedder import MODEL, arrow_matrix

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

    def sql(self, alias: str = "s") -> tuple[str, list[Any]]:
        """The same filters as a WHERE fragment (for BM25 in DuckDB)."""
        clauses, params = ["TRUE"], []
        if self.ticker:
            clauses.append(f"upper({alias}.ticker) = ?")
            params.append(self.ticker.upper())
        if self.quarter_from is not None or self.quarter_to is not None:
            expr = f"({alias}.fiscal_year * 4 + {alias}.fiscal_quarter - 1)"
            clauses.append(f"{expr} BETWEEN ? AND ?")
            params += [self.quarter_from if self.quarter_from is not None else -1,
                       self.quarter_to if self.quarter_to is not None else 10**9]
        for column, value in (("doc_type", self.doc_type), ("section", self.section),
                              ("role", self.role)):
            if value:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        if self.topics:
            clauses.append(f"{alias}.sentence_id IN (SELECT sentence_id FROM mentions "
                           "WHERE topic IN (SELECT unnest(?::VARCHAR[])))")
            params.append(list(self.topics))
        return " AND ".join(clauses), params


class DenseIndex:
    """Sentence vectors and filter columns of one DB state."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, meta: pd.DataFrame):
        self.ids = ids
        self.matrix = matrix
        self.meta = meta
        self.position = pd.Index(ids)

    @classmethod
    def load(cls, store: Store, model: str = MODEL) -> DenseIndex:
        table = store.con.execute(
            "SELECT s.sentence_id, upper(s.ticker) AS ticker, "
            "s.fiscal_year * 4 + s.fiscal_quarter - 1 AS qindex, s.doc_type, s.section, s.role, "
            "e.vector FROM sentences s JOIN embeddings e "
            "ON e.text_hash = s.text_hash AND e.model = ?",
            [model],
        ).to_arrow_table()
        matrix = arrow_matrix(table.column("vector"))
        meta = table.drop_columns(["vector"]).to_pandas()
        for column in ("ticker", "doc_type", "section", "role"):
            meta[column] = meta[column].astype("category")
        return cls(meta["sentence_id"].to_numpy(), matrix, meta)

    def mask(self, store: Store, filters: Filters) -> np.ndarray | None:
        """Rows allowed by the filters (None = all)."""
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
            ids = [r[0] for r in store.con.execute(
                "SELECT DISTINCT sentence_id FROM mentions WHERE topic IN "
                "(SELECT unnest(?::VARCHAR[]))", [list(filters.topics)]).fetchall()]
            topical = np.zeros(len(self.ids), dtype=bool)
            positions = self.position.get_indexer(ids)
            topical[positions[positions >= 0]] = True
            keep &= topical
        return keep

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of every row with the (normalised) query vector."""
        return self.matrix @ np.asarray(query, dtype=np.float32).reshape(EMBEDDING_DIM)

    def top(self, query: np.ndarray, keep: np.ndarray | None, n: int, *,
            scores: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(sentence_id, cosine) of the n best allowed rows, best first.

        Pass `scores` (from `scores(query)`) to rank several masks with one matrix product.
        """
        if not len(self.ids):
            return []
        if scores is None:
            scores = self.scores(query)
        if keep is not None:
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
