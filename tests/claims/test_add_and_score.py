"""One command from an article file to a scored timeline: `claims add --score`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from claims.ledger import load_ledger
from pipeline.cli import main

ARTICLE = """\
AWS is back to fast growth
Published November 3, 2025

Amazon (NASDAQ: AMZN) says AWS growth accelerated in the third quarter as demand for AI
capacity keeps rising. Management keeps adding power capacity and expects capital
expenditures to increase next year.

I think the market still underrates the cloud business.
"""


def test_claims_add_score_goes_from_file_to_timeline(tmp_path: Path,
                                                     enriched_db_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(enriched_db_path, db)
    article = tmp_path / "aws-growth.en.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "aws-growth.yaml"
    result = CliRunner().invoke(main, ["claims", "add", str(article), "--out", str(out),
                                       "--score", "--format", "json", "--db", str(db),
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr  # the summary stays off stdout: JSON parses
    rows = json.loads(result.stdout)
    ledger = load_ledger(out)
    assert {r["claim_id"] for r in rows} == {c.claim_id for c in ledger.claims}
    assert {r["ticker"] for r in rows} == {"AMZN"}
    assert not any("underrates" in c.quote for c in ledger.claims)  # opinion left out
    growth = [r for r in rows if "growth" in r["claim_id"] and r["verdict"] == "supported"]
    assert growth, "AWS growth is supported in some quarter of Amazon's calls"
    assert all(r["evidence"] for r in growth)
