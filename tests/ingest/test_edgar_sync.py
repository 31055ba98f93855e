"""`ingest --ticker` against a loopback EDGAR serving ../shared/edgar/mirror (Apple, NVIDIA)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from edgar_server import FIXTURE_MIRROR, MIRROR, EdgarServer

from claimtracker.db import Store
from claimtracker.errors import ConfigError, NotFoundError, RateLimitedError
from ingest.edgar.rate_limit import process_limiter
from ingest.edgar.sync import ingest_tickers

AAPL_10Q = "0000320193-23-000077"  # aapl-20230701.htm, in the mirror
NVDA_10Q = "0001045810-23-000175"  # nvda-20230730.htm, in the mirror
AAPL_DOC = MIRROR / "www.sec.gov/Archives/edgar/data/320193/000032019323000077/aapl-20230701.htm"
NVDA_DOC = MIRROR / "www.sec.gov/Archives/edgar/data/1045810/000104581023000175/nvda-20230730.htm"
AUGUST_2023 = {"forms": ["10-Q", "10-K"], "since": "2023-08-01", "until": "2023-08-31"}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[EdgarServer]:
    with EdgarServer() as srv:
        for key, value in srv.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("CLAIMTRACKER_SEC_IDENTITY", "Claimtracker Tests tests@example.com")
        monkeypatch.setenv("CLAIMTRACKER_EDGAR_BACKOFF", "0.01")
        monkeypatch.setenv("CLAIMTRACKER_EDGAR_RETRIES", "2")
        monkeypatch.setenv("CLAIMTRACKER_EDGAR_TIMEOUT", "2")
        monkeypatch.delenv("CLAIMTRACKER_MAX_RPS", raising=False)
        process_limiter(10)
        yield srv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "edgar.duckdb") as st:
        yield st


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Table contents without timestamps (what a rerun must leave unchanged)."""
    queries = {
        "companies": "SELECT cik, ticker, name, fiscal_year_end, tracked FROM companies",
        "filings": "SELECT accession, cik, form, filed_date, period_end, fiscal_year, "
                   "fiscal_quarter, status, url FROM filings",
        "documents": "SELECT document_id, sha256, truncated FROM documents",
        "sections": "SELECT section_id, md5(text) FROM sections",
        "facts": "SELECT fact_id, value, source, derived FROM facts",
        "fetch_queue": "SELECT accession, status, failure, attempts, error, local_path "
                       "FROM fetch_queue",
    }
    return {name: sorted(store.con.execute(sql).fetchall()) for name, sql in queries.items()}


def test_date_range_is_downloaded_in_sec_edgar_downloader_layout_and_stored(
    server: EdgarServer, store: Store, tmp_path: Path
) -> None:
    cache = tmp_path / "raw"
    summary = ingest_tickers(store, ["AAPL", "nvda"], cache_dir=cache, progress=False,
                             **AUGUST_2023)

    assert summary.exit_code == 0, summary.render()
    assert summary.counts["downloaded"] == 2 and summary.counts["ingested"] == 2
    saved = cache / "sec-edgar-filings/AAPL/10-Q" / AAPL_10Q / "primary-document.html"
    assert saved.read_bytes() == AAPL_DOC.read_bytes()
    saved = cache / "sec-edgar-filings/NVDA/10-Q" / NVDA_10Q / "primary-document.html"
    assert saved.read_bytes() == NVDA_DOC.read_bytes()
    # Only what was asked for: no 8-K, no page of older filings, no other document.
    assert sorted(server.paths()) == sorted([
        "/www.sec.gov/files/company_tickers.json",
        "/data.sec.gov/submissions/CIK0000320193.json",
        "/data.sec.gov/submissions/CIK0001045810.json",
        "/www.sec.gov/Archives/edgar/data/320193/000032019323000077/aapl-20230701.htm",
        "/www.sec.gov/Archives/edgar/data/1045810/000104581023000175/nvda-20230730.htm",
        "/data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json",
        "/data.sec.gov/api/xbrl/companyfacts/CIK0001045810.json",
    ])
    assert {h.user_agent for h in server.hits} == {"Claimtracker Tests tests@example.com"}

    filings = store.con.execute(
        "SELECT accession, cik, form, status, fiscal_year, fiscal_quarter, filed_date::VARCHAR "
        "FROM filings ORDER BY accession"
    ).fetchall()
    assert filings == [
        (AAPL_10Q, 320193, "10-Q", "ok", 2023, 3, "2023-08-04"),
        (NVDA_10Q, 1045810, "10-Q", "ok", 2024, 2, "2023-08-28"),
    ]
    assert store.con.execute(
        "SELECT ticker, name, fiscal_year_end FROM companies ORDER BY cik"
    ).fetchall() == [("AAPL", "Apple Inc.", "0926"), ("NVDA", "NVIDIA CORP", "0131")]
    assert {r[0] for r in store.con.execute("SELECT status FROM fetch_queue").fetchall()} == {
        "ingested"}
    runs = store.con.execute("SELECT status FROM runs WHERE kind = 'ingest-edgar'").fetchall()
    assert runs == [("ok",)]


