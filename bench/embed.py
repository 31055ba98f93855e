"""Embedding throughput: `enrich` versus raw SentenceTransformer.encode on the same sentences.

Usage:
    .venv/bin/python bench/embed.py [--min-sentences 2000]

Builds a throwaway DB from real transcripts in ../shared (adding calls until it holds at least
--min-sentences sentences) and runs `enrich` on it. Then, alternately, it encodes exactly the
texts enrich embedded with the bare model and re-runs enrich's embedding (vectors deleted), in
the same process with the model loaded once, and prints the median sentences/s of each and
the pipeline's loss. The target is a loss of at most 10%.
"""

from __future__ import annotations

import argparse
import statistics
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
        if total >= min_sentences * 1.6:  # headers and boilerplate turns are not embedded
            break
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    model = embedding_model()  # load once, outside every timing
    model.encode(["warm up"], batch_size=1)

    def raw_seconds(texts: list[str]) -> float:
        start = time.perf_counter()
        model.encode(texts, batch_size=ENCODE_BATCH, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.duckdb") as store:
        ingest_transcripts(store, pick_files(args.min_sentences), progress=False)
        start = time.perf_counter()
        first = enrich(store, progress=False)
        first_s = time.perf_counter() - start
        texts = [r[0] for r in store.con.execute(
            "SELECT any_value(coalesce(embed_text, text)) FROM sentences GROUP BY text_hash"
        ).fetchall()]
        # The machine is shared and its load drifts: alternate raw encode and the enrich
        # embedding run on the same texts, and compare medians.
        raw, piped = [], []
        for _ in range(args.rounds):
            raw.append(raw_seconds(texts))
            store.con.execute("DELETE FROM embeddings")
            start = time.perf_counter()
            rerun = enrich(store, progress=False)
            piped.append(time.perf_counter() - start)
            assert rerun.counts.get("embedded") == len(texts)
    n = len(texts)
    raw_s, piped_s = statistics.median(raw), statistics.median(piped)
    print(f"sentences: {first.totals['sentences']} ({n} distinct texts embedded)")
    print(f"raw SentenceTransformer.encode : {n / raw_s:8.1f} sentences/s "
          f"(median of {[round(x, 1) for x in raw]} s)")
    print(f"enrich, embedding run          : {n / piped_s:8.1f} sentences/s "
          f"(median of {[round(x, 1) for x in piped]} s)  loss {100 * (1 - raw_s / piped_s):5.1f}%")
    print(f"first enrich, all stages       : {n / first_s:8.1f} sentences/s ({first_s:.1f} s; "
          + ", ".join(f"{k} {v:.1f}" for k, v in first.seconds.items()) + ")")


if __name__ == "__main__":
    main()
