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
        if total >= min_sentences * 1.6:  # headers and boilerplate turns are not embedded
            break
    return files


def _texts_to_embed(store: Store) -> list[str]:
    """The distinct texts enrich will embed (same splitter and glossing), nothing stored."""
    from nlp.sources import Scope, fetch, plan
    from nlp.tagger import TopicTagger

    sources = fetch(store, Scope(), plan(store, Scope())[0])
    sentences = [span.text for spans in SentenceSplitter()([s.text for s in sources])
                 for span in spans]
    return list(dict.fromkeys(t.embed_text for t in TopicTagger().rule_tag(sentences)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-sentences", type=int, default=2000)
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
        # Raw encode before AND after enrich: on a shared machine the load drifts, and the
        # mean of the two brackets the pipeline's run.
        before = raw_seconds(_texts_to_embed(store))
        start = time.perf_counter()
        summary = enrich(store, progress=False)
        total_s = time.perf_counter() - start
        texts = [r[0] for r in store.con.execute(
            "SELECT any_value(coalesce(embed_text, text)) FROM sentences GROUP BY text_hash"
        ).fetchall()]
    embedded = summary.counts.get("embedded", 0)
    assert embedded == len(texts), (embedded, len(texts))
    after = raw_seconds(texts)
    raw_s = (before + after) / 2

    embed_s = summary.seconds["embed"]
    print(f"sentences: {summary.totals['sentences']} ({embedded} distinct texts embedded)")
    print(f"raw SentenceTransformer.encode : {embedded / raw_s:8.1f} sentences/s ({raw_s:.1f} s; "
          f"before enrich {before:.1f} s, after {after:.1f} s)")
    print(f"enrich embed stage (encode+DB) : {embedded / embed_s:8.1f} sentences/s "
          f"({embed_s:.1f} s)  loss {100 * (1 - raw_s / embed_s):5.1f}%")
    print(f"enrich end to end (all stages) : {embedded / total_s:8.1f} sentences/s "
          f"({total_s:.1f} s)  loss {100 * (1 - raw_s / total_s):5.1f}%")
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items()))


if __name__ == "__main__":
    main()