def test_companyfacts_fill_quarters_and_derive_ytd(server: EdgarServer, store: Store,
                                                   tmp_path: Path) -> None:
    ingest_tickers(store, ["AAPL"], cache_dir=tmp_path / "raw", progress=False, **AUGUST_2023)

    def fact(metric: str, year: int, quarter: int) -> tuple:
        return store.con.execute(
            "SELECT value, derived, period_start::VARCHAR, period_end::VARCHAR FROM facts "
            "WHERE source = 'companyfacts' AND cik = 320193 AND metric = ? "
            "AND fiscal_year = ? AND fiscal_quarter = ? AND duration_months = 3",
            [metric, year, quarter],
        ).fetchall()

    # Apple FY2024 Q4 (Jul-Sep 2024): never tagged as a quarter, so FY - 9M.
    assert fact("revenue", 2024, 4) == [(94_930_000_000.0, True, "2024-06-30", "2024-09-28")]
    # Capex is cash flow: year-to-date only, so Q2 = 6M - 3M etc.
    assert fact("capex", 2024, 2) == [(4_388_000_000.0 - 2_392_000_000.0, True, "2023-12-31",
                                       "2024-03-30")]
    # A quarter Apple did tag is kept as reported.
    assert fact("revenue", 2024, 1) == [(119_575_000_000.0, False, "2023-10-01",
                                         "2023-12-30")]
    duplicates = store.con.execute(
        "SELECT metric, period_start, period_end, count(*) FROM facts WHERE source = "
        "'companyfacts' GROUP BY ALL HAVING count(*) > 1"
    ).fetchall()
    assert duplicates == []


def test_rerun_finds_nothing_new_and_changes_nothing(server: EdgarServer, store: Store,
                                                     tmp_path: Path) -> None:
    cache = tmp_path / "raw"
    ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=cache, progress=False, **AUGUST_2023)
    before, first_hits = snapshot(store), len(server.hits)

    again = ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=cache, progress=False,
                           **AUGUST_2023)

    assert again.exit_code == 0
    assert again.counts.get("queued") == 0 and "downloaded" not in again.counts
    assert "ingested" not in again.counts
    second = server.hits[first_hits:]
    # Tickers are known now; the JSON documents are revalidated (304), no filing is refetched.
    assert {h.status for h in second} == {304}
    assert not any("/Archives/" in h.path for h in second)
    assert snapshot(store) == before


def test_unknown_ticker_is_a_clear_error(server: EdgarServer, store: Store,
                                         tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"unknown ticker.*ZZZQX"):
        ingest_tickers(store, ["AAPL", "ZZZQX"], cache_dir=tmp_path, progress=False)
    assert server.paths() == ["/www.sec.gov/files/company_tickers.json"]


