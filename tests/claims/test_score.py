"""Scoring the seed ledger against the enriched ../shared DB: verdicts, evidence, storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from claims.score import score_claims
from claimtracker.db import Store
from pipeline.cli import main

SEED = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"
CONTRACT_KEYS = ["claim_id", "quarter", "verdict", "score", "attention", "metric", "reason",
                 "evidence"]
EVIDENCE_KEYS = {"text", "speaker", "role", "doc_type", "source", "url"}


def test_trainium_claim_is_supported_in_2025q3_by_the_fully_subscribed_sentences(
        scored: dict[tuple[str, str], dict[str, Any]]) -> None:
    result = scored[("own-chips-deployed", "2025Q3")]
    assert result["verdict"] == "supported" and result["score"] > 0.3
    texts = " ".join(e["text"] for e in result["evidence"])
    assert "fully subscribed" in texts
    assert "multibillion-dollar" in texts
    assert all(e["role"] == "management" or e["doc_type"] != "transcript"
               for e in result["evidence"])


def test_quarters_without_data_are_not_discussed_never_contradicted(
        scored: dict[tuple[str, str], dict[str, Any]]) -> None:
    # ../shared has no Amazon call, release or filing for 2024 Q2 or 2025 Q1.
    for claim_id in ("own-chips-deployed", "capex-burden", "margin-expansion", "manager-cuts"):
        for quarter in ("2024Q2", "2025Q1"):
            result = scored[(claim_id, quarter)]
            assert result["verdict"] == "not_discussed", (claim_id, quarter)
            assert result["score"] == 0.0 and result["evidence"] == []


def test_no_analyst_or_operator_line_is_ever_evidence(
        scored_db_path: tuple[Path, list[dict[str, Any]]]) -> None:
    path, results = scored_db_path
    evidence = [e for r in results for e in r["evidence"]]
    assert evidence and {e["role"] for e in evidence} <= {"management", None}
    with Store.open(path, read_only=True) as store:
        (leaks,) = store.con.execute(
            "SELECT count(*) FROM claim_evidence e JOIN sentences s USING (sentence_id) "
            "WHERE s.role IN ('analyst', 'operator', 'investor_relations', 'unknown')"
        ).fetchone()
        # The analyst's Trainium question of the 3Q25 call exists in the DB but is not used.
        (question,) = store.con.execute(
            "SELECT count(*) FROM sentences WHERE role = 'analyst' AND text LIKE ?",
            ["%demand you're seeing outside of your major customers for Trainium%"]).fetchone()
    assert leaks == 0 and question >= 1


def test_capex_claim_is_judged_against_reported_capex(
        scored: dict[tuple[str, str], dict[str, Any]], scored_db: Store) -> None:
    from claims.metrics import quarterly_series
    from claimtracker.quarters import FiscalQuarter

    capex = quarterly_series(scored_db, "AMZN", "capex")
    cut, raised = scored[("capex-burden", "2023Q2")], scored[("capex-burden", "2024Q1")]
    assert cut["metric"]["name"] == "capex"
    assert cut["metric"]["value"] == capex[FiscalQuarter(2023, 2)].value
    assert cut["metric"]["yoy"] < 0 and cut["verdict"] == "supported"  # capex fell in 2023
    assert raised["metric"]["yoy"] > 0 and raised["verdict"] == "contradicted"
    assert "capex" in cut["reason"] and "YoY" in cut["reason"]


def test_every_claim_gets_a_timeline_and_the_json_contract_holds(
        scored_db_path: tuple[Path, list[dict[str, Any]]]) -> None:
    _, results = scored_db_path
    ids = {r["claim_id"] for r in results}
    assert len(ids) >= 11
    for result in results:
        assert list(result)[:8] == CONTRACT_KEYS
        assert result["verdict"] in ("supported", "mixed", "contradicted", "not_discussed")
        assert -1.0 <= result["score"] <= 1.0
        assert all(set(e) >= EVIDENCE_KEYS for e in result["evidence"])
    quarters = sorted({r["quarter"] for r in results if r["claim_id"] == "capex-burden"})
    assert quarters[0] <= "2016Q1" and quarters[-1] == "2025Q4"


def test_rescoring_is_incremental_and_stored(scored_db: Store) -> None:
    (before,) = scored_db.con.execute("SELECT count(*) FROM claim_scores").fetchone()
    again = score_claims(scored_db, [SEED])
    (run_counts,) = scored_db.con.execute(
        "SELECT counts FROM runs WHERE kind = 'score' ORDER BY run_id DESC LIMIT 1").fetchone()
    counts = json.loads(run_counts)
    assert counts.get("scored", 0) == 0 and counts["unchanged"] == len(again) == before
    # New management language in one quarter: only that quarter's verdicts are recomputed.
    scored_db.con.execute(
        "UPDATE sentences SET text_hash = 'changed' WHERE sentence_id = (SELECT sentence_id "
        "FROM sentences WHERE ticker = 'AMZN' AND fiscal_year = 2025 AND fiscal_quarter = 3 "
        "AND role = 'management' LIMIT 1)")
    score_claims(scored_db, [SEED])
    (run_counts,) = scored_db.con.execute(
        "SELECT counts FROM runs WHERE kind = 'score' ORDER BY run_id DESC LIMIT 1").fetchone()
    counts = json.loads(run_counts)
    claims = len({r["claim_id"] for r in again})
    assert counts["scored"] == claims and counts["unchanged"] == before - claims


def test_score_command_prints_the_json_objects(
        scored_db_path: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "cli.duckdb"
    shutil.copy(scored_db_path[0], db)
    out = CliRunner().invoke(main, ["score", "--db", str(db), "--claims", str(SEED),
                                    "--no-progress", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    row = next(r for r in rows if (r["claim_id"], r["quarter"]) == ("own-chips-deployed",
                                                                      "2025Q3"))
    assert row["verdict"] == "supported"
    text = CliRunner().invoke(main, ["score", "--db", str(db), "--no-progress"])
    assert "own-chips-deployed" in text.output and "legend" in text.output
