"""One company = one CIK: canonical tickers from the companies table and EDGAR's ticker list."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimtracker import tickers
from claimtracker.db import Store
from claimtracker.tickers import canonical_ticker, cik_of, same_company_tickers, tickers_of_cik


@pytest.fixture(scope="module")
def mirror_list(shared_dir: Path) -> Path:
    return shared_dir / "edgar" / "mirror" / "www.sec.gov" / "files" / "company_tickers.json"


def _listed(path: Path) -> dict[int, list[str]]:
    """CIK -> tickers in file order, read directly (independent of the module)."""
    out: dict[int, list[str]] = {}
    for row in json.loads(path.read_text(encoding="utf-8")).values():
        out.setdefault(int(row["cik_str"]), []).append(row["ticker"])
    return out


def test_without_a_db_the_first_listed_ticker_is_canonical(mirror_list: Path) -> None:
    listed = _listed(mirror_list)
    alphabet = next(cik for cik, ts in listed.items() if {"GOOG", "GOOGL"} <= set(ts))
    first = listed[alphabet][0]
    paths = [mirror_list]
    assert canonical_ticker(None, "GOOG", paths=paths) == first
    assert canonical_ticker(None, "googl", paths=paths) == first
    assert cik_of(None, "GOOG", paths=paths) == cik_of(None, "GOOGL", paths=paths) == alphabet
    assert tickers_of_cik(None, alphabet, paths=paths)[0] == first
    assert set(same_company_tickers(None, "GOOG", paths=paths)) >= {"GOOG", "GOOGL"}
    # The default list includes the mirror beside the repository.
    assert mirror_list.resolve() in [p.resolve() for p in tickers.LISTING_FILES if p.exists()]
    assert canonical_ticker(None, "GOOG") == first


def test_the_companies_table_names_the_company(mirror_list: Path) -> None:
    with Store.open(None) as store:
        store.con.execute("INSERT INTO companies (cik, ticker, name) "
                          "VALUES (1652044, 'GOOG', 'Alphabet Inc.')")
        for ticker in ("GOOG", "GOOGL", " googl "):
            assert canonical_ticker(store.con, ticker, paths=[mirror_list]) == "GOOG"
        assert tickers_of_cik(store.con, 1652044, paths=[mirror_list])[0] == "GOOG"
        assert "GOOGL" in tickers_of_cik(store.con, 1652044, paths=[mirror_list])


def test_unknown_tickers_come_back_upper_cased(tmp_path: Path, mirror_list: Path) -> None:
    assert canonical_ticker(None, "zzzz9", paths=[mirror_list]) == "ZZZZ9"
    assert cik_of(None, "ZZZZ9", paths=[mirror_list]) is None
    assert same_company_tickers(None, "zzzz9", paths=[mirror_list]) == ["ZZZZ9"]
    # No list at all (a fresh machine without ../shared): still usable.
    assert canonical_ticker(None, "goog", paths=[tmp_path / "missing.json"]) == "GOOG"


def test_the_list_is_parsed_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "company_tickers.json"
    path.write_text(json.dumps({"0": {"cik_str": 7, "ticker": "AAA", "title": "A"},
                                "1": {"cik_str": 7, "ticker": "AAB", "title": "A"}}))
    first = tickers.listing([path])
    assert tickers.listing([path]) is first  # cached: no re-parse per call
    assert canonical_ticker(None, "aab", paths=[path]) == "AAA"
    path.write_text(json.dumps({"0": {"cik_str": 7, "ticker": "AAB", "title": "A"},
                                "1": {"cik_str": 7, "ticker": "AAA", "title": "A"}}))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert canonical_ticker(None, "aaa", paths=[path]) == "AAB"


def test_calls_move_to_the_companies_ticker_when_it_arrives(transcripts_dir: Path) -> None:
    """Transcripts ingested before any filing take EDGAR's first ticker (GOOGL); once the
    filings name the company GOOG, the next transcript run moves its calls (and sentences)."""
    from ingest.transcripts import calls_for, ingest_transcripts

    files = [transcripts_dir / "GOOG" / "GOOG_3Q25.txt",
             transcripts_dir / "GOOGL" / "2019-Apr-29-GOOGL.txt"]
    with Store.open(None) as store:
        ingest_transcripts(store, files, progress=False)
        before = store.con.execute("SELECT DISTINCT ticker, cik FROM calls").fetchall()
        assert before == [(canonical_ticker(None, "GOOG"), 1652044)]
        call_id = store.con.execute("SELECT min(call_id) FROM calls").fetchone()[0]
        store.con.execute(
            "INSERT INTO sentences (sentence_id, source_kind, source_id, ord, start_char, "
            "end_char, text, text_hash, doc_type, ticker, cik, call_id) "
            "VALUES ('s1', 'turn', 't1', 0, 0, 5, 'Hello', 'h', 'transcript', ?, 1652044, ?)",
            [before[0][0], call_id],
        )
        store.con.execute("INSERT INTO companies (cik, ticker, name) "
                          "VALUES (1652044, 'GOOG', 'Alphabet Inc.')")
        summary = ingest_transcripts(store, files, progress=False)
        assert summary.as_dict()["calls_unchanged"] == 2
        assert store.con.execute("SELECT DISTINCT ticker, cik FROM calls").fetchall() == [
            ("GOOG", 1652044)]
        assert store.con.execute("SELECT ticker FROM sentences").fetchall() == [("GOOG",)]
        assert len(calls_for(store, ticker="GOOGL")) == 2
