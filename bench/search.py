"""Hybrid search latency (p50/p95) on the real corpus and on synthetic large indexes.

Usage:
    .venv/bin/python bench/search.py --db data/claimtracker.duckdb        # enriched real DB
    .venv/bin/python bench/search.py --synthetic 100000 --synthetic 1000000

The synthetic index is generated, never embedded: sentences are 8-30 words drawn from the
real corpus vocabulary, vectors are random unit vectors (the cost of a cosine does not depend
on the values), metadata is random over 5 tickers x 40 quarters x 4 doc types. It is written
in chunks of 100k rows, so memory stays near one copy of the matrix (1M x 384 float32 = 1.5 GB)
plus DuckDB's. Each query runs after one warm-up search (which loads the per-process matrix),
so the figures are the steady state of a long-lived process such as the app.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtracker.db import EMBEDDING_DIM, Store  # noqa: E402
from nlp import fts  # noqa: E402
from nlp.dense import VERSION_KEY  # noqa: E402
from nlp.embedder import MODEL, vectors_table  # noqa: E402
from nlp.search import search  # noqa: E402

QUERIES = [
    ("demand for our custom AI chips", {}),
    ("Trainium2 fully subscribed", {"ticker": "AMZN"}),
    ("robots in fulfillment centers", {"role": "management"}),
    ("capital expenditures next year", {"from_quarter": "2024Q1", "to_quarter": "2025Q4"}),
    ("removing layers of managers", {}),
    ("AWS growth reaccelerated", {"quarter": "2025Q3"}),
    ("operating margin expansion", {"doc_type": "10-Q"}),
    ("free cash flow", {"ticker": "AMZN", "doc_type": "earnings_release"}),
    ("headcount reductions", {"role": "management"}),
    ("Graviton price performance", {}),
]
TICKERS = ["AMZN", "GOOG", "META", "MSFT", "NVDA"]
DOC_TYPES = ["10-Q", "10-K", "earnings_release", "transcript"]
ROLES = ["management", "analyst", "operator", None]


def latency(store: Store, rounds: int) -> tuple[float, float, int]:
    search(store, "warm up the caches", k=10)
    timings = []
    for _ in range(rounds):
        for query, filters in QUERIES:
            start = time.perf_counter()
            search(store, query, k=10, **filters)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    return statistics.median(timings), p95, len(timings)


def vocabulary() -> list[str]:
    words: set[str] = set()
    for path in (ROOT.parent / "shared" / "transcripts").rglob("*.txt"):
        words.update(w for w in path.read_text(encoding="utf-8").split() if w.isalpha())
    return sorted(words)


def build_synthetic(path: Path, n: int, chunk: int = 100_000) -> float:
    """Write n synthetic sentences with vectors and build the BM25 index; returns seconds."""
    rng = np.random.default_rng(7)
    vocab = np.array([*vocabulary(), "Trainium2", "Trainium3", "Graviton4", "robots"])
    start = time.perf_counter()
    with Store.open(path) as store:
        for base in range(0, n, chunk):
            size = min(chunk, n - base)
            lengths = rng.integers(8, 31, size)
            words = vocab[rng.integers(0, len(vocab), int(lengths.sum()))]
            cuts = np.cumsum(lengths)[:-1]
            texts = [" ".join(part) + "." for part in np.split(words, cuts)]
            ids = [f"syn{base + i:08d}" for i in range(size)]
            role = rng.integers(0, len(ROLES), size)
            doc = rng.integers(0, len(DOC_TYPES), size)
            table = pa.table({
                "sentence_id": ids, "source_kind": ["turn"] * size,
                "source_id": [f"src{(base + i) // 20}" for i in range(size)],
                "ord": pa.array(np.arange(base, base + size) % 20, pa.int32()),
                "start_char": pa.array(np.zeros(size, np.int32)),
                "end_char": pa.array([len(t) for t in texts], pa.int32()),
                "text": texts, "text_hash": ids, "fts_text": [t.lower() for t in texts],
                "ticker": [TICKERS[i] for i in rng.integers(0, len(TICKERS), size)],
                "fiscal_year": pa.array(rng.integers(2016, 2026, size), pa.int32()),
                "fiscal_quarter": pa.array(rng.integers(1, 5, size), pa.int32()),
                "doc_type": [DOC_TYPES[i] for i in doc],
                "role": [ROLES[r] if DOC_TYPES[d] == "transcript" else None
                         for r, d in zip(role, doc, strict=True)],
            })
            vectors = rng.standard_normal((size, EMBEDDING_DIM), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            with store.transaction() as con:
                con.register("_syn", table)
                con.execute(f"INSERT INTO sentences ({', '.join(table.column_names)}) "
                            "SELECT * FROM _syn")
                con.unregister("_syn")
                con.register("_vec", vectors_table(ids, MODEL, vectors))
                con.execute("INSERT INTO embeddings SELECT * FROM _vec")
                con.unregister("_vec")
        fts.rebuild_index(store)
        store.con.execute("INSERT OR REPLACE INTO enrich_state VALUES (?, 'synthetic')",
                          [VERSION_KEY])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an enriched claimtracker DB (real corpus)")
    parser.add_argument("--synthetic", type=int, action="append", default=[],
                        help="size of a synthetic index to generate (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.db:
        with Store.open(args.db, read_only=True) as store:
            n = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
            p50, p95, runs = latency(store, args.rounds)
        print(f"real corpus      {n:>9,} sentences: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms "
              f"({runs} searches)")
    for size in args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthetic.duckdb"
            built = build_synthetic(path, size)
            with Store.open(path, read_only=True) as store:
                start = time.perf_counter()
                search(store, "load", k=1)
                load_s = time.perf_counter() - start
                p50, p95, runs = latency(store, args.rounds)
        print(f"synthetic        {size:>9,} sentences: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms "
              f"({runs} searches; generated+indexed in {built:.0f} s, "
              f"first search incl. matrix load {load_s:.1f} s)")


if __name__ == "__main__":
    main()
