"""`enrich_with_ray`: the enrich stages on Ray Data actors, the same rows as `enrich`.

The driver keeps DuckDB (single writer). It computes the same work lists as the local engine,
streams them out as Parquet files, and Ray Data runs split -> tag -> embed+semantic on actor
pools (each actor loads its model once). Enriched sentences stream back to the driver, which
writes them as Parquet shards and loads them a few thousand rows per transaction, keyed by
content hashes. No process ever holds the whole corpus: DuckDB, Ray Data and the loader all
stream with bounded batches.

Without an address a local Ray starts with this machine's CPUs; with `address` (or
RAY_ADDRESS) the driver joins a cluster. The driver must run on a cluster node (the one with
the DB file): work files are read there, by tasks pinned to that node.
Ray is imported here only, when this engine runs: the CLI and the local engine never load it.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimtracker.db import Store
from claimtracker.errors import ConfigError
from claimtracker.runs import record_run
from nlp import sources
from nlp.embedder import backend_model, enrich_backend
from nlp.enrich import EnrichSummary, _delete_sources, _totals, finish_index, remove_gone
from nlp.ray_actors import EmbedActor, SplitActor, TagActor
from nlp.ray_shards import ShardLoader, export_sources, export_unfinished, record_sources
from nlp.taxonomy import load_taxonomy

log = logging.getLogger(__name__)

SOURCES_PER_FILE = 256
SENTENCES_PER_FILE = 20_000


@dataclass(frozen=True)
class Pools:
    """Actors per stage (min, max) and the CPUs each actor reserves.

    CPUs here are Ray's logical units: fractions let all three stages and the read tasks be
    scheduled on a 2-core machine (the OS shares the real cores). On a cluster the pools grow
    up to `max` actors each and Ray Data's autoscaler balances them on their backlogs.
    """

    split: tuple[int, int] = (1, 1)
    tag: tuple[int, int] = (1, 1)
    embed: tuple[int, int] = (1, 1)
    split_cpus: float = 0.25
    tag_cpus: float = 0.25
    embed_cpus: float = 0.5
    split_batch: int = 32  # sources per call
    tag_batch: int = 512  # sentences per call
    embed_batch: int = 512

    @classmethod
    def for_cluster(cls, cpus: int) -> Pools:
        """Up to one actor per CPU for each stage; Ray Data scales each pool on its backlog."""
        top = max(1, int(cpus))
        return cls(split=(1, top), tag=(1, top), embed=(1, top),
                   split_cpus=0.5, tag_cpus=0.5, embed_cpus=1.0)

    @property
    def workers(self) -> int:
        return self.split[1] + self.tag[1] + self.embed[1]


def resolve_address(address: str | None) -> str | None:
    """`address`, else RAY_ADDRESS, else None (start a local Ray)."""
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address and address.startswith("ray://"):
        raise ConfigError(
            f"Ray address {address!r}: Ray Client (ray://) is not supported, because the driver "
            "writes the DuckDB file on its own disk. Run claimtracker on a node of the cluster "
            "(e.g. the head node) with RAY_ADDRESS=auto or --ray-address HOST:6379.")
    return address


@contextmanager
def ray_session(address: str | None) -> Any:
    """Join `address`, or start a local Ray with this machine's CPUs; shut down what we start."""
    import ray

    if ray.is_initialized():  # a caller (a test, a notebook) already set Ray up
        yield ray
        return
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines
    kwargs: dict[str, Any] = {"include_dashboard": False, "configure_logging": False,
                              "log_to_driver": False}
    if address:
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, TimeoutError, RuntimeError) as exc:
            raise ConfigError(f"cannot join the Ray cluster at {address!r}: {exc}. Start it with "
                              "`ray start --head` (or unset RAY_ADDRESS for a local Ray).") from exc
    else:
        ray.init(num_cpus=os.cpu_count(), **kwargs)
    try:
        yield ray
    finally:
        ray.shutdown()