def test_unknown_cik_is_a_clear_error(server: EdgarServer, store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no company with CIK 999999999"):
        ingest_tickers(store, ["999999999"], cache_dir=tmp_path, progress=False)


def test_missing_identity_stops_before_any_request(server: EdgarServer, store: Store,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRACKER_SEC_IDENTITY")
    monkeypatch.setenv("CLAIMTRACKER_CONFIG", str(tmp_path / "empty.toml"))
    (tmp_path / "empty.toml").write_text("")
    with pytest.raises(ConfigError, match="CLAIMTRACKER_SEC_IDENTITY"):
        ingest_tickers(store, ["AAPL"], cache_dir=tmp_path, progress=False)
    assert server.hits == []
    assert store.con.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_older_submissions_page_is_followed_when_since_reaches_back(
    server: EdgarServer, store: Store, tmp_path: Path
) -> None:
    summary = ingest_tickers(store, ["AAPL"], forms=["10-K"], since="2011-01-01",
                             until="2012-12-31", cache_dir=tmp_path, progress=False)
    assert "/data.sec.gov/submissions/CIK0000320193-submissions-001.json" in server.paths()
    queued = store.con.execute("SELECT accession FROM fetch_queue ORDER BY 1").fetchall()
    assert queued == [("0001193125-11-282113",), ("0001193125-12-444068",)]
    # Their documents are not in the mirror: recorded failed with the reason, never retried.
    assert summary.exit_code == 1
    assert {f["accession"] for f in summary.failed} == {a for (a,) in queued}
    assert all("404" in f["error"] for f in summary.failed)


def test_missing_documents_fail_with_reason_others_carry_on_within_rate_limit(
    server: EdgarServer, store: Store, tmp_path: Path
) -> None:
    summary = ingest_tickers(store, ["AAPL", "NVDA"], since="2019-01-01", until="2025-06-30",
                             cache_dir=tmp_path / "raw", progress=False)

    assert len(server.hits) >= 100
    assert server.max_in_window(1.0) <= 10
    rows = dict(store.con.execute("SELECT accession, status FROM fetch_queue").fetchall())
    present = {AAPL_10Q, NVDA_10Q, "0000320193-24-000123", "0001045810-24-000029"}
    assert {a for a, s in rows.items() if s == "ingested"} == present
    failed = store.con.execute(
        "SELECT accession, failure, error FROM fetch_queue WHERE status = 'failed'"
    ).fetchall()
    assert len(failed) == len(rows) - 4 > 80
    assert all(f == "not_found" and "(404)" in e and "Archives/edgar/data" in e
               for _, f, e in failed)
    # 8-Ks are whole submissions (<accession>.txt); only those with Item 2.02 were queued.
    eight_k = store.con.execute("SELECT url, items FROM fetch_queue WHERE form = '8-K'").fetchall()
    assert eight_k and all(u.endswith(".txt") and "2.02" in i for u, i in eight_k)
    assert "0001193125-19-292676" not in rows  # Apple's Item 8.01 8-K of 2019-11-15
    assert summary.exit_code == 1 and len(summary.failed) == len(failed)
    # NVIDIA's older page is not in the mirror: an error, but the recent page was used.
    assert [e["input"] for e in summary.errors] == ["NVDA submissions"]
    assert "CIK0001045810-submissions-001.json" in summary.errors[0]["error"]
    run = store.con.execute(
        "SELECT status, errors FROM runs WHERE kind = 'ingest-edgar'").fetchone()
    assert run[0] == "failed" and len(json.loads(run[1])) == len(failed) + 1

    hits = len(server.hits)
    rerun = ingest_tickers(store, ["AAPL", "NVDA"], since="2019-01-01", until="2025-06-30",
                           cache_dir=tmp_path / "raw", progress=False)
    assert not rerun.failed and not any("/Archives/" in p for p in server.paths()[hits:])


@pytest.mark.parametrize(("fault", "reason"), [("drop", "connection failed"),
                                               ("truncate", "truncated body"),
                                               ("503", "HTTP 503")])
def test_transient_document_failure_is_recorded_then_resumed(
    server: EdgarServer, store: Store, tmp_path: Path, fault: str, reason: str
) -> None:
    server.add_fault(fault, "nvda-20230730.htm", times=3)  # first try + 2 retries
    first = ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=tmp_path, progress=False,
                           **AUGUST_2023)
    assert [f["accession"] for f in first.failed] == [NVDA_10Q]
    assert reason in first.failed[0]["error"]
    assert not (tmp_path / "sec-edgar-filings/NVDA/10-Q" / NVDA_10Q).exists()
    assert store.con.execute(
        "SELECT status, failure FROM fetch_queue WHERE accession = ?", [NVDA_10Q]
    ).fetchone() == ("failed", "transient")
    assert store.con.execute("SELECT count(*) FROM filings").fetchone() == (1,)

    second = ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=tmp_path, progress=False,
                            **AUGUST_2023)
    assert second.exit_code == 0 and second.counts["downloaded"] == 1
    assert store.con.execute("SELECT count(*) FROM filings WHERE status = 'ok'").fetchone() == (2,)


