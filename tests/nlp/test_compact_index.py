"""The persisted compact search index on a small real DB (Amazon's Q3 2025 call, enriched).

Dense ranking scans a 7-bit copy of the vectors for a shortlist and rescores it exactly; these
tests shrink the shortlist so the int8 stage really decides, and compare with exact float32
search over the vectors DuckDB holds.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from claimtracker.db import Store
from nlp import compact_index, dense
from nlp.dense import Filters, dense_index
from nlp.embedder import MODEL, encode_texts
from nlp.search import build_filters, search

QUERIES = [
    ("demand for our custom AI chips", {}),
    ("robots in our fulfillment network", {}),
    ("capital expenditures next year", {"role": "management"}),
    ("AWS growth reaccelerated", {}),
    ("can you talk about Trainium demand", {"role": "analyst"}),
    ("free cash flow and operating income", {"section": "prepared"}),
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    dense._CACHE.clear()


def _exact(store: Store, vector: np.ndarray, filters: Filters, k: int) -> list[str]:
    """Exact float32 top-k straight from DuckDB's embeddings, within the filters."""
    index = dense_index(store)
    rows = store.con.execute(
        "SELECT s.sentence_id, e.vector FROM sentences s JOIN embeddings e "
        "ON e.text_hash = s.text_hash AND e.model = ?", [MODEL]).fetchall()
    keep = index.mask(store, filters)
    allowed = None if keep is None else set(index.ids[keep].astype(str).tolist())
    scored = sorted(((float(np.dot(v, vector)), sid) for sid, v in rows
                     if allowed is None or sid in allowed), reverse=True)
    return [sid for _, sid in scored[:k]]


def test_small_shortlist_still_finds_the_exact_top_hits(mini_enriched: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "SHORTLIST_FACTOR", 1)
    monkeypatch.setattr(dense, "SHORTLIST_EXTRA", 10)  # 20 of several hundred rows for k=10
    index = dense_index(mini_enriched)
    assert len(index) > 200 and index.embedded.all()
    vectors = encode_texts([q for q, _ in QUERIES])
    for (query, filters), vector in zip(QUERIES, vectors, strict=True):
        wanted = build_filters(**filters)
        got = index.top(vector, index.mask(mini_enriched, wanted), 10)
        exact = _exact(mini_enriched, vector, wanted, 10)
        assert [sid for sid, _ in got] == exact, query
        # The cosines are the exact float32 ones, not the int8 approximations.
        stored = mini_enriched.con.execute(
            "SELECT e.vector FROM sentences s JOIN embeddings e ON e.text_hash = s.text_hash "
            "WHERE s.sentence_id = ?", [got[0][0]]).fetchone()[0]
        assert got[0][1] == pytest.approx(float(np.dot(stored, vector)), abs=1e-5)


def test_search_answers_equal_exact_ranking(mini_enriched: Store,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    exact = {q: search(mini_enriched, q, k=10, **f) for q, f in QUERIES}  # shortlist = all rows
    dense._CACHE.clear()
    monkeypatch.setattr(dense, "SHORTLIST_FACTOR", 1)
    monkeypatch.setattr(dense, "SHORTLIST_EXTRA", 30)
    for query, filters in QUERIES:
        hits = search(mini_enriched, query, k=10, **filters)
        assert [h["sentence_id"] for h in hits] == [h["sentence_id"] for h in exact[query]]
        assert hits and all(h["context"] and h["url"] for h in hits)


def test_index_is_persisted_beside_the_db_and_reloaded(mini_enriched: Store) -> None:
    folder = compact_index.index_dir(mini_enriched)
    assert folder is not None and folder.parent == mini_enriched.path.parent
    first = search(mini_enriched, "custom AI chips", k=5)
    assert (folder / compact_index.MANIFEST).is_file()
    stamp = (folder / "vec_i8.npy").stat().st_mtime_ns
    dense._CACHE.clear()
    assert search(mini_enriched, "custom AI chips", k=5) == first
    assert (folder / "vec_i8.npy").stat().st_mtime_ns == stamp  # mapped, not rebuilt


def test_stale_index_is_rebuilt_not_served(mini_enriched: Store) -> None:
    hits = search(mini_enriched, "robots in our fulfillment network", k=3)
    gone = hits[0]["sentence_id"]
    folder = compact_index.index_dir(mini_enriched)
    old = json.loads((folder / compact_index.MANIFEST).read_text())
    # What enrich does when sentences change: new rows, a new version stamp.
    mini_enriched.con.execute("DELETE FROM mentions WHERE sentence_id = ?", [gone])
    mini_enriched.con.execute("DELETE FROM sentences WHERE sentence_id = ?", [gone])
    mini_enriched.con.execute("UPDATE enrich_state SET value = 'changed' WHERE key = ?",
                              [dense.VERSION_KEY])
    dense._CACHE.clear()  # as a new process would start
    again = search(mini_enriched, "robots in our fulfillment network", k=3)
    assert gone not in {h["sentence_id"] for h in again}
    new = json.loads((folder / compact_index.MANIFEST).read_text())
    assert new["version"] != old["version"] and new["n"] == old["n"] - 1


@pytest.mark.parametrize("damage", ["truncate", "manifest", "missing"])
def test_damaged_index_is_rebuilt_with_a_log_line(mini_enriched: Store, damage: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    expected = search(mini_enriched, "AWS growth reaccelerated", k=5)
    folder = compact_index.index_dir(mini_enriched)
    target = folder / "vec_i8.npy"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "manifest":
        (folder / compact_index.MANIFEST).write_text("{not json")
    else:
        (folder / "lex_rows.npy").unlink()
    dense._CACHE.clear()
    with caplog.at_level(logging.WARNING, logger="nlp.compact_index"):
        assert search(mini_enriched, "AWS growth reaccelerated", k=5) == expected
    assert any("rebuilding" in r.getMessage() and str(folder) in r.getMessage()
               for r in caplog.records)
    assert compact_index.load(folder, json.loads(
        (folder / compact_index.MANIFEST).read_text())["version"], MODEL).n == len(
        dense_index(mini_enriched))