def _dataset(ray: Any, source_files: Sequence[str], sentence_files: Sequence[str],
             taxonomy_path: str | None, backend: str, pools: Pools) -> Any:
    """split -> tag -> embed+semantic on actor pools; reads pinned to the driver's node."""
    import ray.data

    from nlp.ray_source import WorkFiles

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = False
    here = {"ray.io/node-id": ray.get_runtime_context().get_node_id()}

    def read(files: Sequence[str]) -> Any:
        return ray.data.read_datasource(WorkFiles(files), label_selector=here, num_cpus=0.1)

    kwargs = {"taxonomy_path": taxonomy_path}

    def pool(sizes: tuple[int, int]) -> Any:
        return ray.data.ActorPoolStrategy(min_size=sizes[0], max_size=sizes[1])

    parts = []
    if source_files:
        parts.append(read(source_files).map_batches(
            SplitActor, fn_constructor_kwargs=kwargs, compute=pool(pools.split),
            num_cpus=pools.split_cpus, batch_size=pools.split_batch, batch_format="pyarrow"))
    if sentence_files:
        parts.append(read(sentence_files))
    ds = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    ds = ds.map_batches(TagActor, fn_constructor_kwargs=kwargs, compute=pool(pools.tag),
                        num_cpus=pools.tag_cpus, batch_size=pools.tag_batch,
                        batch_format="pyarrow")
    return ds.map_batches(EmbedActor, fn_constructor_kwargs={**kwargs, "backend": backend},
                          compute=pool(pools.embed), num_cpus=pools.embed_cpus,
                          batch_size=pools.embed_batch, batch_format="pyarrow")


def enrich_with_ray(store: Store, *, address: str | None = None, progress: bool = True,
                    tickers: Sequence[str] | None = None, doc_types: Sequence[str] | None = None,
                    taxonomy_path: str | None = None, embedder: str | None = None,
                    re_embed: bool = False, pools: Pools | None = None,
                    work_dir: str | os.PathLike[str] | None = None) -> EnrichSummary:
    """`enrich` on Ray: the same sentences, mentions and vectors, from actor pools.

    `address`/RAY_ADDRESS joins a cluster (pools then grow to its CPUs unless `pools` is
    given); `embedder`/`re_embed` as for `enrich`; `work_dir` holds the Parquet work files
    and shards (default: the system temp dir).
    """
    address = resolve_address(address)
    scope = sources.Scope(tuple(tickers) if tickers else None,
                          tuple(doc_types) if doc_types else None)
    taxonomy = load_taxonomy(taxonomy_path)
    # Actors load the taxonomy by path: the same checkout must sit at that path on every node.
    path = str(Path(taxonomy.path).resolve()) if taxonomy_path else None
    backend = enrich_backend(store, embedder, re_embed=re_embed)  # refuses to mix backends
    summary = EnrichSummary()
    with record_run(store, "enrich", {**scope.as_dict(), "taxonomy": str(taxonomy.path),
                                      "engine": "ray", "ray_address": address}) as run:
        t0 = time.perf_counter()
        todo, stale = sources.plan(store, scope)
        changed = bool(todo or stale)
        remove_gone(store, run, todo, stale)
        embeddings_before = store.con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        with tempfile.TemporaryDirectory(prefix="claimtracker-ray-", dir=work_dir) as tmp:
            work = Path(tmp)
            source_files = export_sources(store, scope, todo, work / "sources",
                                          SOURCES_PER_FILE) if todo else []
            sentence_files = export_unfinished(store, taxonomy.digest, backend_model(backend),
                                               work / "sentences", SENTENCES_PER_FILE, todo)
            summary.seconds["export"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            if source_files or sentence_files:
                changed = True
                loader = ShardLoader(store, work / "shards")
                with ray_session(address) as ray:
                    if pools is None:
                        cpus = ray.cluster_resources().get("CPU", 1) if address else 0
                        pools = Pools.for_cluster(cpus) if address else Pools()
                    summary.totals["ray_workers"] = pools.workers
                    if todo:  # Ray is up: re-split sources lose their old sentences now
                        with store.transaction() as con:
                            run.count("sentences_removed", _delete_sources(con, todo))
                    ds = _dataset(ray, source_files, sentence_files, path, backend, pools)
                    first: float | None = None
                    with tqdm(desc="enrich (ray)", unit="sent", disable=not progress) as bar:
                        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow",
                                                     prefetch_batches=1):
                            if first is None:  # Ray start-up and model loads end here
                                first = time.perf_counter()
                                summary.seconds["ray_startup"] = first - t0
                                summary.totals["first_batch_rows"] = batch.num_rows
                            loader.add(batch)
                            bar.update(batch.num_rows)
                    loader.flush()
                    summary.seconds["ray_stream"] = time.perf_counter() - (first or t0)
                run.count("sources_split", len(todo))
                run.count("sentences_added", record_sources(store, source_files))
                run.count("tagged", loader.rows)
                run.count("mentions", loader.mentions)
                summary.seconds["write"] = loader.seconds
        embedded = store.con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        if embedded > embeddings_before:
            run.count("embedded", embedded - embeddings_before)
        summary.seconds["ray"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        finish_index(store, run, changed)
        summary.seconds["index"] = time.perf_counter() - t0
        summary.counts = dict(run.counts)
        summary.totals.update(_totals(store))
    return summary
