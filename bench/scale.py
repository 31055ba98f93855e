"""Scaling model: per-core throughput of each enrich stage, local vs Ray, 15M sentences on N nodes.

Usage:
    .venv/bin/python bench/scale.py [--min-sentences 3000] [--embedder torch|onnx-int8] [--json]

Builds a throwaway DB from real AMZN call transcripts in ../shared (newest first, until it
holds about --min-sentences sentences), then, on that same DB:
1. each stage alone on one core (torch limited to one thread): split (spaCy senter), tag
   (ruler + context + ner), embed (distinct glossed texts), semantic (prototype scores);
2. the local engine (`enrich`, one process, all cores), end to end;
3. the Ray engine (`enrich_with_ray`, a local Ray with every core, one actor per stage),
   end to end and in steady state (rows after the first result batch / time after it), and
   the driver's DuckDB writer (shard write + load) in rows/s.

The model (printed with the figures):
    per-node rate  = Ray steady rows/s / Ray's CPUs (the measured per-core rate) x 2 cores
    hours(N nodes) = S / writer_rate + S / (N x per-node rate)     (S = 15M sentences)
Amdahl-style: the single DuckDB writer is the serial part, everything else spreads over the
nodes. The writer overlaps the compute in practice, so this errs on the slow side; so do the
per-core rates, measured on a 2-core machine shared with other work (they include Ray's
scheduling and the OS sharing cores between three actors and the driver).
The last line with --json: {"local_per_s", "ray_per_s", "ray_workers", "predicted_hours"...}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from embed import pick_files  # noqa: E402

from claimtracker.config import EMBEDDERS  # noqa: E402
from claimtracker.db import Store  # noqa: E402
from ingest.transcripts import ingest_transcripts  # noqa: E402
from nlp import embedder, fts, sources  # noqa: E402
from nlp.enrich import enrich, rule_tables, semantic_table, split_table  # noqa: E402
from nlp.sentences import SentenceSplitter  # noqa: E402
from nlp.tagger import TopicTagger  # noqa: E402
from nlp.taxonomy import load_taxonomy  # noqa: E402

CORPUS = 15_000_000
CORES_PER_NODE = 2
NODES = (1, 4, 16)


def rate(rows: int, seconds: float) -> float:
    return round(rows / seconds, 1) if seconds > 0 else 0.0


class Clock:
    """Wall and CPU seconds of a block: on a shared machine CPU time is the steadier figure."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str, fn: Any, *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn(*args)
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu
        return out


