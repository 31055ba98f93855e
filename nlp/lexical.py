"""BM25 scored in memory over the postings of DuckDB's FTS index (same tokens, same formula).

DuckDB builds the index (`fts.rebuild_index`: tokeniser, porter stemmer, stopwords, digits
kept) and tokenises each query with the index's own `tokenize` macro. Scoring in SQL reads
the whole `terms` table for every query (about 20 ms at 100k sentences), so the postings are
loaded once per process into arrays aligned with the dense index's rows, like the vectors.
A query then costs one slice per query term, and filters are the dense index's boolean masks.

The score is Okapi BM25 exactly as DuckDB's `match_bm25` computes it (k1 = 1.2, b = 0.75, and
DuckDB's `log`, which is base 10):
    sum over query terms of  log10((N - df + 0.5) / (df + 0.5) + 1) * tf * (k1 + 1)
                             / (tf + k1 * (1 - b + b * len / avgdl))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from claimtracker.db import Store
from nlp import fts

K1 = 1.2
B = 0.75


class LexicalIndex:
    """Postings of every indexed term as (row, tf) arrays, rows being dense-index positions."""

    def __init__(self, terms: dict[str, tuple[int, int, int]], rows: np.ndarray,
                 tfs: np.ndarray, lengths: np.ndarray, num_docs: int, avgdl: float, size: int):
        self.terms = terms  # term -> (start, end, df) into rows/tfs
        self.rows = rows
        self.tfs = tfs
        self.lengths = lengths  # document length per row (0 for rows the index lacks)
        self.num_docs = num_docs
        self.avgdl = avgdl
        self.size = size

    @classmethod
    def empty(cls, size: int) -> LexicalIndex:
        return cls({}, np.zeros(0, np.int64), np.zeros(0, np.float32),
                   np.zeros(size, np.float32), 0, 1.0, size)

    @classmethod
    def load(cls, store: Store, position: pd.Index) -> LexicalIndex:
        """Read the FTS tables; `position` maps sentence_id -> row of the dense index."""
        size = len(position)
        if not fts.index_exists(store):
            return cls.empty(size)
        schema = fts.FTS_SCHEMA
        con = store.con
        docs = con.execute(f"SELECT docid, name, len FROM {schema}.docs ORDER BY docid"
                           ).to_arrow_table()
        docids = docs.column("docid").to_numpy()
        doc_rows = position.get_indexer(docs.column("name").to_pylist())
        row_of_docid = np.full(int(docids.max()) + 1 if len(docids) else 0, -1, np.int64)
        row_of_docid[docids] = doc_rows
        lengths = np.zeros(size, np.float32)
        known = doc_rows >= 0
        lengths[doc_rows[known]] = docs.column("len").to_numpy()[known]

        postings = con.execute(
            f"SELECT termid, docid, count(*)::FLOAT AS tf FROM {schema}.terms "
            "GROUP BY termid, docid ORDER BY termid, docid").to_arrow_table()
        termids = postings.column("termid").to_numpy()
        rows = row_of_docid[postings.column("docid").to_numpy()]
        tfs = postings.column("tf").to_numpy()
        kept = rows >= 0
        termids, rows, tfs = termids[kept], rows[kept], tfs[kept]

        vocabulary = con.execute(f"SELECT termid, term, df FROM {schema}.dict").fetchall()
        starts = np.searchsorted(termids, [t for t, _, _ in vocabulary], side="left")
        ends = np.searchsorted(termids, [t for t, _, _ in vocabulary], side="right")
        terms = {term: (int(s), int(e), int(df)) for (_, term, df), s, e
                 in zip(vocabulary, starts, ends, strict=True) if e > s}
        num_docs, avgdl = con.execute(f"SELECT num_docs, avgdl FROM {schema}.stats").fetchone()
        return cls(terms, rows, tfs, lengths, int(num_docs), float(avgdl or 1.0), size)

    def query_terms(self, store: Store, text: str) -> list[str]:
        """The query as the index sees it: DuckDB's own tokenizer and porter stemmer."""
        if not self.terms:
            return []
        store.load_fts()
        row = store.con.execute(
            f"SELECT list_distinct(list_transform({fts.FTS_SCHEMA}.tokenize(?), "
            "t -> stem(t, 'porter')))", [text]).fetchone()
        return [t for t in (row[0] or []) if t in self.terms] if row else []

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every row (0 where no query term occurs)."""
        scores = np.zeros(self.size, np.float32)
        for term in terms:
            start, end, df = self.terms[term]
            rows, tf = self.rows[start:end], self.tfs[start:end]
            idf = np.log10((self.num_docs - df + 0.5) / (df + 0.5) + 1.0)
            norm = K1 * (1.0 - B + B * self.lengths[rows] / self.avgdl)
            scores[rows] += (idf * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)
        return scores

    def top(self, scores: np.ndarray, keep: np.ndarray | None, n: int,
            ids: np.ndarray) -> list[tuple[str, float]]:
        """(sentence_id, score) of the n best allowed rows with a positive score."""
        matched = scores > 0
        if keep is not None:
            matched &= keep
        candidates = np.flatnonzero(matched)
        if not len(candidates) or n <= 0:
            return []
        if len(candidates) > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        # Ties broken by sentence id, as the SQL version ordered them.
        order = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), str(ids[i])))
        return [(str(ids[i]), float(scores[i])) for i in order]
