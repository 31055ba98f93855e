"""`enrich`: sources -> sentences -> embeddings -> topic mentions -> BM25 index, incrementally.

Each stage is a small class with `__call__(batch)` and writes its batch in one transaction, so
an interrupted run keeps finished batches and the next run resumes. Work lists are computed
from the DB (changed sources, sentences without a vector, sentences tagged with an older
taxonomy), so a rerun with nothing new loads no model at all.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from claimtracker.db import Store
from claimtracker.runs import RunRecord, record_run
from nlp import fts, sources
from nlp.dense import VERSION_KEY, dense_index
from nlp.embedder import Embedder, enrich_backend, load_vectors, missing_embeddings, store_encoder
from nlp.sentences import SentenceSplitter, sentence_id, text_hash
from nlp.tagger import Mention, Tagging, TopicTagger
from nlp.taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

SPLIT_BATCH = 200  # sources per transaction
EMBED_BATCH = 1024  # sentences per encode call and transaction
TAG_BATCH = 2000  # sentences per tagging transaction


@dataclass
class EnrichSummary:
    """Counts of one enrich run (`claimtracker enrich` prints `render()`)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                "totals": self.totals}

    def render(self) -> str:
        c = self.counts
        lines = [
            f"sources split: {c.get('sources_split', 0)}  (removed: {c.get('sources_removed', 0)})",
            f"sentences added: {c.get('sentences_added', 0)}  "
            f"removed: {c.get('sentences_removed', 0)}",
            f"embedded: {c.get('embedded', 0)}  tagged: {c.get('tagged', 0)}  "
            f"mentions written: {c.get('mentions', 0)}",
            f"BM25 index rebuilt: {'yes' if c.get('fts_rebuilt') else 'no'}",
            f"DB now holds {self.totals.get('sentences', 0)} sentences, "
            f"{self.totals.get('mentions', 0)} mentions",
        ]
        per_topic = self.totals.get("mentions_per_topic") or {}
        if per_topic:
            lines.append("mentions per topic: "
                         + ", ".join(f"{k} {v}" for k, v in per_topic.items()))
        lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)

    @property
    def exit_code(self) -> int:
        return 0


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_arrow(con: Any, table: str, data: pa.Table) -> None:
    con.register("_enrich_batch", data)
    try:
        columns = ", ".join(data.column_names)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _enrich_batch "
                    "ON CONFLICT DO NOTHING")
    finally:
        con.unregister("_enrich_batch")


