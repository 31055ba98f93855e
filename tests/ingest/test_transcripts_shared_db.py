"""The session DB built from ../shared (filings + transcripts), as the rest of the suite sees it."""

from __future__ import annotations

import pytest

from claimtracker.db import Store
from claimtracker.status import status_report
from ingest.transcripts import calls_for

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


def test_status_counts_calls_per_company_and_quarter(shared_db: Store) -> None:
    report = status_report(shared_db)
    amzn = next(c for c in report["companies"] if c["ticker"] == "AMZN")
    with_calls = {q["quarter"]: len(q["calls"]) for q in amzn["quarters"] if q["calls"]}
    assert len(with_calls) == 22 and set(with_calls.values()) == {1}
    q2_2020 = next(q for q in amzn["quarters"] if q["quarter"] == "2020Q2")
    assert [f["form"] for f in q2_2020["filings"]] == ["8-K"] and len(q2_2020["calls"]) == 1
    assert report["totals"]["calls"] == 26
