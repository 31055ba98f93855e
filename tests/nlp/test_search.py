"""Hybrid search on the enriched shared-data DB (Amazon's calls, releases and filings)."""

from __future__ import annotations

import pytest

from claimtracker.db import Store
from claimtracker.errors import InputError
from nlp.search import search

pytestmark = pytest.mark.slow

KEYS = {"sentence_id", "text", "context", "ticker", "fiscal_year", "fiscal_quarter", "doc_type",
        "speaker", "role", "source", "url", "score"}


def test_custom_ai_chip_demand_finds_trainium2_fully_subscribed(enriched_db: Store) -> None:
    hits = search(enriched_db, "demand for our custom AI chips", ticker="AMZN",
                  quarter="2025Q3", k=10)
    found = [h for h in hits if "fully subscribed" in h["text"] and "Trainium2" in h["text"]]
    assert found, [h["text"] for h in hits]
    hit = found[0]
    assert set(hit) >= KEYS
    assert (hit["ticker"], hit["fiscal_year"], hit["fiscal_quarter"]) == ("AMZN", 2025, 3)
    assert hit["doc_type"] in ("transcript", "earnings_release")
    assert hit["text"] in hit["context"] and len(hit["context"]) > len(hit["text"])
    assert hit["url"]


def test_management_only_search_never_returns_analysts(enriched_db: Store) -> None:
    for query in ("can you talk about Trainium demand", "question on AWS growth", "robotics"):
        hits = search(enriched_db, query, ticker="AMZN", role="management", k=25)
        assert hits
        assert {h["role"] for h in hits} == {"management"}
        assert all(h["doc_type"] == "transcript" and h["speaker"] for h in hits)
    analysts = search(enriched_db, "can you talk about Trainium demand", role="analyst", k=5)
    assert analysts and {h["role"] for h in analysts} == {"analyst"}


def test_filters_quarter_range_doc_type_and_topics(enriched_db: Store) -> None:
    hits = search(enriched_db, "capital expenditures", from_quarter="2024Q1",
                  to_quarter="2024Q4", doc_type="10-Q", k=10)
    assert hits
    for hit in hits:
        assert hit["doc_type"] == "10-Q" and hit["fiscal_year"] == 2024
        assert hit["url"].startswith("https://www.sec.gov/") or hit["url"]
    robots = search(enriched_db, "warehouse", topics=["robotics"], k=10)
    ids = [h["sentence_id"] for h in robots]
    tagged = {r[0] for r in enriched_db.con.execute(
        "SELECT DISTINCT sentence_id FROM mentions WHERE topic = 'robotics'").fetchall()}
    assert ids and set(ids) <= tagged
    releases = search(enriched_db, "Trainium", doc_type="earnings release", k=5)
    assert releases and {h["doc_type"] for h in releases} == {"earnings_release"}


def test_bm25_keeps_generations_apart_on_real_text(enriched_db: Store) -> None:
    from nlp.dense import Filters
    from nlp.search import bm25

    texts = dict(enriched_db.con.execute("SELECT sentence_id, text FROM sentences").fetchall())
    for query, word in (("Trainium2", "trainium2"), ("Trainium 3", "trainium3")):
        hits = bm25(enriched_db, query, Filters(), limit=50)
        assert hits
        for sid, _ in hits:
            glued = texts[sid].lower().replace("trainium 3", "trainium3")
            assert word in glued, texts[sid]


def test_tables_are_not_sentences(enriched_db: Store) -> None:
    tables = enriched_db.con.execute(
        "SELECT count(*) FROM sentences s JOIN sections sec ON sec.section_id = s.source_id "
        "WHERE sec.kind = 'table'").fetchone()[0]
    assert tables == 0
    kinds = dict(enriched_db.con.execute(
        "SELECT doc_type, count(*) FROM sentences GROUP BY doc_type").fetchall())
    assert {"transcript", "earnings_release", "10-Q", "10-K"} <= set(kinds)


def test_bad_filters_are_user_errors(enriched_db: Store) -> None:
    with pytest.raises(InputError, match="2025Q3"):
        search(enriched_db, "AWS", quarter="Q3-2025")
    with pytest.raises(InputError, match="doc type"):
        search(enriched_db, "AWS", doc_type="8-K")
    with pytest.raises(InputError, match="unknown topics"):
        search(enriched_db, "AWS", topics=["chips"])
