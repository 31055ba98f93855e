"""`claimtracker export`: the analysed tables round-trip into DuckDB with the same rows."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from claimtracker.db import Store
from nlp.provenance import MANAGEMENT_SQL
from pipeline.cli import main
from pipeline.export import TABLES

_COUNTS = {
    "companies": "SELECT count(*) FROM companies", "filings": "SELECT count(*) FROM filings",
    "calls": "SELECT count(*) FROM calls", "facts": "SELECT count(*) FROM facts",
    "sentences": "SELECT count(*) FROM sentences", "mentions": "SELECT count(*) FROM mentions",
    "claim_scores": "SELECT count(*) FROM claim_scores",
    "claim_evidence": "SELECT count(*) FROM claim_evidence",
    "alerts": "SELECT count(*) FROM alerts",
}


@pytest.fixture(scope="module")
def alerted_db(tmp_path_factory: pytest.TempPathFactory,
               scored_run: tuple[Path, list[dict[str, Any]]]) -> Path:
    """The scored shared-data DB with its alerts raised (every exported table has rows)."""
    from alerts.engine import raise_alerts

    path = tmp_path_factory.mktemp("export-db") / "claimtracker.duckdb"
    shutil.copy(scored_run[0], path)
    with Store.open(path) as store:
        raise_alerts(store)
    return path


def _db_counts(path: Path) -> dict[str, int]:
    with Store.open(path, read_only=True) as store:
        return {t: store.con.execute(sql).fetchone()[0] for t, sql in _COUNTS.items()}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_every_table_round_trips_with_its_row_count(alerted_db: Path, tmp_path: Path,
                                                    fmt: str) -> None:
    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["export", "--db", str(alerted_db), "--format", fmt,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = _db_counts(alerted_db)
    assert set(expected) == set(TABLES)
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    con = duckdb.connect()
    for table, rows in expected.items():
        assert rows > 0, table
        (n,) = con.execute(f"SELECT count(*) FROM {reader}(?)",
                           [str(out / f"{table}.{fmt}")]).fetchone()
        assert n == rows, table
        assert f"{table} " in result.output
    assert not list(out.glob("*.partial"))


def test_sentences_carry_management_flag_and_source_link(alerted_db: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = CliRunner().invoke(main, ["export", "--db", str(alerted_db), "--tables",
                                       "sentences", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["sentences.parquet"]
    con = duckdb.connect()
    path = str(out / "sentences.parquet")
    by_kind = dict(con.execute(
        "SELECT doc_type, count(*) FILTER (WHERE link LIKE 'https://www.sec.gov/%') "
        "FROM read_parquet(?) GROUP BY 1", [path]).fetchall())
    # Filing sentences link to EDGAR; call sentences to the transcript file that holds them.
    assert by_kind["10-K"] > 0 and by_kind["transcript"] == 0
    (bad,) = con.execute("SELECT count(*) FROM read_parquet(?) WHERE doc_type = 'transcript' "
                         "AND NOT ends_with(link, '.txt')", [path]).fetchone()
    assert bad == 0
    with Store.open(alerted_db, read_only=True) as store:
        (management,) = store.con.execute(
            f"SELECT count(*) FROM sentences s WHERE {MANAGEMENT_SQL}").fetchone()
    (flagged,) = con.execute("SELECT count(*) FROM read_parquet(?) WHERE is_management",
                             [path]).fetchone()
    assert flagged == management > 0


def test_a_second_export_replaces_the_files(alerted_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    args = ["export", "--db", str(alerted_db), "--tables", "companies", "--out", str(out)]
    (out / "companies.parquet").parent.mkdir()
    (out / "companies.parquet").write_text("stale")
    assert CliRunner().invoke(main, args).exit_code == 0
    (n,) = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)",
                                    [str(out / "companies.parquet")]).fetchone()
    assert n == _db_counts(alerted_db)["companies"]


def test_unknown_table_names_the_choices(alerted_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(alerted_db), "--tables",
                                       "facts,sentence", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "unknown table(s) sentence" in result.output and "sentences" in result.output
    assert not (tmp_path / "x").exists()
