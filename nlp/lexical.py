"""BM25 scored in memory over the postings of DuckDB's FTS index (same tokens, same formula).

DuckDB builds the index (`fts.rebuild_index`: tokeniser, porter stemmer, stopwords, digits
kept) and tokenises each query with the index's own `tokenize` macro. Scoring in SQL reads
the whole `terms` table for every query (about 20 ms at 100k sentences), so the postings are
copied once per DB state into the persisted index (`nlp.compact_index`), aligned with its
rows, and memory-mapped: a query reads one slice per query term, and its cost grows with the
postings it touches, not with the number of sentences.

The score is Okapi BM25 exactly as DuckDB's `match_bm25` computes it (k1 = 1.2, b = 0.75, and
DuckDB's `log`, which is base 10):
    sum over query terms of  log10((N - df + 0.5) / (df + 0.5) + 1) * tf * (k1 + 1)
                             / (tf + k1 * (1 - b + b * len / avgdl))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from claimtracker.db import Store
from nlp import fts

if TYPE_CHECKING:
    from nlp.compact_index import IndexArrays

K1 = 1.2
B = 0.75


class Vocabulary:
    """term -> (start, end, df) into the postings, by binary search in a sorted term array."""

    def __init__(self, terms: np.ndarray, starts: np.ndarray, ends: np.ndarray, dfs: np.ndarray):
        self._terms, self._starts, self._ends, self._dfs = terms, starts, ends, dfs

    def _at(self, term: str) -> int:
        key = term.encode("utf-8")
        if not len(self._terms) or len(key) > self._terms.dtype.itemsize:
            return -1
        at = int(np.searchsorted(self._terms, np.array(key, dtype=self._terms.dtype)))
        return at if at < len(self._terms) and self._terms[at] == key else -1

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._at(term) >= 0

    def __getitem__(self, term: str) -> tuple[int, int, int]:
        at = self._at(term)
        if at < 0:
            raise KeyError(term)
        return int(self._starts[at]), int(self._ends[at]), int(self._dfs[at])

    def __len__(self) -> int:
        return len(self._terms)


class LexicalIndex:
    """Postings of every indexed term as (row, tf) arrays, rows being the index's rows."""

    def __init__(self, terms: Vocabulary, rows: np.ndarray, tfs: np.ndarray,
                 lengths: np.ndarray, num_docs: int, avgdl: float, size: int):
        self.terms = terms
        self.rows = rows
        self.tfs = tfs
        self.lengths = lengths  # document length per row (0 for rows the index lacks)
        self.num_docs = num_docs
        self.avgdl = avgdl
        self.size = size

    @classmethod
    def from_arrays(cls, index: IndexArrays, size: int) -> LexicalIndex:
        vocabulary = Vocabulary(index["lex_terms"], index["lex_start"], index["lex_end"],
                                index["lex_df"])
        return cls(vocabulary, index["lex_rows"], index["lex_tf"], index["lex_lengths"],
                   int(index.info["num_docs"]), float(index.info["avgdl"]), size)

    def query_terms(self, store: Store, text: str) -> list[str]:
        """The query as the index sees it: DuckDB's own tokenizer and porter stemmer."""
        if not len(self.terms):  # the index had no FTS tables when it was built
            return []
        store.load_fts()
        row = store.con.execute(
            f"SELECT list_distinct(list_transform({fts.FTS_SCHEMA}.tokenize(?), "
            "t -> stem(t, 'porter')))", [text]).fetchone()
        return [t for t in (row[0] or []) if t in self.terms] if row else []

    def matches(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(rows, BM25 score) of every row holding a query term, rows ascending."""
        if not terms:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        parts_rows, parts_scores = [], []
        for term in terms:
            start, end, df = self.terms[term]
            rows = np.asarray(self.rows[start:end], dtype=np.int64)
            tf = np.asarray(self.tfs[start:end])
            idf = np.log10((self.num_docs - df + 0.5) / (df + 0.5) + 1.0)
            norm = K1 * (1.0 - B + B * np.asarray(self.lengths)[rows] / self.avgdl)
            parts_rows.append(rows)
            parts_scores.append((idf * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32))
        rows = np.concatenate(parts_rows)
        unique, inverse = np.unique(rows, return_inverse=True)
        # Summed in query-term order, as the dense version added them.
        sums = np.zeros(len(unique), np.float32)
        np.add.at(sums, inverse, np.concatenate(parts_scores))
        return unique, sums

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every row (0 where no query term occurs)."""
        out = np.zeros(self.size, np.float32)
        rows, sums = self.matches(terms)
        out[rows] = sums
        return out

    def top_terms(self, terms: list[str], keep: np.ndarray | None, n: int,
                  ids: np.ndarray) -> list[tuple[str, float]]:
        """`top` over the rows the terms match, without a score per sentence."""
        rows, sums = self.matches(terms)
        chosen = sums > 0
        if keep is not None:
            chosen &= keep[rows]
        return self._best(rows[chosen], sums[chosen], n, ids)

    def top(self, scores: np.ndarray, keep: np.ndarray | None, n: int,
            ids: np.ndarray) -> list[tuple[str, float]]:
        """(sentence_id, score) of the n best allowed rows with a positive score."""
        matched = scores > 0
        if keep is not None:
            matched &= keep
        candidates = np.flatnonzero(matched)
        return self._best(candidates, scores[candidates], n, ids)

    @staticmethod
    def _best(rows: np.ndarray, scores: np.ndarray, n: int,
              ids: np.ndarray) -> list[tuple[str, float]]:
        if not len(rows) or n <= 0:
            return []
        if len(rows) > n:
            # Keep every row tied with the n-th score: ties are broken by id below.
            cut = np.partition(-scores, n - 1)[n - 1]
            chosen = -scores <= cut
            rows, scores = rows[chosen], scores[chosen]
        # Ties broken by sentence id, as the SQL version ordered them.
        names = [bytes(ids[r]).decode("utf-8") for r in rows.tolist()]
        order = sorted(range(len(rows)), key=lambda i: (-float(scores[i]), names[i]))[:n]
        return [(names[i], float(scores[i])) for i in order]
