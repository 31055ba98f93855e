"""The Ray engine's stages as Ray Data actors: each loads its model once, then maps batches.

Rows are sentences (the `sentences` columns) and carry their mentions as a list column, so
one Arrow batch holds everything the driver writes. The actors only convert Arrow batches to
and from the per-batch functions of `nlp.enrich` (split_table, rule_tables, semantic_table):
the rules have one owner, and both engines give the same rows. Nothing here imports ray.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np
import pyarrow as pa

from claimtracker.db import EMBEDDING_DIM
from nlp import fts, sources
from nlp.embedder import backend_model, encode_texts
from nlp.enrich import SENTENCE_COLUMNS, SENTENCE_TYPES, rule_tables, semantic_table, split_table

#: Columns of a source row, as `nlp.ray_engine` exports them.
SOURCE_COLUMNS = ("source_kind", "source_id", "source_hash", *sources.META_COLUMNS, "text")
SENTENCE_SCHEMA = pa.schema([(c, SENTENCE_TYPES.get(c, pa.string())) for c in SENTENCE_COLUMNS])
MENTION_TYPE = pa.struct([
    ("mention_id", pa.string()), ("sentence_id", pa.string()), ("topic", pa.string()),
    ("surface", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
    ("label", pa.string()), ("method", pa.string()), ("score", pa.float64()),
    ("numbers", pa.string()),
])


def _taxonomy(path: str | None) -> Any:
    from nlp.taxonomy import load_taxonomy

    return load_taxonomy(path)


def _mention_lists(ids: list[str], mentions: pa.Table) -> list[list[dict[str, Any]]]:
    by_id: dict[str, list[dict[str, Any]]] = {sid: [] for sid in ids}
    for row in mentions.select(MENTION_TYPE.names).to_pylist():
        by_id[row["sentence_id"]].append(row)
    return [by_id[sid] for sid in ids]


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    index = table.schema.get_field_index(name)
    if index < 0:
        return table.append_column(name, values)
    return table.set_column(index, name, values)


class SplitActor:
    """Sources in, sentence rows out (spaCy senter loaded once per actor)."""

    def __init__(self, taxonomy_path: str | None = None):
        from nlp.sentences import SentenceSplitter

        self.splitter = SentenceSplitter()
        self.versioned = fts.versioned_regex(_taxonomy(taxonomy_path).versioned_words())

    def __call__(self, batch: pa.Table) -> pa.Table:
        batch_sources = [
            sources.Source(source_kind=r["source_kind"], source_id=r["source_id"],
                           source_hash=r["source_hash"],
                           meta={c: r[c] for c in sources.META_COLUMNS}, text=r["text"] or "")
            for r in batch.select(SOURCE_COLUMNS).to_pylist()]
        table, _ = split_table(self.splitter, self.versioned, batch_sources)
        return table.cast(SENTENCE_SCHEMA)


class TagActor:
    """Ruler mentions, numbers, BM25 text and glossed embedding text (spaCy ruler + ner)."""

    def __init__(self, taxonomy_path: str | None = None):
        from nlp.tagger import TopicTagger

        self.tagger = TopicTagger(_taxonomy(taxonomy_path))
        self.digest = self.tagger.taxonomy.digest
        self.versioned = fts.versioned_regex(self.tagger.taxonomy.versioned_words())

    def __call__(self, batch: pa.Table) -> pa.Table:
        batch = batch.select(SENTENCE_SCHEMA.names).cast(SENTENCE_SCHEMA)
        ids = batch.column("sentence_id").to_pylist()
        mentions, updates = rule_tables(self.tagger, self.versioned, ids,
                                        batch.column("text").to_pylist())
        for name in ("fts_text", "text_hash", "embed_text"):
            batch = _set(batch, name, updates.column(name).combine_chunks())
        batch = _set(batch, "tagged_with", pa.array([self.digest] * len(ids), pa.string()))
        return _set(batch, "mentions",
                    pa.array(_mention_lists(ids, mentions), pa.list_(MENTION_TYPE)))


class EmbedActor:
    """Vectors of the glossed texts (each distinct text once), then the semantic mentions."""

    def __init__(self, backend: str, taxonomy_path: str | None = None):
        # Idle OpenMP threads should sleep: the actor shares its node with the other stages.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nlp.tagger import TopicTagger

        self.tagger = TopicTagger(_taxonomy(taxonomy_path))
        self.digest = self.tagger.taxonomy.digest
        self.model = backend_model(backend)
        self.encode = functools.partial(encode_texts, backend=backend)

    def __call__(self, batch: pa.Table) -> pa.Table:
        ids = batch.column("sentence_id").to_pylist()
        texts = batch.column("text").to_pylist()
        hashes = batch.column("text_hash").to_pylist()
        glossed = [e if e is not None else t
                   for e, t in zip(batch.column("embed_text").to_pylist(), texts, strict=True)]
        unique = dict(zip(hashes, glossed, strict=True))
        position = {h: i for i, h in enumerate(unique)}
        vectors = self.encode(list(unique.values()))[[position[h] for h in hashes]]
        ruler = batch.column("mentions").to_pylist()
        topics = [list(dict.fromkeys(m["topic"] for m in ms if m["method"] == "ruler"))
                  for ms in ruler]
        semantic = _mention_lists(ids, semantic_table(self.tagger, ids, texts, topics, vectors,
                                                      self.encode))
        batch = _set(batch, "mentions", pa.array([r + s for r, s in zip(ruler, semantic,
                                                                          strict=True)],
                                                 pa.list_(MENTION_TYPE)))
        batch = _set(batch, "semantic_with", pa.array([self.digest] * len(ids), pa.string()))
        batch = _set(batch, "model", pa.array([self.model] * len(ids), pa.string()))
        flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel())
        return _set(batch, "vector", pa.FixedSizeListArray.from_arrays(flat, EMBEDDING_DIM))
