"""The sentence index of one DB state: filter columns, vectors and BM25 postings, per process.

Everything comes memory-mapped from the persisted index (`nlp.compact_index`), rebuilt when
`enrich` changes the sentences (it stamps `enrich_state.sentences_version`). Filters become
boolean masks over rows (sorted by sentence id). Dense ranking is two-stage: a 7-bit scan of
every row (`nlp.int8_scan`) picks a shortlist, whose rows are rescored exactly in float32
(read from disk with pread), so hits and cosines are those of exact search. Every sentence
has a row, embedded or not, so BM25 (`nlp.lexical`) finds a sentence before its vector
exists; dense ranking skips such rows.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claimtracker.db import EMBEDDING_DIM, Store
from nlp import compact_index, embedder
from nlp.compact_index import NO_QUARTER, IndexArrays, lookup
from nlp.int8_scan import Int8Scan
from nlp.lexical import LexicalIndex

VERSION_KEY = "sentences_version"
#: Rows rescored exactly per ranking: enough that int8 rounding never drops a true top hit
#: (recall@100 of 1.0 at 1M synthetic rows; see bench/search.py --synthetic).
SHORTLIST_FACTOR = 4
SHORTLIST_EXTRA = 100
_CACHE: dict[tuple[str, str], DenseIndex] = {}
_LOCK = threading.Lock()


def current_model(store: Store) -> str:
    """The embedding model key of this DB's vectors (the one place that asks nlp.embedder)."""
    model = getattr(embedder, "model_key", None)
    return model(store) if callable(model) else embedder.MODEL


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
    """Sentence rows of one DB state: filter columns, two-stage dense ranking, BM25."""

    def __init__(self, index: IndexArrays):
        self.arrays = index
        self.ids = index["ids"]
        self.embedded = np.asarray(index["embedded"], dtype=bool)
        self.all_embedded = bool(self.embedded.all())
        self.categories: dict[str, list[str]] = index.info["categories"]
        self.model: str | None = index.info.get("model")  # the key its vectors were read with
        self.scan = Int8Scan(index["vec_i8"], index["dim_scale"])
        self._f32 = index["vec_f32"]
        self._lexical = LexicalIndex.from_arrays(index, len(self.ids))
        self._topic_masks: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, store: Store, model: str | None = None, version: str = "") -> DenseIndex:
        return cls(compact_index.open_index(store, version, model or current_model(store)))

    def __len__(self) -> int:
        return len(self.ids)

    def tickers(self) -> list[str]:
        return list(self.categories["ticker"])

    def rows(self, ids: list[str]) -> np.ndarray:
        """Row of each sentence id (-1 when unknown)."""
        keys = np.array([i.encode("utf-8") for i in ids]) if ids else np.zeros(0, "S1")
        return lookup(self.ids, keys)

    def sentence_id(self, row: int) -> str:
        return bytes(self.ids[row]).decode("utf-8")

    def lexical(self, store: Store) -> LexicalIndex:
        """BM25 postings over the same rows."""
        return self._lexical

    def neighbours(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """sentence_id -> (previous, next) sentence ids in the same source, for context."""
        prev, nxt = self.arrays["prev_row"], self.arrays["next_row"]

        def sid_at(i: int) -> str | None:
            return self.sentence_id(i) if i >= 0 else None

        return {sid: (sid_at(int(prev[row])), sid_at(int(nxt[row])))
                for sid, row in zip(ids, self.rows(ids), strict=True) if row >= 0}

    def topic_mask(self, store: Store, topic: str) -> np.ndarray:
        """Rows with a mention of `topic` (memoised: mentions change only with the version)."""
        with self._lock:
            mask = self._topic_masks.get(topic)
            if mask is None:
                ids = [r[0] for r in store.con.execute(
                    "SELECT DISTINCT sentence_id FROM mentions WHERE topic = ?",
                    [topic]).fetchall()]
                mask = np.zeros(len(self.ids), dtype=bool)
                positions = self.rows(ids)
                mask[positions[positions >= 0]] = True
                mask.flags.writeable = False
                self._topic_masks[topic] = mask
            return mask

    def _equals(self, column: str, value: str) -> np.ndarray:
        categories = self.categories[column]
        if value not in categories:
            return np.zeros(len(self.ids), dtype=bool)
        return np.asarray(self.arrays[column]) == categories.index(value)

    def mask(self, store: Store, filters: Filters) -> np.ndarray | None:
        """Rows allowed by the filters (None: every row)."""
        keep: np.ndarray | None = None

        def narrow(rows: np.ndarray) -> None:
            nonlocal keep
            keep = rows if keep is None else keep & rows

        if filters.ticker:
            narrow(self._equals("ticker", filters.ticker.upper()))
        if filters.quarter_from is not None or filters.quarter_to is not None:
            quarter = np.asarray(self.arrays["qindex"])
            inside = quarter != NO_QUARTER
            if filters.quarter_from is not None:
                inside &= quarter >= filters.quarter_from
            if filters.quarter_to is not None:
                inside &= quarter <= filters.quarter_to
            narrow(inside)
        for column in ("doc_type", "section", "role"):
            value = getattr(filters, column)
            if value:
                narrow(self._equals(column, value))
        if filters.topics:
            narrow(np.logical_or.reduce([self.topic_mask(store, t) for t in filters.topics]))
        return keep

    def scores(self, query: np.ndarray) -> np.ndarray:
        """The query as the int8 scan takes it (kept for callers that prepare it early)."""
        return self.scan.query(query)

    def exact(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact float32 cosines of `rows`, read from the vector file (never mapped whole)."""
        vector = np.asarray(query, dtype=np.float32).reshape(EMBEDDING_DIM)
        if not isinstance(self._f32, np.memmap):
            return np.asarray(self._f32[rows]) @ vector
        width = EMBEDDING_DIM * 4
        out = np.empty((len(rows), EMBEDDING_DIM), np.float32)
        fd = os.open(Path(self._f32.filename), os.O_RDONLY)
        try:
            for i, row in enumerate(rows.tolist()):
                raw = os.pread(fd, width, self._f32.offset + row * width)
                out[i] = np.frombuffer(raw, np.float32)
        finally:
            os.close(fd)
        return out @ vector

    def top(self, query: np.ndarray, keep: np.ndarray | None, n: int, *,
            scores: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(sentence_id, exact cosine) of the n best allowed rows, best first.

        The shortlist comes from the int8 scan (`scores` is accepted for callers of the
        float32 version and not needed), then its rows are rescored exactly.
        """
        if not len(self.ids) or n <= 0:
            return []
        if keep is None:
            allowed = None if self.all_embedded else self.embedded
        else:
            allowed = keep if self.all_embedded else keep & self.embedded
        wanted = n * SHORTLIST_FACTOR + SHORTLIST_EXTRA
        count = len(self.ids) if allowed is None else int(np.count_nonzero(allowed))
        if count == 0:
            return []
        if count <= wanted:
            shortlist = np.arange(count) if allowed is None else np.flatnonzero(allowed)
        else:
            shortlist = self.scan.best(query, allowed, wanted)
        shortlist = np.sort(shortlist)
        cosines = self.exact(shortlist, query)
        n = min(n, len(shortlist))
        best = np.argpartition(-cosines, n - 1)[:n]
        best = best[np.argsort(-cosines[best], kind="stable")]
        return [(self.sentence_id(int(shortlist[i])), float(cosines[i])) for i in best]


def dense_index(store: Store, model: str | None = None) -> DenseIndex:
    """The cached index for this DB file and its current sentences version."""
    model = model or current_model(store)
    row = store.con.execute("SELECT value FROM enrich_state WHERE key = ?",
                            [VERSION_KEY]).fetchone()
    # The row count too: a DB that was never enriched has no version stamp to trust.
    count = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
    version = f"{row[0] if row else ''}|{count}"
    key = (str(store.path or id(store)), f"{version}:{model}")
    with _LOCK:
        index = _CACHE.get(key)
        if index is None:
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]
            index = DenseIndex.load(store, model, version)
            _CACHE[key] = index
        return index
