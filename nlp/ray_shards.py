"""Parquet shards between DuckDB and Ray: work lists out, enriched sentences back in.

The driver is the DuckDB file's single writer. Work leaves the DB as Parquet files written
batch by batch (never the whole work list in memory); results come back batch by batch and
are written as Parquet shards, then loaded a few thousand rows per transaction. Every load
is keyed by content hashes (sentence_id, mention_id, text_hash), so loading a shard twice
adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from claimtracker.db import EMBEDDING_DIM, Store
from nlp import sources
from nlp.enrich import SENTENCE_COLUMNS

#: Rows per driver transaction: big enough that commits are cheap, small enough to stay bounded.
LOAD_ROWS = 4096
#: Sentence columns tagging rewrites: an existing sentence sent through again gets these.
_TAG_COLUMNS = ("fts_text", "embed_text", "text_hash", "tagged_with", "semantic_with")
_LOADED_COLUMNS = (*SENTENCE_COLUMNS, "embed_text", "tagged_with", "semantic_with")
_MENTION_COLUMNS = ("mention_id", "sentence_id", "topic", "surface", "start_char", "end_char",
                    "label", "method", "score", "numbers")


def export(store: Store, sql: str, params: Sequence[Any], directory: Path,
           rows_per_file: int) -> tuple[list[str], int]:
    """Stream a query's rows into Parquet files of `rows_per_file` rows: (files, rows)."""
    directory.mkdir(parents=True, exist_ok=True)
    reader = store.con.execute(sql, list(params)).fetch_record_batch(rows_per_file)
    files: list[str] = []
    rows = 0
    for batch in reader:
        if batch.num_rows == 0:
            continue
        path = directory / f"part-{len(files):06d}.parquet"
        pq.write_table(pa.Table.from_batches([batch]), path)
        files.append(str(path))
        rows += batch.num_rows
    return files, rows


def export_sources(store: Store, scope: sources.Scope, todo: Sequence[str], directory: Path,
                   rows_per_file: int) -> list[str]:
    """The sources to split, text and metadata included, as Parquet files."""
    sql, params = sources.hashed_sources_sql(scope)  # the same hash `plan` compares
    meta = ", ".join(sources.META_COLUMNS)
    store.con.register("_ray_todo", pa.table({"source_id": pa.array(list(todo), pa.string())}))
    try:
        files, _ = export(
            store,
            f"SELECT source_kind, source_id, source_hash, {meta}, coalesce(text, '') AS text "
            f"FROM ({sql}) WHERE source_id IN (SELECT source_id FROM _ray_todo)",
            params, directory, rows_per_file)
    finally:
        store.con.unregister("_ray_todo")
    return files


def export_unfinished(store: Store, digest: str, model: str, directory: Path,
                      rows_per_file: int, resplit: Sequence[str] = ()) -> list[str]:
    """Sentences that still need tagging, a vector or semantic tags (except `resplit` ones)."""
    columns = ", ".join(f"s.{c}" for c in SENTENCE_COLUMNS)
    store.con.register("_ray_resplit",
                       pa.table({"source_id": pa.array(list(resplit), pa.string())}))
    try:
        files, _ = export(
            store,
            f"SELECT {columns} FROM sentences s WHERE (s.tagged_with IS DISTINCT FROM ? "
            "OR s.semantic_with IS DISTINCT FROM ? OR NOT EXISTS (SELECT 1 FROM embeddings e "
            "WHERE e.text_hash = s.text_hash AND e.model = ?)) "
            "AND s.source_id NOT IN (SELECT source_id FROM _ray_resplit)",
            [digest, digest, model], directory, rows_per_file)
    finally:
        store.con.unregister("_ray_resplit")
    return files


class ShardLoader:
    """Writes each result batch as a shard and loads pending shards in one transaction."""

    def __init__(self, store: Store, directory: Path, *, load_rows: int = LOAD_ROWS):
        self.store = store
        self.directory = directory
        self.load_rows = load_rows
        self.pending: list[Path] = []
        self.pending_rows = 0
        self.rows = 0
        self.mentions = 0
        self.seconds = 0.0
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, batch: pa.Table) -> None:
        if batch.num_rows == 0:
            return
        t0 = time.perf_counter()
        path = self.directory / f"shard-{self.rows:012d}.parquet"
        pq.write_table(batch, path)
        self.pending.append(path)
        self.mentions += int(pc.sum(pc.list_value_length(batch.column("mentions"))).as_py() or 0)
        self.pending_rows += batch.num_rows
        self.rows += batch.num_rows
        self.seconds += time.perf_counter() - t0
        if self.pending_rows >= self.load_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        t0 = time.perf_counter()
        load_shards(self.store, [str(p) for p in self.pending])
        for path in self.pending:
            path.unlink()
        self.pending, self.pending_rows = [], 0
        self.seconds += time.perf_counter() - t0



def load_shards(store: Store, files: Sequence[str]) -> None:
    """Upsert sentences, replace their mentions, add new vectors: one transaction."""
    columns = ", ".join(_LOADED_COLUMNS)
    mention_columns = ", ".join(_MENTION_COLUMNS)
    unnested = ", ".join(f"m.{c}" for c in _MENTION_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _TAG_COLUMNS)
    with store.transaction() as con:
        con.execute("CREATE OR REPLACE TEMP TABLE _ray_shard AS SELECT * FROM read_parquet(?)",
                    [list(files)])
        try:
            con.execute(f"INSERT INTO sentences ({columns}) SELECT {columns} FROM _ray_shard "
                        f"ON CONFLICT (sentence_id) DO UPDATE SET {updates}")
            con.execute("DELETE FROM mentions WHERE sentence_id IN "
                        "(SELECT sentence_id FROM _ray_shard)")
            con.execute(f"INSERT INTO mentions ({mention_columns}) SELECT {unnested} FROM "
                        "(SELECT unnest(mentions) AS m FROM _ray_shard) ON CONFLICT DO NOTHING")
            con.execute(f"INSERT INTO embeddings SELECT text_hash, model, "
                        f"CAST(any_value(vector) AS FLOAT[{EMBEDDING_DIM}]) FROM _ray_shard "
                        "GROUP BY text_hash, model ON CONFLICT DO NOTHING")
        finally:
            con.execute("DROP TABLE IF EXISTS _ray_shard")


def record_sources(store: Store, source_files: Sequence[str]) -> int:
    """Mark the split sources done (hash and sentence count): the next plan skips them."""
    if not source_files:
        return 0
    with store.transaction() as con:
        con.execute("CREATE OR REPLACE TEMP TABLE _ray_sources AS SELECT source_id, source_kind, "
                    "source_hash FROM read_parquet(?)", [list(source_files)])
        try:
            con.execute(
                "INSERT OR REPLACE INTO sentence_sources (source_id, source_kind, source_hash, "
                "n_sentences) SELECT r.source_id, r.source_kind, r.source_hash, "
                "count(s.sentence_id) FROM _ray_sources r "
                "LEFT JOIN sentences s ON s.source_id = r.source_id GROUP BY ALL")
            (added,) = con.execute("SELECT count(*) FROM sentences WHERE source_id IN "
                                   "(SELECT source_id FROM _ray_sources)").fetchone()
        finally:
            con.execute("DROP TABLE IF EXISTS _ray_sources")
    return int(added)
