"""Hybrid search latency (p50/p95), index memory and load time, on the real corpus and on
synthetic large indexes.

Usage:
    .venv/bin/python bench/search.py --db data/claimtracker.duckdb        # enriched real DB
    .venv/bin/python bench/search.py --synthetic 100000 --synthetic 1000000
    .venv/bin/python bench/search.py --synthetic 1000000 --json --workdir /tmp/bench-search

The synthetic index is generated, never embedded: sentences are 8-30 words drawn from the
real corpus vocabulary, vectors are random unit vectors, metadata is random over 5 tickers x
40 quarters x 4 doc types. It is written in chunks of 100k rows. `--workdir` keeps the
generated DB (and its search index beside it) for the next run.

Each synthetic size is measured in a fresh process (`--measure`), so its RSS is the search's
own: first the persisted search index is built if missing (`build_s`), then a new process
times the cold load (`load_s`: mapping the index and packing the int8 matrix), the RSS it
added (`index_rss_gb`), and the real `nlp.search.search` path (BM25, filters, two-stage dense
ranking, hydration) over the queries below, interleaved with a plain numpy float32
brute-force top-10 over the same vectors (`numpy_bruteforce_p50_ms`, measured in the same run
on the same query vectors). `recall_at_10` compares the dense ranking's top 10 with exact
float32 search within the same filters, for the real queries' vectors and for queries near
stored vectors (where neighbours are close, as for real text). With --json the last line
printed is one JSON object per size: {"n", "p50_ms", "p95_ms", "numpy_bruteforce_p50_ms",
"index_rss_gb", "load_s", "recall_at_10", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

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


_SYNTHETIC_SQL = """
INSERT INTO sentences (sentence_id, source_kind, source_id, ord, start_char, end_char, text,
                       text_hash, fts_text, ticker, fiscal_year, fiscal_quarter, doc_type, role)
WITH lists AS (SELECT ?::VARCHAR[] AS vocab, ?::VARCHAR[] AS tickers, ?::VARCHAR[] AS docs,
                      ?::VARCHAR[] AS roles),
rows AS (
    SELECT i, 'syn' || lpad(i::VARCHAR, 8, '0') AS id,
           array_to_string(list_transform(range(8 + floor(random() * 23)::INT),
               x -> vocab[1 + floor(random() * len(vocab))::INT]), ' ') || '.' AS t,
           docs[1 + floor(random() * len(docs))::INT] AS doc, tickers, roles
    FROM range(?, ?) r(i), lists)
SELECT id, 'turn', 'src' || (i // 20), (i % 20)::INT, 0, length(t), t, id, lower(t),
       tickers[1 + floor(random() * len(tickers))::INT],
       2016 + floor(random() * 10)::INT, 1 + floor(random() * 4)::INT, doc,
       CASE WHEN doc = 'transcript' THEN roles[1 + floor(random() * len(roles))::INT] END
FROM rows
"""


#: Above this size the DB holds sentences only: storing 10M vectors in DuckDB and building
#: its FTS index take hours on 2 cores. The search index then gets its vectors from
#: `synthetic_vectors` (same distribution) and has no BM25 postings.
DB_VECTORS_UP_TO = 2_000_000


def synthetic_vectors(start: int, size: int) -> np.ndarray:
    """Random unit vectors of rows [start, start + size), the same on every call."""
    rng = np.random.default_rng(start + 7)
    vectors = rng.standard_normal((size, EMBEDDING_DIM), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def build_synthetic(path: Path, n: int, chunk: int = 500_000) -> float:
    """Write n synthetic sentences with vectors and build the BM25 index; returns seconds.

    Texts and metadata are drawn inside DuckDB (one INSERT per chunk, all cores); vectors come
    from numpy in the same chunks, so memory stays near one chunk of vectors plus DuckDB's.
    """
    full = n <= DB_VECTORS_UP_TO
    rng = np.random.default_rng(7)
    vocab = [*vocabulary(), "Trainium2", "Trainium3", "Graviton4", "robots"]
    roles = [r for r in ROLES if r] + ["unknown"]
    start = time.perf_counter()
    with Store.open(path) as store:
        for base in range(0, n, chunk):
            size = min(chunk, n - base)
            with store.transaction() as con:
                con.execute(_SYNTHETIC_SQL, [vocab, TICKERS, DOC_TYPES, roles, base,
                                             base + size])
                for part in range(base, base + size, 100_000) if full else ():
                    rows = min(100_000, base + size - part)
                    ids = [f"syn{part + i:08d}" for i in range(rows)]
                    vectors = rng.standard_normal((rows, EMBEDDING_DIM), dtype=np.float32)
                    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                    con.register("_vec", vectors_table(ids, MODEL, vectors))
                    con.execute("INSERT INTO embeddings SELECT * FROM _vec")
                    con.unregister("_vec")
        if full:
            fts.rebuild_index(store)
        store.con.execute("INSERT OR REPLACE INTO enrich_state VALUES (?, 'synthetic')",
                          [VERSION_KEY])
    return time.perf_counter() - start


def rss_gb() -> float:
    """Resident set size of this process, in GB."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def bruteforce(matrix: np.ndarray, vector: np.ndarray, keep: np.ndarray | None,
               k: int = 10) -> np.ndarray:
    """The plain baseline: every cosine in float32, then the k best (allowed) rows."""
    scores = matrix @ vector
    if keep is not None:
        scores = np.where(keep, scores, -np.inf)
    best = np.argpartition(-scores, k - 1)[:k]
    return best[np.argsort(-scores[best])]