def test_truncated_document_is_retried_and_never_stored_cut(server: EdgarServer, store: Store,
                                                            tmp_path: Path) -> None:
    server.add_fault("truncate", "aapl-20230701.htm", times=1)
    summary = ingest_tickers(store, ["AAPL"], cache_dir=tmp_path, progress=False, **AUGUST_2023)
    assert summary.exit_code == 0
    saved = tmp_path / "sec-edgar-filings/AAPL/10-Q" / AAPL_10Q / "primary-document.html"
    assert saved.read_bytes() == AAPL_DOC.read_bytes()
    assert server.paths().count(
        "/www.sec.gov/Archives/edgar/data/320193/000032019323000077/aapl-20230701.htm") == 2


def test_rate_limit_page_stops_the_run_and_keeps_work_done(server: EdgarServer, store: Store,
                                                           tmp_path: Path) -> None:
    server.add_fault("rate_limit", "nvda-20230730.htm")
    with pytest.raises(RateLimitedError):
        ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=tmp_path, progress=False,
                       **AUGUST_2023)
    assert server.paths()[-1].endswith("nvda-20230730.htm")  # nothing after the block page
    assert store.con.execute(
        "SELECT accession, status FROM fetch_queue ORDER BY 1"
    ).fetchall() == [(AAPL_10Q, "downloaded"), (NVDA_10Q, "pending")]
    assert store.con.execute(
        "SELECT status FROM runs WHERE kind = 'ingest-edgar'").fetchone() == ("failed",)
    # A run started within the 10-minute block does not ask EDGAR at all.
    hits = len(server.hits)
    with pytest.raises(RateLimitedError, match="not asking again before"):
        ingest_tickers(store, ["AAPL", "NVDA"], cache_dir=tmp_path, progress=False,
                       **AUGUST_2023)
    assert len(server.hits) == hits


def test_results_8k_is_fetched_whole_and_its_press_release_stored(
    monkeypatch: pytest.MonkeyPatch, store: Store, tmp_path: Path
) -> None:
    with EdgarServer(roots=(MIRROR, FIXTURE_MIRROR)) as srv:
        for key, value in srv.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("CLAIMTRACKER_SEC_IDENTITY", "Claimtracker Tests tests@example.com")
        summary = ingest_tickers(store, ["AMZN"], since="2024-10-01", until="2024-11-30",
                                 cache_dir=tmp_path, progress=False)
        assert summary.exit_code == 0, summary.render()
        assert "/www.sec.gov/Archives/edgar/data/1018724/000101872424000158/" \
               "0001018724-24-000158.txt" in srv.paths()
    saved = tmp_path / "sec-edgar-filings/AMZN/8-K/0001018724-24-000158/full-submission.txt"
    whole = MIRROR / "www.sec.gov/Archives/edgar/data/1018724/000101872424000158"
    assert saved.read_bytes() == (whole / "0001018724-24-000158.txt").read_bytes()
    assert store.con.execute(
        "SELECT form, status, items, filed_date::VARCHAR FROM filings"
    ).fetchall() == [("8-K", "ok", ["2.02", "9.01"], "2024-10-31")]
    types = {t for (t,) in store.con.execute("SELECT type FROM documents").fetchall()}
    assert {"8-K", "EX-99.1"} <= types
