"""Embedding throughput and fidelity: `enrich` with a backend versus raw sentence-transformers fp32.

Usage:
    .venv/bin/python bench/embed.py [--embedder torch|onnx-int8] [--min-sentences 2000] [--json]

Builds a throwaway DB from real transcripts in ../shared (adding calls until it holds at least
--min-sentences sentences) and runs `enrich --embedder` on it. Then, alternately, it encodes
exactly the texts enrich embedded with the bare SentenceTransformer (fp32) and re-runs
enrich's embedding (vectors deleted), in the same process with both models loaded once, and
prints the median sentences/s of each. Fidelity: the cosine of each stored vector to its fp32
vector, and the mean overlap of the top 10 hits of a dozen realistic queries between the
backend's DB and the same DB holding the fp32 vectors (hybrid search, as users see it; the
dense-only ranking is reported too). With --json the last line is one JSON object:
{"embedder", "sentences", "raw_st_fp32_per_s", "enrich_per_s", "cosine_mean", "cosine_min",
"top10_overlap", ...}. The machine is shared: compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtracker.config import EMBEDDERS  # noqa: E402
from claimtracker.db import Store  # noqa: E402
from claimtracker.models import embedding_model  # noqa: E402
from ingest.transcripts import ingest_transcripts  # noqa: E402
from nlp import embedder  # noqa: E402
from nlp.enrich import enrich  # noqa: E402
from nlp.sentences import SentenceSplitter  # noqa: E402

TRANSCRIPTS = ROOT.parent / "shared" / "transcripts" / "AMZN"
#: What an analyst types into the search box about a large company's calls.
QUERIES = (
    "demand for custom AI chips", "capital expenditures next year",
    "operating margin expansion", "reducing layers of management",
    "automation in fulfillment", "cloud revenue growth reaccelerating",
    "advertising business growth", "free cash flow", "data center power capacity",
    "guidance for the next quarter", "competition and pricing pressure",
    "inventory and supply chain constraints",
)


def pick_files(min_sentences: int, splitter: SentenceSplitter | None = None) -> list[Path]:
    """Newest AMZN calls first, until their sentences reach the wanted number (bench/scale.py
    picks its calls the same way, with the splitter it already loaded)."""
    splitter = splitter or SentenceSplitter()
    files, total = [], 0
    for path in sorted(TRANSCRIPTS.glob("20*-AMZN.txt"), reverse=True):
        files.append(path)
        total += len(splitter([path.read_text(encoding="utf-8")])[0])
        if total >= min_sentences * 1.6:  # headers and boilerplate turns are not embedded
            break
    return files


def stored(store: Store) -> tuple[list[str], list[str]]:
    """(text_hash, embedded text) of every distinct sentence text, in hash order."""
    rows = store.con.execute("SELECT text_hash, any_value(coalesce(embed_text, text)) "
                             "FROM sentences GROUP BY text_hash ORDER BY text_hash").fetchall()
    return [h for h, _ in rows], [t for _, t in rows]


def with_vectors(src: Path, dst: Path, hashes: list[str], vectors: np.ndarray) -> None:
    """A copy of the DB at `src` whose vectors are `vectors` under the torch model key."""
    shutil.copy(src, dst)
    with Store.open(dst) as store, store.transaction() as con:
        con.execute("DELETE FROM embeddings")
        con.register("_vec", embedder.vectors_table(hashes, embedder.MODEL, vectors))
        con.execute("INSERT INTO embeddings SELECT * FROM _vec")
        con.unregister("_vec")
        con.execute("INSERT OR REPLACE INTO enrich_state (key, value) VALUES (?, ?), "
                    "('sentences_version', 'bench-fp32')", [embedder.STATE_KEY, embedder.MODEL])


def overlaps(backend_db: Path, fp32_db: Path, backend: str) -> tuple[float, float]:
    """Mean top-10 overlap over QUERIES: hybrid search hits, and the dense ranking alone."""
    from nlp.search import search

    def hits(path: Path, name: str) -> tuple[list[set[str]], list[set[str]]]:
        embedder.use_backend(name)
        with Store.open(path, read_only=True) as store:
            rows = store.con.execute("SELECT sentence_id, text_hash FROM sentences "
                                     "ORDER BY sentence_id").fetchall()
            ids, hashes = [r[0] for r in rows], [r[1] for r in rows]
            matrix = embedder.load_vectors(store, hashes)
            queries = embedder.encode_texts(list(QUERIES), backend=name)
            dense = [{ids[i] for i in np.argsort(-(matrix @ q))[:10]} for q in queries]
            hybrid = [{h["sentence_id"] for h in search(store, q, k=10)} for q in QUERIES]
        return hybrid, dense

    ours, fp32 = hits(backend_db, backend), hits(fp32_db, embedder.TORCH)
    embedder.use_backend(None)
    return tuple(float(np.mean([len(a & b) / 10 for a, b in zip(x, y, strict=True)]))
                 for x, y in zip(ours, fp32, strict=True))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", choices=EMBEDDERS, default=embedder.TORCH)
    parser.add_argument("--min-sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()

    model = embedding_model()  # load both once, outside every timing
    model.encode(["warm up"], batch_size=1)
    embedder.encode_texts(["warm up"], backend=args.embedder)

    def raw_seconds(texts: list[str]) -> tuple[float, np.ndarray]:
        start = time.perf_counter()
        vectors = model.encode(texts, batch_size=embedder.ENCODE_BATCH, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - start, np.asarray(vectors, dtype=np.float32)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with Store.open(db) as store:
            ingest_transcripts(store, pick_files(args.min_sentences), progress=False)
            start = time.perf_counter()
            first = enrich(store, progress=False, embedder=args.embedder)
            first_s = time.perf_counter() - start
            hashes, texts = stored(store)
            # The machine is shared and its load drifts: alternate raw encode and the enrich
            # embedding run on the same texts, and compare medians.
            raw, piped = [], []
            for _ in range(args.rounds):
                seconds, fp32 = raw_seconds(texts)
                raw.append(seconds)
                store.con.execute("DELETE FROM embeddings")
                start = time.perf_counter()
                rerun = enrich(store, progress=False, embedder=args.embedder)
                piped.append(time.perf_counter() - start)
                assert rerun.counts.get("embedded") == len(texts)
            cosine = (embedder.load_vectors(store, hashes) * fp32).sum(axis=1)
            sentences = first.totals["sentences"]
        with_vectors(db, Path(tmp) / "fp32.duckdb", hashes, fp32)
        search_overlap, dense_overlap = overlaps(db, Path(tmp) / "fp32.duckdb", args.embedder)
    n = len(texts)
    raw_s, piped_s = statistics.median(raw), statistics.median(piped)
    print(f"embedder {args.embedder}: {sentences} sentences ({n} distinct texts embedded)")
    print(f"raw SentenceTransformer fp32   : {n / raw_s:8.1f} sentences/s "
          f"(median of {[round(x, 1) for x in raw]} s)")
    print(f"enrich, embedding run          : {n / piped_s:8.1f} sentences/s "
          f"(median of {[round(x, 1) for x in piped]} s)  x{raw_s / piped_s:.2f} of raw fp32")
    print(f"first enrich, all stages       : {n / first_s:8.1f} sentences/s ({first_s:.1f} s; "
          + ", ".join(f"{k} {v:.1f}" for k, v in first.seconds.items()) + ")")
    print(f"cosine to fp32: mean {cosine.mean():.4f}, min {cosine.min():.4f}; top-10 overlap "
          f"on {len(QUERIES)} queries: search {search_overlap:.3f}, dense {dense_overlap:.3f}")
    if args.json:
        print(json.dumps({
            "embedder": args.embedder, "sentences": n,
            "raw_st_fp32_per_s": round(n / raw_s, 1), "enrich_per_s": round(n / piped_s, 1),
            "cosine_mean": round(float(cosine.mean()), 4),
            "cosine_min": round(float(cosine.min()), 4),
            "top10_overlap": round(search_overlap, 3),
            "dense_top10_overlap": round(dense_overlap, 3),
            "speedup_vs_raw_fp32": round(raw_s / piped_s, 2), "rounds": args.rounds,
        }))


if __name__ == "__main__":
    main()