def stage_rates(db: Path, backend: str,
                splitter: SentenceSplitter) -> dict[str, dict[str, float]]:
    """Sentences/s of each stage alone on one core (per wall and per CPU second)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    taxonomy = load_taxonomy()
    tagger = TopicTagger(taxonomy)
    versioned = fts.versioned_regex(taxonomy.versioned_words())
    try:
        with Store.open(db, read_only=True) as store:
            todo, _ = sources.plan(store, sources.Scope())
            batch = sources.fetch(store, sources.Scope(), todo)
        clock = Clock()
        table, _ = clock("split", split_table, splitter, versioned, batch)
        ids, texts = table.column("sentence_id").to_pylist(), table.column("text").to_pylist()
        mentions, updates = clock("tag", rule_tables, tagger, versioned, ids, texts)
        glossed = [e or t for e, t in zip(updates.column("embed_text").to_pylist(), texts,
                                          strict=True)]
        unique = list(dict.fromkeys(glossed))

        def encode(items: Any) -> Any:
            return embedder.encode_texts(items, backend=backend)

        encode(["warm up"])
        vectors = clock("embed", encode, unique)
        position = {t: i for i, t in enumerate(unique)}
        matrix = vectors[[position[t] for t in glossed]]
        topics: list[list[str]] = [[] for _ in ids]
        index = {sid: i for i, sid in enumerate(ids)}
        for sid, topic in zip(mentions.column("sentence_id").to_pylist(),
                              mentions.column("topic").to_pylist(), strict=True):
            topics[index[sid]].append(topic)
        tagger.prototypes(encode)  # computed once per actor: not part of the per-row cost
        clock("semantic", semantic_table, tagger, ids, texts, topics, matrix, encode)
    finally:
        torch.set_num_threads(threads)
    n = len(ids)
    return {"wall": {k: rate(n, v) for k, v in clock.wall.items()},
            "cpu": {k: rate(n, v) for k, v in clock.cpu.items()}}


def timed(base: Path, copy: Path, run: Any) -> tuple[Any, float]:
    shutil.copy(base, copy)
    with Store.open(copy) as store:
        start = time.perf_counter()
        summary = run(store)
        return summary, time.perf_counter() - start


def predict(per_core: float, writer: float) -> dict[str, float]:
    """Hours for CORPUS sentences on N nodes (Amdahl: the DuckDB writer is the serial part)."""
    node = per_core * CORES_PER_NODE
    return {str(n): round((CORPUS / writer + CORPUS / (n * node)) / 3600, 2) for n in NODES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-sentences", type=int, default=3000)
    parser.add_argument("--embedder", choices=EMBEDDERS, default=embedder.TORCH)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nlp.ray_engine import enrich_with_ray

    cpus = os.cpu_count() or 1
    splitter = SentenceSplitter()
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        base = Path(tmp) / "base.duckdb"
        with Store.open(base) as store:
            ingest_transcripts(store, pick_files(args.min_sentences, splitter), progress=False)
        stages = stage_rates(base, args.embedder, splitter)
        local, local_s = timed(base, Path(tmp) / "local.duckdb",
                               lambda s: enrich(s, progress=False, embedder=args.embedder))
        ray_run, ray_s = timed(base, Path(tmp) / "ray.duckdb",
                               lambda s: enrich_with_ray(s, progress=False,
                                                         embedder=args.embedder))
    n = local.totals["sentences"]
    assert ray_run.totals["sentences"] == n, "the two engines disagree on the sentences"
    rows = ray_run.counts.get("tagged", n)
    steady = rate(rows - ray_run.totals.get("first_batch_rows", 0),
                  ray_run.seconds.get("ray_stream", ray_s))
    writer = rate(rows, ray_run.seconds.get("write", 0.0))
    per_core = steady / cpus
    def chained(rates: dict[str, float]) -> float:  # one core doing every stage in turn
        return round(1 / sum(1 / r for r in rates.values()), 1)

    result = {
        "local_per_s": rate(n, local_s),
        "ray_per_s": rate(n, ray_s),
        "ray_workers": ray_run.totals.get("ray_workers"),
        "predicted_hours": predict(per_core, writer),
        "embedder": args.embedder,
        "sentences": n,
        "cpus": cpus,
        "ray_steady_per_s": steady,
        "ray_per_core_per_s": round(per_core, 1),
        "ray_startup_s": round(ray_run.seconds.get("ray_startup", 0.0), 1),
        "db_write_per_s": writer,
        "stage_per_core_per_s": stages["wall"],
        "stages_chained_per_core_per_s": chained(stages["wall"]),
        "stage_per_cpu_second": stages["cpu"],
        "stages_chained_per_cpu_second": chained(stages["cpu"]),
        "predicted_hours_from_cpu_time": predict(chained(stages["cpu"]), writer),
        "load_average": round(os.getloadavg()[0], 1),
        "model": "hours = S/db_write_per_s + S/(N * 2 * ray_per_core_per_s), S = 15M",
    }
    print(f"DB: {n} sentences from real AMZN calls; embedder {args.embedder}; {cpus} CPUs; "
          f"load average {result['load_average']} (the machine is shared: rates are low)")
    print("per-core stage rates (sentences/s): " + ", ".join(
        f"{k} {v}" for k, v in result["stage_per_core_per_s"].items())
        + f"; chained {result['stages_chained_per_core_per_s']} "
        f"(per CPU second: {result['stages_chained_per_cpu_second']})")
    print(f"local engine: {result['local_per_s']}/s end to end ({local_s:.1f} s)")
    print(f"ray engine: {result['ray_per_s']}/s end to end ({ray_s:.1f} s, of which start-up "
          f"{result['ray_startup_s']} s); steady {steady}/s = {per_core:.1f}/s per core; "
          f"DuckDB writer {writer} rows/s")
    print(f"predicted wall time of {CORPUS:,} sentences ({CORES_PER_NODE} cores per node): "
          + ", ".join(f"{k} node(s) {v} h" for k, v in result["predicted_hours"].items())
          + "; from CPU-time stage rates (an unshared node, no Ray overhead): "
          + ", ".join(f"{k}: {v} h" for k, v in result["predicted_hours_from_cpu_time"].items()))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
