"""`claimtracker ingest-transcripts` and `claimtracker calls --format json` through click."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_ingest_then_calls_json(transcripts_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    msft = transcripts_dir / "MSFT"
    code, out = _run("ingest-transcripts", str(msft / "MSFT_1Q26_presentation.txt"),
                     str(msft / "MSFT_1Q26_qna.txt"),
                     str(transcripts_dir / "AMZN" / "AMZN_4Q25.txt"),
                     "--db", db, "--no-progress", "--format", "json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["calls_new"] == 2 and summary["errors"] == []
    assert summary["formats"] == {"sp_split": 1, "merged_columns": 1}

    code, out = _run("calls", "--ticker", "msft", "--quarter", "2026Q1", "--format", "json",
                     "--db", db)
    assert code == 0, out
    calls = json.loads(out)
    assert len(calls) == 1
    call = calls[0]
    # The contract of issue 4, exactly these keys (extra keys allowed).
    assert {"call_id", "ticker", "fiscal_year", "fiscal_quarter", "date", "participants",
            "turns"} <= set(call)
    assert (call["ticker"], call["fiscal_year"], call["fiscal_quarter"], call["date"]) == (
        "MSFT", 2026, 1, "2025-10-29"
    )
    assert all({"name", "role", "affiliation", "title"} <= set(p) for p in call["participants"])
    assert all({"order", "speaker", "role", "section", "text"} <= set(t) for t in call["turns"])
    assert [t["order"] for t in call["turns"]] == list(range(len(call["turns"])))
    amy = next(p for p in call["participants"] if p["name"] == "Amy Hood")
    assert amy == {"name": "Amy Hood", "role": "management",
                   "affiliation": "Microsoft Corporation", "title": "Executive VP & CFO"}
    # MSFT_1Q26_qna.txt: Keith Weiss asks first, Satya Nadella answers.
    qa = [t for t in call["turns"] if t["section"] == "qa" and t["role"] != "operator"]
    assert qa[0]["speaker"] == "Jonathan Neilson" and qa[0]["role"] == "investor_relations"
    assert (qa[1]["speaker"], qa[1]["role"]) == ("Keith Weiss", "analyst")
    assert (qa[2]["speaker"], qa[2]["role"]) == ("Satya Nadella", "management")

    code, out = _run("calls", "--quarter", "2025Q4", "--db", db)
    assert code == 0 and out.startswith("AMZN 2025Q4  2026-02-05")
    code, out = _run("status", "--db", db, "--format", "json")
    quarters = {(c["ticker"], q["quarter"]): len(q["calls"])
                for c in json.loads(out)["companies"] for q in c["quarters"]}
    assert quarters == {("AMZN", "2025Q4"): 1, ("MSFT", "2026Q1"): 1}


def test_ingest_reports_bad_files_with_exit_code(tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts" / "bad"
    code, out = _run("ingest-transcripts", str(bad / "empty.txt"), "--db",
                     str(tmp_path / "t.duckdb"), "--no-progress")
    assert code == 1
    assert "empty.txt: the file is empty" in out


def test_calls_rejects_a_bad_quarter(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    _run("ingest-transcripts", str(tmp_path), "--db", db, "--no-progress")
    result = CliRunner().invoke(main, ["calls", "--quarter", "Q3", "--db", db])
    assert result.exit_code == 2
    assert "not a fiscal quarter" in result.output
