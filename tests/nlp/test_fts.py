"""BM25 keeps digits: "Trainium2", "Trainium 3" and "Trainium" stay distinct (no model needed)."""

from __future__ import annotations

from claimtracker.db import Store
from nlp import fts
from nlp.dense import Filters
from nlp.search import bm25
from nlp.taxonomy import load_taxonomy

SENTENCES = {
    "t2": "It's fully subscribed on Trainium2.",
    "t3": "We expect Trainium3 to preview at the end of this year.",
    "t3b": "Trainium 3 will be about 40% better.",
    "t": "There are a lot of questions in the market about Trainium.",
    "g4": "Graviton4 delivers 30% better compute performance.",
    "other": "AWS grew 20% year over year.",
}


def _store_with_sentences(store: Store) -> None:
    versioned = fts.versioned_regex(load_taxonomy().versioned_words())
    for ordinal, (sid, text) in enumerate(SENTENCES.items()):
        store.con.execute(
            "INSERT INTO sentences (sentence_id, source_kind, source_id, ord, start_char, "
            "end_char, text, text_hash, doc_type, fts_text) "
            "VALUES (?, 'turn', 'call:1', ?, 0, ?, ?, ?, 'transcript', ?)",
            [sid, ordinal, len(text), text, sid, fts.fts_text(text, versioned)],
        )
    fts.rebuild_index(store)


def _ids(store: Store, query: str) -> set[str]:
    return {sid for sid, _ in bm25(store, query, Filters())}


def test_generation_numbers_are_distinct_words(fresh_db: Store) -> None:
    _store_with_sentences(fresh_db)
    assert _ids(fresh_db, "Trainium2") == {"t2"}
    assert _ids(fresh_db, "Trainium 3") == {"t3", "t3b"}
    assert _ids(fresh_db, "trainium3") == {"t3", "t3b"}
    assert _ids(fresh_db, "Trainium") == {"t"}
    assert _ids(fresh_db, "Graviton 4") == {"g4"}
    assert _ids(fresh_db, "20%") == {"other"}


def test_fts_text_glues_only_product_generations() -> None:
    versioned = fts.versioned_regex(["trainium", "graviton"])
    assert fts.fts_text("Trainium 3 and Graviton-4", versioned) == "trainium3 and graviton4"
    assert fts.fts_text("Item 2 of 3 million robots", versioned) == "item 2 of 3 million robots"


def test_in_memory_bm25_equals_duckdb_match_bm25(enriched_db: Store) -> None:
    """Same tokens, same formula: our scores are DuckDB's own `match_bm25` scores."""
    enriched_db.load_fts()
    for query in ("Trainium2 capacity demand", "robotics fulfillment network", "capex"):
        ours = bm25(enriched_db, query, Filters(), limit=25)
        theirs = enriched_db.con.execute(
            f"SELECT sentence_id, score FROM (SELECT sentence_id, "
            f"{fts.FTS_SCHEMA}.match_bm25(sentence_id, ?) AS score FROM sentences) "
            "WHERE score IS NOT NULL ORDER BY score DESC, sentence_id LIMIT 25",
            [query.lower()]).fetchall()
        assert len(ours) == len(theirs) == 25
        assert [round(s, 3) for _, s in ours] == [round(s, 3) for _, s in theirs]
        # Equal scores may swap places; the sets of hits above the cut-off score agree.
        cut = theirs[-1][1] + 1e-3
        assert {i for i, s in ours if s > cut} == {i for i, s in theirs if s > cut}
