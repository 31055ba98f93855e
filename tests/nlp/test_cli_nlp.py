"""The `tag`, `search` and `enrich` commands: contracts of their output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

pytestmark = pytest.mark.slow


def test_tag_jsonl_contract() -> None:
    lines = "It's fully subscribed on Trainium2.\nI saw a robin in the garden.\n\n"
    result = CliRunner().invoke(main, ["tag", "--format", "jsonl"], input=lines)
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 3
    first = objects[0]
    assert set(first) == {"text", "topics", "mentions"}
    assert first["text"] == "It's fully subscribed on Trainium2."
    assert {"trainium", "custom_silicon", "demand"} <= set(first["topics"])
    trainium = next(m for m in first["mentions"] if m["topic"] == "trainium")
    assert set(trainium) == {"topic", "text", "start", "end", "method"}
    assert (trainium["text"], trainium["method"]) == ("Trainium2", "ruler")
    assert first["text"][trainium["start"]:trainium["end"]] == "Trainium2"
    assert objects[1]["topics"] == [] and objects[2]["text"] == ""


def test_search_json_contract(enriched_db_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "search", "removing layers of managers", "--ticker", "AMZN", "--role", "management",
        "--k", "3", "--format", "json", "--db", str(enriched_db_path)])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    keys = {"sentence_id", "text", "context", "ticker", "fiscal_year", "fiscal_quarter",
            "doc_type", "speaker", "role", "source", "url", "score"}
    assert all(keys <= set(h) and h["role"] == "management" for h in hits)
    assert any("layers" in h["text"] for h in hits)


def test_search_bad_quarter_exits_2(enriched_db_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "AWS", "--quarter", "2025-3",
                                       "--db", str(enriched_db_path)])
    assert result.exit_code == 2
    assert "2025Q3" in result.output


def test_enrich_rerun_reports_nothing_to_do(mini_enriched_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "mini.duckdb"
    copy.write_bytes(mini_enriched_path.read_bytes())
    result = CliRunner().invoke(main, ["enrich", "--format", "json", "--no-progress",
                                       "--db", str(copy)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"].get("embedded", 0) == 0
    assert summary["totals"]["sentences"] > 300