def measure(path: Path, rounds: int) -> dict[str, object]:
    """Cold load, RSS, latency and recall of one DB, in this (fresh) process."""
    from nlp.dense import dense_index
    from nlp.embedder import encode_texts
    from nlp.search import build_filters

    vectors = encode_texts([q for q, _ in QUERIES] + ["warm up the model"])
    with Store.open(path, read_only=True) as store:
        n = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        before = rss_gb()
        start, cpu = time.perf_counter(), time.process_time()
        index = dense_index(store)
        load_s = time.perf_counter() - start
        # CPU seconds of every thread: what the load costs when the machine is not shared.
        load_cpu_s = time.process_time() - cpu
        search(store, "warm up the caches", k=10)
        loaded = rss_gb() - before
        for query, filters in QUERIES:  # every code path once, before the baseline's matrix
            search(store, query, k=10, **filters)
        searched = rss_gb() - before
        timings, brute, encode = [], [], []
        f32 = np.load(index.arrays.folder / "vec_f32.npy", mmap_mode="r")
        in_ram = n <= DB_VECTORS_UP_TO  # above, no per-query baseline: 15 GB per query
        # Read, not mapped, so the baseline's RSS is exactly matrix.nbytes.
        matrix = np.fromfile(f32.filename, np.float32, offset=f32.offset).reshape(
            f32.shape) if in_ram else f32
        masks = [index.mask(store, build_filters(**filters)) for _, filters in QUERIES]
        for _ in range(rounds):
            for (query, filters), vector, keep in zip(QUERIES, vectors, masks, strict=False):
                t0 = time.perf_counter()
                encode_texts([query])
                encode.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                search(store, query, k=10, **filters)
                timings.append((time.perf_counter() - t0) * 1000)
                if in_ram:
                    t0 = time.perf_counter()
                    bruteforce(matrix, vector, keep)
                    brute.append((time.perf_counter() - t0) * 1000)
        index_rss = max(loaded, searched)
        rng = np.random.default_rng(11)
        near = np.array(matrix[np.sort(rng.integers(0, n, 20))])
        near += rng.normal(0, 0.03, near.shape).astype(np.float32)
        near = (near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32)
        recall_real = recall(index, matrix, vectors[:len(QUERIES)], masks)
        recall_near = recall(index, matrix, near, [None] * len(near))
    timings.sort()
    return {
        "n": n, "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 2),
        "numpy_bruteforce_p50_ms": round(statistics.median(brute), 2) if brute else None,
        "encode_query_p50_ms": round(statistics.median(encode), 2),
        "load_rss_gb": round(loaded, 3),
        "index_rss_gb": round(index_rss, 3), "load_s": round(load_s, 3),
        "load_cpu_s": round(load_cpu_s, 3),
        "recall_at_10": round(min(recall_real, recall_near), 4),
        "recall_at_10_real_queries": round(recall_real, 4),
        "recall_at_10_near_queries": round(recall_near, 4),
        "process_rss_gb": round(rss_gb(), 3), "searches": len(timings),
        "bruteforce_matrix": "in RAM" if in_ram else "not measured (recall: one chunked pass)",
    }


