"""The source viewer: a cited sentence in its call turn or filing section, opened by URL."""

from __future__ import annotations

from pages_util import render, sql, texts


def _one(db, doc_type: str) -> tuple[str, str, str]:
    """A management sentence of this kind from the middle of its source: (id, text, source)."""
    return sql(db, "SELECT sentence_id, text, source_id FROM sentences s WHERE doc_type = ? "
                   "AND (role = 'management' OR role IS NULL) AND ord BETWEEN 3 AND 5 "
                   "AND length(text) > 60 ORDER BY sentence_id LIMIT 1", [doc_type])[0]


def test_call_sentence_opens_highlighted_in_its_turn(monkeypatch, scored_db_path) -> None:
    sentence_id, text, source_id = _one(scored_db_path, "transcript")
    at = render(monkeypatch, scored_db_path, "source", sentence=sentence_id)
    shown = texts(at, "markdown")
    highlighted = [t for t in shown if t.startswith(":orange-background[")]
    assert len(highlighted) == 1
    assert " ".join(text.split()) in highlighted[0].replace("\\", "")
    # Its neighbours in the same turn are shown, in order, before and after it.
    before, after = sql(scored_db_path, "SELECT (SELECT text FROM sentences WHERE source_id = ? "
                        "AND ord = s.ord - 1), (SELECT text FROM sentences WHERE source_id = ? "
                        "AND ord = s.ord + 1) FROM sentences s WHERE sentence_id = ?",
                        [source_id, source_id, sentence_id])[0]
    index = shown.index(highlighted[0])
    plain = [t.replace("\\", "") for t in shown]
    assert plain[index - 1] == " ".join(before.split())
    if after:
        assert plain[index + 1] == " ".join(after.split())
    (speaker,) = sql(scored_db_path, "SELECT speaker FROM sentences WHERE sentence_id = ?",
                     [sentence_id])[0]
    assert any(f"Said by {speaker}" in t.replace("\\", "") for t in texts(at, "caption"))
    assert at.query_params["sentence"] == [sentence_id] or \
        at.query_params["sentence"] == sentence_id


def test_filing_sentence_shows_its_item_and_edgar_link(monkeypatch, scored_db_path) -> None:
    sentence_id, _, _ = _one(scored_db_path, "10-K")
    at = render(monkeypatch, scored_db_path, "source", sentence=sentence_id)
    header = " ".join(texts(at, "markdown"))
    assert "[EDGAR](https://www.sec.gov/Archives/edgar/data/" in header
    assert "Item" in header


def test_unknown_sentence_is_a_notice_not_a_traceback(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, "source", sentence="no-such-sentence")
    assert any("No sentence no-such-sentence" in w.replace("\\", "")
               for w in texts(at, "warning"))


def test_search_hits_link_to_the_viewer(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, "search", query="operating income")
    captions = " ".join(texts(at, "caption"))
    assert "[in context](?page=source&sentence=" in captions
