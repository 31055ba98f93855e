"""`claimtracker track` and `claimtracker update`: the cron batch, offline and against EDGAR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from edgar_server import SHARED, EdgarServer

from claimtracker.db import Store
from ingest.edgar.rate_limit import process_limiter
from pipeline.cli import main
from pipeline.update import run_update

REPO = Path(__file__).resolve().parents[2]
AMZN_8K = SHARED / "edgar/sec-edgar-filings/AMZN/8-K/0001018724-23-000006"
NVDA_CALL = [SHARED / "transcripts/NVDA/NVDA_3Q26_presentation.txt",
             SHARED / "transcripts/NVDA/NVDA_3Q26_qna.txt"]


@pytest.fixture
def server() -> Iterator[EdgarServer]:
    with EdgarServer() as srv:
        yield srv


@pytest.fixture
def edgar_env(server: EdgarServer, monkeypatch: pytest.MonkeyPatch) -> EdgarServer:
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CLAIMTRACKER_SEC_IDENTITY", "Claimtracker Tests tests@example.com")
    monkeypatch.setenv("CLAIMTRACKER_EDGAR_BACKOFF", "0.01")
    process_limiter(10)
    return server


def small_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """One Amazon 8-K in sec-edgar-downloader's layout and one NVIDIA call (symlinks)."""
    filing = tmp_path / "edgar" / "sec-edgar-filings" / "AMZN" / "8-K" / AMZN_8K.name
    filing.mkdir(parents=True)
    for f in AMZN_8K.iterdir():
        (filing / f.name).symlink_to(f)
    calls = tmp_path / "calls"
    calls.mkdir()
    for f in NVDA_CALL:
        (calls / f.name).symlink_to(f)
    return tmp_path / "edgar", calls