def _delete_sources(con: Any, source_ids: Sequence[str]) -> int:
    ids = list(source_ids)
    con.execute("DELETE FROM mentions WHERE sentence_id IN (SELECT sentence_id FROM sentences "
                "WHERE source_id IN (SELECT unnest(?::VARCHAR[])))", [ids])
    (removed,) = con.execute("SELECT count(*) FROM sentences WHERE source_id IN "
                             "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchone()
    con.execute("DELETE FROM sentences WHERE source_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    con.execute("DELETE FROM sentence_sources WHERE source_id IN (SELECT unnest(?::VARCHAR[]))",
                [ids])
    return int(removed)


#: Arrow types of the non-string sentence columns (every other column is a string).
SENTENCE_TYPES = {"ord": pa.int32(), "start_char": pa.int32(), "end_char": pa.int32(),
                  "cik": pa.int64(), "fiscal_year": pa.int32(), "fiscal_quarter": pa.int32()}
SENTENCE_COLUMNS = ("sentence_id", "source_kind", "source_id", "ord", "start_char", "end_char",
                    "text", "text_hash", "fts_text", *sources.META_COLUMNS)


def split_table(splitter: SentenceSplitter, versioned: Any,
                batch: Sequence[sources.Source]) -> tuple[pa.Table, list[int]]:
    """Sentence rows of a batch of sources, and each source's sentence count.

    The one place sources become sentence rows: the local and the Ray engine both call it.
    """
    spans = splitter([s.text for s in batch])
    rows: dict[str, list[Any]] = {k: [] for k in SENTENCE_COLUMNS}
    for source, sentence_spans in zip(batch, spans, strict=True):
        for ordinal, span in enumerate(sentence_spans):
            rows["sentence_id"].append(sentence_id(source.source_id, span.start, span.text))
            rows["source_kind"].append(source.source_kind)
            rows["source_id"].append(source.source_id)
            rows["ord"].append(ordinal)
            rows["start_char"].append(span.start)
            rows["end_char"].append(span.end)
            rows["text"].append(span.text)
            rows["text_hash"].append(text_hash(span.text))
            rows["fts_text"].append(fts.fts_text(span.text, versioned))
            for column in sources.META_COLUMNS:
                rows[column].append(source.meta[column])
    table = pa.table({k: pa.array(v, SENTENCE_TYPES.get(k, pa.string()))
                      for k, v in rows.items()})
    return table, [len(x) for x in spans]


class SplitStage:
    """Split a batch of sources into sentences and replace their old sentences."""

    def __init__(self, store: Store, splitter: SentenceSplitter, taxonomy: Taxonomy):
        self.store = store
        self.splitter = splitter
        self.versioned = fts.versioned_regex(taxonomy.versioned_words())

    def __call__(self, batch: Sequence[sources.Source]) -> tuple[int, int]:
        table, counts = split_table(self.splitter, self.versioned, batch)
        done = pa.table({
            "source_id": pa.array([s.source_id for s in batch], pa.string()),
            "source_kind": pa.array([s.source_kind for s in batch], pa.string()),
            "source_hash": pa.array([s.source_hash for s in batch], pa.string()),
            "n_sentences": pa.array(counts, pa.int32()),
        })
        with self.store.transaction() as con:
            removed = _delete_sources(con, [s.source_id for s in batch])
            _insert_arrow(con, "sentences", table)
            _insert_arrow(con, "sentence_sources", done)
        return table.num_rows, removed


def _mention_table(rows: list[tuple[str, Mention, str | None]]) -> pa.Table:
    """Arrow rows for `mentions` from (sentence_id, mention, numbers JSON)."""
    def column(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind)

    return pa.table({
        "mention_id": column([text_hash(f"{sid}|{m.topic}|{m.start}|{m.end}|{m.method}")[:24]
                              for sid, m, _ in rows], pa.string()),
        "sentence_id": column([sid for sid, _, _ in rows], pa.string()),
        "topic": column([m.topic for _, m, _ in rows], pa.string()),
        "surface": column([m.text for _, m, _ in rows], pa.string()),
        "start_char": column([m.start for _, m, _ in rows], pa.int32()),
        "end_char": column([m.end for _, m, _ in rows], pa.int32()),
        "label": column([m.label for _, m, _ in rows], pa.string()),
        "method": column([m.method for _, m, _ in rows], pa.string()),
        "score": column([m.score for _, m, _ in rows], pa.float64()),
        "numbers": column([n for _, _, n in rows], pa.string()),
    })


def _update_sentences(con: Any, updates: pa.Table, assignments: str, params: list[Any]) -> None:
    con.register("_sentence_updates", updates)
    try:
        con.execute(f"UPDATE sentences SET {assignments} FROM _sentence_updates u "
                    "WHERE sentences.sentence_id = u.sentence_id", params)
    finally:
        con.unregister("_sentence_updates")


def rule_tables(tagger: TopicTagger, versioned: Any, ids: Sequence[str],
                texts: Sequence[str]) -> tuple[pa.Table, pa.Table]:
    """(ruler mention rows, sentence updates: fts_text, embed_text, text_hash) of a batch.

    Shared by both engines, so a rule change reaches both.
    """
    taggings = tagger.rule_tag(list(texts))
    rows = [(sid, m, json.dumps(t.numbers) if t.numbers else None)
            for sid, t in zip(ids, taggings, strict=True) for m in t.mentions]
    embed_texts = [t.embed_text if t.embed_text != t.text else None for t in taggings]
    updates = pa.table({
        "sentence_id": pa.array(list(ids), pa.string()),
        "fts_text": pa.array([fts.fts_text(t.text, versioned) for t in taggings], pa.string()),
        "embed_text": pa.array(embed_texts, pa.string()),
        "text_hash": pa.array([text_hash(t.embed_text) for t in taggings], pa.string()),
    })
    return _mention_table(rows), updates


def semantic_table(tagger: TopicTagger, ids: Sequence[str], texts: Sequence[str],
                   ruler_topics: Sequence[Sequence[str]], vectors: np.ndarray,
                   encode: Any) -> pa.Table:
    """Semantic mention rows of a batch, from its ruler topics and its stored vectors."""
    taggings = [Tagging(text, [Mention(t, "", 0, 0, "ruler") for t in topics])
                for text, topics in zip(texts, ruler_topics, strict=True)]
    before = [len(t.mentions) for t in taggings]
    tagger.add_semantic(taggings, vectors, encode)
    return _mention_table([(sid, m, json.dumps(t.numbers) if t.numbers else None)
                           for sid, t, n in zip(ids, taggings, before, strict=True)
                           for m in t.mentions[n:]])


class RuleStage:
    """Ruler mentions, numbers, BM25 text and glossed embedding text for a batch of sentences."""

    def __init__(self, store: Store, tagger: TopicTagger):
        self.store = store
        self.tagger = tagger
        self.digest = tagger.taxonomy.digest
        self.versioned = fts.versioned_regex(tagger.taxonomy.versioned_words())

    def __call__(self, batch: Sequence[tuple[str, str]]) -> int:
        ids = [sid for sid, _ in batch]
        mentions, updates = rule_tables(self.tagger, self.versioned, ids,
                                        [text for _, text in batch])
        with self.store.transaction() as con:
            con.execute("DELETE FROM mentions WHERE sentence_id IN (SELECT unnest(?::VARCHAR[]))",
                        [ids])
            _insert_arrow(con, "mentions", mentions)
            _update_sentences(con, updates, "fts_text = u.fts_text, embed_text = u.embed_text, "
                              "text_hash = u.text_hash, tagged_with = ?, semantic_with = NULL",
                              [self.digest])
        return mentions.num_rows


class SemanticStage:
    """Semantic mentions from stored vectors for a batch of rule-tagged sentences."""

    def __init__(self, store: Store, tagger: TopicTagger):
        self.store = store
        self.tagger = tagger
        self.digest = tagger.taxonomy.digest

    def __call__(self, batch: Sequence[tuple[str, str, str]]) -> int:
        ids = [b[0] for b in batch]
        ruler = dict(self.store.con.execute(
            "SELECT sentence_id, list(DISTINCT topic) FROM mentions WHERE method = 'ruler' "
            "AND sentence_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY sentence_id", [ids],
        ).fetchall())
        vectors = load_vectors(self.store, [b[2] for b in batch])
        mentions = semantic_table(self.tagger, ids, [b[1] for b in batch],
                                  [ruler.get(sid, []) for sid in ids], vectors,
                                  store_encoder(self.store))
        with self.store.transaction() as con:
            con.execute("DELETE FROM mentions WHERE method = 'semantic' AND sentence_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [ids])
            _insert_arrow(con, "mentions", mentions)
            _update_sentences(con, pa.table({"sentence_id": pa.array(ids, pa.string())}),
                              "semantic_with = ?", [self.digest])
        return mentions.num_rows


def _totals(store: Store) -> dict[str, Any]:
    con = store.con
    per_topic = dict(con.execute(
        "SELECT topic, count(*) FROM mentions GROUP BY topic ORDER BY count(*) DESC").fetchall())
    return {
        "sentences": con.execute("SELECT count(*) FROM sentences").fetchone()[0],
        "embeddings": con.execute("SELECT count(*) FROM embeddings").fetchone()[0],
        "mentions": sum(per_topic.values()),
        "mentions_per_topic": per_topic,
    }


def remove_gone(store: Store, run: RunRecord, todo: Sequence[str], stale: Sequence[str]) -> None:
    """Drop the sentences of sources that no longer exist (re-split ones go with their batch)."""
    resplit = set(todo)
    gone = [s for s in stale if s not in resplit]
    if gone:
        with store.transaction() as con:
            run.count("sentences_removed", _delete_sources(con, gone))
            run.count("sources_removed", len(gone))


def finish_index(store: Store, run: RunRecord, changed: bool) -> None:
    """Rebuild BM25 and stamp a new sentences version when anything changed (both engines)."""
    has_sentences = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0] > 0
    if has_sentences and (changed or not fts.index_exists(store)):
        fts.rebuild_index(store)
        run.count("fts_rebuilt")
    if changed or run.counts.get("embedded"):
        store.con.execute("INSERT OR REPLACE INTO enrich_state (key, value) VALUES (?, ?)",
                          [VERSION_KEY, uuid.uuid4().hex])
        prebuild_search_index(store, run)


def prebuild_search_index(store: Store, run: RunRecord) -> None:
    """Build the persisted search index now (<db>.index/), so the first search after an
    enrich does not pay for it (minutes at a million sentences). It is a cache: if it cannot
    be built here, the first search builds it, and the run says so."""
    if store.path is None:
        return
    try:
        dense_index(store)
        run.count("search_index_built")
    except OSError as exc:
        log.warning("search index not prebuilt (%s): the first search will build it", exc)


def enrich(store: Store, *, progress: bool = True, tickers: Sequence[str] | None = None,
           doc_types: Sequence[str] | None = None, taxonomy_path: str | None = None,
           embedder: str | None = None, re_embed: bool = False) -> EnrichSummary:
    """Bring sentences, embeddings, mentions and the BM25 index up to date with the sources."""
    scope = sources.Scope(tuple(tickers) if tickers else None,
                          tuple(doc_types) if doc_types else None)
    taxonomy = load_taxonomy(taxonomy_path)
    backend = enrich_backend(store, embedder, re_embed=re_embed)  # refuses to mix backends
    summary = EnrichSummary()
    with record_run(store, "enrich", {**scope.as_dict(), "taxonomy": str(taxonomy.path)}) as run:
        t0 = time.perf_counter()
        todo, stale = sources.plan(store, scope)
        changed = bool(todo or stale)
        remove_gone(store, run, todo, stale)
        if todo:
            stage = SplitStage(store, SentenceSplitter(), taxonomy)
            with tqdm(total=len(todo), desc="split", unit="src", disable=not progress) as bar:
                for ids in _batches(todo, SPLIT_BATCH):
                    added, removed = stage(sources.fetch(store, scope, ids))
                    run.count("sources_split", len(ids))
                    run.count("sentences_added", added)
                    run.count("sentences_removed", removed)
                    bar.update(len(ids))
        summary.seconds["split"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        digest = taxonomy.digest
        tagger: TopicTagger | None = None
        untagged = store.con.execute(
            "SELECT sentence_id, text FROM sentences WHERE tagged_with IS DISTINCT FROM ? "
            "ORDER BY sentence_id", [digest]).fetchall()
        if untagged:
            changed = True
            tagger = TopicTagger(taxonomy)
            rule_stage = RuleStage(store, tagger)
            with tqdm(total=len(untagged), desc="tag", unit="sent", disable=not progress) as bar:
                for batch in _batches(untagged, TAG_BATCH):
                    run.count("mentions", rule_stage(batch))
                    run.count("tagged", len(batch))
                    bar.update(len(batch))
        summary.seconds["tag"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        missing = missing_embeddings(store)
        if missing:
            embed = Embedder(store, backend=backend)
            with tqdm(total=len(missing), desc="embed", unit="sent", disable=not progress) as bar:
                for batch in _batches(missing, EMBED_BATCH):
                    embed(list(batch))
                    run.count("embedded", len(batch))
                    bar.update(len(batch))
        summary.seconds["embed"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        unscored = store.con.execute(
            "SELECT sentence_id, text, text_hash FROM sentences "
            "WHERE semantic_with IS DISTINCT FROM ? ORDER BY sentence_id", [digest]).fetchall()
        if unscored:
            changed = True
            tagger = tagger or TopicTagger(taxonomy)
            semantic_stage = SemanticStage(store, tagger)
            with tqdm(total=len(unscored), desc="semantic", unit="sent",
                      disable=not progress) as bar:
                for batch in _batches(unscored, TAG_BATCH):
                    run.count("mentions", semantic_stage(batch))
                    bar.update(len(batch))
        summary.seconds["semantic"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        finish_index(store, run, changed)
        summary.seconds["index"] = time.perf_counter() - t0
        summary.counts = dict(run.counts)
        summary.totals = _totals(store)
    return summary
