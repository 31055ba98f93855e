"""Embedding throughput: `enrich` versus raw SentenceTransformer.encode on the same sentences.

Usage:
    .venv/bin/python bench/embed.py [--min-sentences 2000]

Builds a throwaway DB from real transcripts in ../shared (adding calls until it holds at least
--min-sentences sentences), runs `enrich` on it, then encodes exactly the texts enrich embedded
with the bare model, in the same process (model already loaded for both), and prints
sentences/s for each and the pipeline's loss. The target is a loss of at most 10%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtracker.db import Store  # noqa: E402
from claimtracker.models import embedding_model  # noqa: E402
from ingest.transcripts import ingest_transcripts  # noqa: E402
from nlp.embedder import ENCODE_BATCH  # noqa: E402
from nlp.enrich import enrich  # noqa: E402
from nlp.sentences import SentenceSplitter  # noqa: E402

TRANSCRIPTS = ROOT.parent / "shared" / "transcripts" / "AMZN"


def pick_files(min_sentences: int) -> list[Path]:
    """Newest AMZN calls first, until their sentences reach the wanted number."""
    splitter = SentenceSplitter()
    files, total = [], 0
    for path in sorted(TRANSCRIPTS.glob("20*-AMZN.txt"), reverse=True):
        files.append(path)
        total += len(splitter([path.read_text(encoding="utf-8")])[0])
        if total >= min_sentences * 1.3:  # headers and boilerplate turns are not embedded
            break
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-sentences", type=int, default=2000)
    args = parser.parse_args()

    model = embedding_model()  # load once, outside both timings
    model.encode(["warm up"], batch_size=1)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.duckdb") as store:
        ingest_transcripts(store, pick_files(args.min_sentences), progress=False)
        start = time.perf_counter()
        summary = enrich(store, progress=False)
        total_s = time.perf_counter() - start
        texts = [r[0] for r in store.con.execute(
            "SELECT any_value(coalesce(embed_text, text)) FROM sentences GROUP BY text_hash"
        ).fetchall()]
    embedded = summary.counts.get("embedded", 0)
    assert embedded == len(texts), (embedded, len(texts))
    start = time.perf_counter()
    model.encode(texts, batch_size=ENCODE_BATCH, normalize_embeddings=True,
                 convert_to_numpy=True, show_progress_bar=False)
    raw_s = time.perf_counter() - start

    embed_s = summary.seconds["embed"]
    print(f"sentences: {summary.totals['sentences']} ({embedded} distinct texts embedded)")
    print(f"raw SentenceTransformer.encode : {embedded / raw_s:8.1f} sentences/s ({raw_s:.1f} s)")
    print(f"enrich embed stage (encode+DB) : {embedded / embed_s:8.1f} sentences/s "
          f"({embed_s:.1f} s)  loss {100 * (1 - raw_s / embed_s):5.1f}%")
    print(f"enrich end to end (all stages) : {embedded / total_s:8.1f} sentences/s "
          f"({total_s:.1f} s)  loss {100 * (1 - raw_s / total_s):5.1f}%")
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items()))


if __name__ == "__main__":
    main()