def exact_top(matrix: np.ndarray, vectors: np.ndarray, masks: list[np.ndarray | None],
              k: int = 10, chunk: int = 1_000_000) -> list[np.ndarray]:
    """Exact float32 top-k rows of every (vector, mask), in one pass over the matrix."""
    best = [(np.zeros(0, np.int64), np.zeros(0, np.float32)) for _ in vectors]
    for start in range(0, len(matrix), chunk):
        scores = np.asarray(matrix[start:start + chunk]) @ vectors.T
        for j, keep in enumerate(masks):
            column = scores[:, j]
            if keep is not None:
                column = np.where(keep[start:start + chunk], column, -np.inf)
            top = np.argpartition(-column, k - 1)[:k]
            rows = np.concatenate([best[j][0], top + start])
            values = np.concatenate([best[j][1], column[top]])
            keepers = np.argsort(-values)[:k]
            best[j] = (rows[keepers], values[keepers])
    return [rows[np.isfinite(values)] for rows, values in best]


def recall(index: object, matrix: np.ndarray, vectors: np.ndarray,
           masks: list[np.ndarray | None]) -> float:
    """Mean share of the exact top 10 that the index's dense ranking returns."""
    shares = []
    for vector, keep, exact_rows in zip(vectors, masks, exact_top(matrix, vectors, masks),
                                        strict=True):
        exact = {index.sentence_id(int(r)) for r in exact_rows}
        got = {sid for sid, _ in index.top(vector, keep, 10)}
        shares.append(len(exact & got) / max(1, len(exact)))
    return float(np.mean(shares))


def prepare(path: Path) -> float:
    """Build the persisted search index of `path` if missing; returns seconds."""
    from nlp import compact_index
    from nlp.dense import current_model, dense_index

    start = time.perf_counter()
    with Store.open(path, read_only=True) as store:
        n = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        if n <= DB_VECTORS_UP_TO:
            dense_index(store)
        else:  # the same version key dense_index computes, vectors from synthetic_vectors
            compact_index.open_index(store, f"synthetic|{n}", current_model(store),
                                     vectors=synthetic_vectors)
    return time.perf_counter() - start


def _subprocess(*args: str) -> str:
    out = subprocess.run([sys.executable, __file__, *args], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    return out.strip().splitlines()[-1]


def synthetic(size: int, workdir: Path, rounds: int) -> dict[str, object]:
    path = workdir / f"synthetic-{size}.duckdb"
    generated = None
    if not path.exists():
        generated = build_synthetic(path, size)
    built = float(_subprocess("--prepare", str(path)))
    result = json.loads(_subprocess("--measure", str(path), "--rounds", str(rounds)))
    result["generated_s"] = None if generated is None else round(generated, 1)
    result["build_s"] = round(built, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an enriched claimtracker DB (real corpus)")
    parser.add_argument("--synthetic", type=int, action="append", default=[],
                        help="size of a synthetic index to generate (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON line per size")
    parser.add_argument("--workdir", type=Path, help="keep generated DBs here for reuse")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(prepare(args.prepare))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.rounds)))
        return
    if args.db:
        with Store.open(args.db, read_only=True) as store:
            n = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
            p50, p95, runs = latency(store, args.rounds)
        print(f"real corpus      {n:>9,} sentences: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms "
              f"({runs} searches)")
    for size in args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = args.workdir or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            result = synthetic(size, workdir, args.rounds)
        if args.json:
            print(json.dumps(result))
        else:
            print(f"synthetic        {size:>9,} sentences: p50 {result['p50_ms']:6.1f} ms  "
                  f"p95 {result['p95_ms']:6.1f} ms (numpy brute force "
                  f"{result['numpy_bruteforce_p50_ms']:.1f} ms); load {result['load_s']:.2f} s, "
                  f"index RSS {result['index_rss_gb']:.2f} GB, "
                  f"recall@10 {result['recall_at_10']:.3f}")


if __name__ == "__main__":
    main()
