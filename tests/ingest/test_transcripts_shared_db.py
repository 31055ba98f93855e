"""The session DB built from ../shared (filings + transcripts), as the rest of the suite sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.db import Store
from claimtracker.tickers import canonical_ticker
from ingest.transcripts import calls_for
from pipeline.status import status_report

pytestmark = pytest.mark.slow


def test_amzn_3q25_is_one_call_in_the_shared_db(shared_db: Store) -> None:
    calls = calls_for(shared_db, ticker="AMZN", quarter="2025Q3")
    assert len(calls) == 1
    assert len(calls[0]["source_files"]) == 3


def test_calls_link_to_the_earnings_release_of_their_quarter(shared_db: Store) -> None:
    # 2020-Jul-30-AMZN.txt ('Q2 2020') and the 8-K filed the same day with the Q2 2020 release.
    call, = calls_for(shared_db, ticker="AMZN", quarter="2020Q2")
    assert call["cik"] == 1018724
    assert call["filings"] == [{"accession": "0001018724-20-000019", "form": "8-K"}]
    # No call of 2015-2019 has a filing of its quarter in ../shared: none is linked.
    assert all(c["filings"] == [] for c in calls_for(shared_db, ticker="AMZN")
               if c["fiscal_year"] < 2020)


def test_status_counts_calls_per_company_and_quarter(shared_db: Store, pinned_calls: dict) -> None:
    report = status_report(shared_db)
    amzn = next(c for c in report["companies"] if c["ticker"] == "AMZN")
    with_calls = {q["quarter"]: len(q["calls"]) for q in amzn["quarters"] if q["calls"]}
    # Each AMZN call is one quarter of its own (file names: one per dated file or 'AMZN_nQyy').
    assert len(with_calls) == sum(folder == "AMZN" for folder, _ in pinned_calls)
    assert set(with_calls.values()) == {1}
    q2_2020 = next(q for q in amzn["quarters"] if q["quarter"] == "2020Q2")
    assert [f["form"] for f in q2_2020["filings"]] == ["8-K"] and len(q2_2020["calls"]) == 1
    assert report["totals"]["calls"] == len(pinned_calls)


def test_googl_and_goog_calls_are_one_company_timeline(shared_db: Store) -> None:
    """GOOGL/2019-Apr-29-GOOGL.txt (StreetEvents) and GOOG/GOOG_3Q25.txt (2025) are both
    Alphabet, CIK 1652044: one ticker, one CIK, one timeline with Alphabet's filings."""
    cik = shared_db.con.execute(
        "SELECT cik FROM companies WHERE ticker IN ('GOOG', 'GOOGL')").fetchall()
    assert cik == [(1652044,)]  # the filings in ../shared name Alphabet once
    wanted = {"2019-Apr-29-GOOGL.txt", "GOOG_3Q25.txt"}
    rows = {(ticker, cik) for ticker, cik, files in shared_db.con.execute(
        "SELECT ticker, cik, source_files FROM calls").fetchall()
        if wanted & {Path(f).name for f in files}}
    canonical = canonical_ticker(shared_db.con, "GOOGL")
    assert canonical == canonical_ticker(shared_db.con, "GOOG") == "GOOG"  # companies' ticker
    assert rows == {(canonical, 1652044)}
    report = status_report(shared_db)
    alphabet = [c for c in report["companies"] if c["cik"] == 1652044]
    assert [c["ticker"] for c in alphabet] == ["GOOG"]
    quarters = {q["quarter"]: q for q in alphabet[0]["quarters"]}
    assert len(quarters["2019Q1"]["calls"]) == len(quarters["2025Q3"]["calls"]) == 1
    assert any(q["filings"] for q in quarters.values())  # the 10-Qs/10-K of 2023
    # Asking for either ticker finds both calls.
    for ticker in ("GOOG", "GOOGL", "googl"):
        found = {(c["fiscal_year"], c["fiscal_quarter"]) for c in calls_for(shared_db,
                                                                             ticker=ticker)}
        assert {(2019, 1), (2025, 3)} <= found
