"""`enrich` on a real call: sentence offsets, incremental reruns that do no model work."""

from __future__ import annotations

import pytest

from claimtracker.db import Store

pytestmark = pytest.mark.slow


def test_sentences_point_back_into_their_turns(mini_enriched: Store) -> None:
    rows = mini_enriched.con.execute(
        "SELECT s.text, s.start_char, s.end_char, t.text, s.role, t.role, s.ticker, "
        "s.fiscal_year, s.fiscal_quarter, s.doc_type FROM sentences s "
        "JOIN turns t ON t.turn_id = s.source_id").fetchall()
    assert len(rows) > 300
    for text, start, end, turn_text, role, turn_role, ticker, year, quarter, doc_type in rows:
        assert turn_text[start:end] == text
        assert role == turn_role
        assert (ticker, year, quarter, doc_type) == ("AMZN", 2025, 3, "transcript")
    # Every sentence has a vector, keyed by the hash of what was embedded.
    missing = mini_enriched.con.execute(
        "SELECT count(*) FROM sentences s LEFT JOIN embeddings e USING (text_hash) "
        "WHERE e.vector IS NULL").fetchone()[0]
    assert missing == 0


def test_mentions_are_stored_with_spans_and_numbers(mini_enriched: Store) -> None:
    rows = mini_enriched.con.execute(
        "SELECT s.text, m.surface, m.start_char, m.end_char, m.numbers FROM mentions m "
        "JOIN sentences s USING (sentence_id) WHERE m.topic = 'trainium' AND m.method = 'ruler'"
    ).fetchall()
    assert rows
    for text, surface, start, end, _ in rows:
        assert text[start:end] == surface
    subscribed = [r for r in rows if r[0] == "It's fully subscribed on Trainium2."]
    assert subscribed and subscribed[0][1] == "Trainium2"
    with_numbers = [r for r in rows if r[4] and "150%" in r[4]]
    assert with_numbers, "the 150% growth figure should travel with the Trainium2 mention"


def test_second_enrich_does_no_model_work(mini_enriched: Store, monkeypatch) -> None:
    import nlp.embedder
    import nlp.enrich

    def forbidden(*args, **kwargs):
        raise AssertionError("a rerun with nothing new must not load or run a model")

    monkeypatch.setattr(nlp.embedder, "embedding_model", forbidden)
    monkeypatch.setattr(nlp.enrich, "TopicTagger", forbidden)
    monkeypatch.setattr(nlp.enrich, "SentenceSplitter", forbidden)
    before = mini_enriched.con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    summary = nlp.enrich.enrich(mini_enriched, progress=False)
    assert summary.counts.get("embedded", 0) == 0
    assert summary.counts.get("sentences_added", 0) == 0
    assert summary.exit_code == 0
    assert mini_enriched.con.execute("SELECT count(*) FROM embeddings").fetchone()[0] == before


def test_changed_turn_is_resplit_and_only_its_new_sentences_embedded(mini_enriched: Store) -> None:
    from nlp.enrich import enrich

    con = mini_enriched.con
    turn_id, text = con.execute(
        "SELECT turn_id, text FROM turns WHERE text LIKE '%fully subscribed on Trainium2%'"
    ).fetchone()
    con.execute("UPDATE turns SET text = ? WHERE turn_id = ?",
                [text + " We are adding Trainium3 capacity in every region.", turn_id])
    summary = enrich(mini_enriched, progress=False)
    assert summary.counts["sources_split"] == 1
    assert summary.counts["embedded"] == 1
    new = con.execute("SELECT count(*) FROM sentences WHERE source_id = ? AND text = ?",
                      [turn_id, "We are adding Trainium3 capacity in every region."]).fetchone()[0]
    assert new == 1
    con.execute("DELETE FROM turns WHERE turn_id = ?", [turn_id])
    summary = enrich(mini_enriched, progress=False)
    assert summary.counts["sources_removed"] == 1
    assert con.execute("SELECT count(*) FROM sentences WHERE source_id = ?",
                       [turn_id]).fetchone()[0] == 0
    orphans = con.execute("SELECT count(*) FROM mentions WHERE sentence_id NOT IN "
                          "(SELECT sentence_id FROM sentences)").fetchone()[0]
    assert orphans == 0