def test_update_offline_needs_no_identity_and_makes_no_request(server: EdgarServer,
                                                               tmp_path: Path) -> None:
    edgar, calls = small_inputs(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACKER_")}
    env.update(server.env())  # were anything fetched, it would show here
    log_file = tmp_path / "logs" / "update.log"
    proc = subprocess.run(
        [str(REPO / ".venv/bin/claimtracker"), "update", "--from-dir", str(edgar),
         "--transcripts", str(calls), "--skip-enrich", "--skip-score",
         "--db", str(tmp_path / "ct.duckdb"), "--log-file", str(log_file)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("update ok"), proc.stdout
    assert "from-dir" in lines[0] and "transcripts" in lines[0]
    assert server.hits == []
    log = log_file.read_text()
    assert "update started" in log and "update ok" in log
    with Store.open(tmp_path / "ct.duckdb", read_only=True) as store:
        assert store.con.execute("SELECT accession FROM filings").fetchall() == [
            ("0001018724-23-000006",)]
        assert store.con.execute("SELECT count(*) FROM calls").fetchone()[0] == 1
        assert store.con.execute(
            "SELECT kind, status FROM runs WHERE kind = 'update'").fetchall() == [("update", "ok")]


def test_track_resolves_and_update_fetches_only_what_is_new(edgar_env: EdgarServer,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "ct.duckdb"
    runner = CliRunner()
    result = runner.invoke(main, ["track", "AAPL", "--db", str(db), "--cache-dir",
                                  str(tmp_path / "raw"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"ticker": "AAPL", "cik": 320193, "name": "Apple Inc.", "tracked": True}]

    with Store.open(db) as store:
        first = run_update(store, since="2024-06-01", cache_dir=tmp_path / "raw",
                           log_file=tmp_path / "u.log", skip_enrich=True, skip_score=True)
        # Apple's documents since June 2024 are mostly missing from the mirror: recorded.
        assert first.exit_code == 1
        fetch = first.steps[0]
        assert fetch.name == "fetch" and not fetch.ok
        assert store.con.execute(
            "SELECT status FROM fetch_queue WHERE accession = '0000320193-24-000123'"
        ).fetchone() == ("ingested",)
        hits = len(edgar_env.hits)

        second = run_update(store, cache_dir=tmp_path / "raw", log_file=tmp_path / "u.log",
                            skip_enrich=True, skip_score=True)
        assert second.exit_code == 0, second.render()
        assert {h.status for h in edgar_env.hits[hits:]} == {304}  # nothing new, nothing fetched
        runs = store.con.execute(
            "SELECT status FROM runs WHERE kind = 'update' ORDER BY run_id").fetchall()
        assert runs == [("failed",), ("ok",)]

    status = runner.invoke(main, ["status", "--db", str(db), "--format", "json"])
    report = json.loads(status.output)
    assert [c["ticker"] for c in report["companies"] if c["tracked"]] == ["AAPL"]
    updates = [r for r in report["runs"] if r["kind"] == "update"]
    assert [r["status"] for r in updates] == ["ok", "failed"]  # newest first
    assert any("0000320193-24-000081" in e["input"] for r in report["runs"] for e in r["errors"])


def test_update_with_tracked_company_and_no_identity_stops_before_any_request(
    server: EdgarServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CLAIMTRACKER_SEC_IDENTITY", raising=False)
    monkeypatch.setenv("CLAIMTRACKER_CONFIG", str(tmp_path / "empty.toml"))
    (tmp_path / "empty.toml").write_text("")
    db = tmp_path / "ct.duckdb"
    with Store.open(db) as store:
        store.con.execute("INSERT INTO companies (cik, ticker, tracked) VALUES (320193, 'AAPL', "
                          "TRUE)")
    result = CliRunner().invoke(main, ["update", "--db", str(db), "--skip-enrich",
                                       "--skip-score", "--log-file", str(tmp_path / "u.log")])
    assert result.exit_code == 2
    assert "CLAIMTRACKER_SEC_IDENTITY" in result.output
    assert server.hits == []


def test_track_unknown_ticker_is_a_clear_error(edgar_env: EdgarServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["track", "QQQZZ", "--db", str(tmp_path / "ct.duckdb"),
                                       "--cache-dir", str(tmp_path / "raw")])
    assert result.exit_code == 1
    assert "unknown ticker(s) QQQZZ" in result.output


def test_track_accepts_a_cik_and_untrack(edgar_env: EdgarServer, tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "ct.duckdb"), "--cache-dir", str(tmp_path / "raw")]
    result = CliRunner().invoke(main, ["track", "1045810", *db])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "NVDA  CIK 1045810  NVIDIA CORP  [tracked]"
    result = CliRunner().invoke(main, ["track", "--untrack", "NVDA", *db])
    assert result.output.strip().endswith("[not tracked]")
    hits = [h.path for h in edgar_env.hits]
    assert hits == ["/data.sec.gov/submissions/CIK0001045810.json"]  # the DB knew NVDA then


def test_update_when_rate_limited_still_runs_local_steps_and_exits_75(
    edgar_env: EdgarServer, tmp_path: Path
) -> None:
    _, calls = small_inputs(tmp_path)
    edgar_env.add_fault("rate_limit", "submissions")
    with Store.open(tmp_path / "ct.duckdb") as store:
        store.con.execute("INSERT INTO companies (cik, ticker, tracked) VALUES (320193, 'AAPL', "
                          "TRUE)")
        summary = run_update(store, transcripts=[calls], cache_dir=tmp_path / "raw",
                             log_file=tmp_path / "u.log", skip_enrich=True, skip_score=True)
        assert summary.exit_code == 75
        assert [(s.name, s.ok) for s in summary.steps] == [("fetch", False),
                                                            ("transcripts", True),
                                                            ("alerts", True)]
        assert "rate threshold" in (summary.steps[0].error or "")
        assert store.con.execute("SELECT count(*) FROM calls").fetchone() == (1,)
    assert len(edgar_env.hits) == 1
