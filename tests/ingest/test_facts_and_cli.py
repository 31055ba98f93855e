"""`facts_for` / `claimtracker facts`, `claimtracker ingest --from-dir` and `status` JSON.

Expected numbers were read from the filings themselves (quoted next to each).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtracker.cli import main
from claimtracker.db import Store
from claimtracker.errors import InputError
from ingest.facts_query import FACT_KEYS, facts_for, render_facts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def filings_db(shared_db_path: Path):
    store = Store.open(shared_db_path, read_only=True)
    yield store
    store.close()


def _one(rows: list[dict], **where) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, found
    return found[0]


def test_amazon_capex_quarter_and_year(filings_db: Store) -> None:
    rows = facts_for(filings_db, "AMZN", metric="capex")
    # 10-Q Q1 2024 cash-flow statement: "Purchases of property and equipment (14,925)" (millions)
    q1 = _one(rows, fiscal_year=2024, fiscal_quarter=1)
    assert q1["value"] == 14_925_000_000
    assert q1["concept"] == "us-gaap:PaymentsToAcquireProductiveAssets"
    assert (q1["period_start"], q1["period_end"]) == (date(2024, 1, 1), date(2024, 3, 31))
    assert q1["accession"] == "0001018724-24-000083" and q1["source"] == "inline_xbrl"
    # 10-K FY2024 cash-flow statement: "Purchases of property and equipment (82,999)"
    fy = _one(rows, fiscal_year=2024, fiscal_quarter=None)
    assert fy["value"] == 82_999_000_000 and fy["period_start"] == date(2024, 1, 1)
    # Trailing-twelve-month columns of the 10-Q are not mistaken for a fiscal year.
    assert not [r for r in rows
                if r["period_end"] == date(2024, 3, 31) and r["fiscal_quarter"] is None]


def test_amazon_employees_and_release_numbers(filings_db: Store) -> None:
    employees = facts_for(filings_db, "AMZN", metric="employees")
    # 10-K FY2024, Item 1: "we employed approximately 1,556,000 full-time and part-time employees"
    fy2024 = _one(employees, fiscal_year=2024)
    assert fy2024["value"] == 1_556_000 and fy2024["period_end"] == date(2024, 12, 31)
    op = facts_for(filings_db, "AMZN", metric="operating_income")
    # 8-K of 2024-10-31, EX-99.1: "Operating income increased to $17.4 billion in the third quarter"
    q3 = _one(op, fiscal_year=2024, fiscal_quarter=3, source="release_text")
    assert q3["value"] == 17_400_000_000 and q3["accession"] == "0001018724-24-000158"
    assert (q3["period_start"], q3["period_end"]) == (date(2024, 7, 1), date(2024, 9, 30))
    sales = _one(facts_for(filings_db, "AMZN", metric="revenue"), fiscal_year=2024,
                 fiscal_quarter=3, source="release_text")
    assert sales["value"] == 158_900_000_000  # "Net sales increased 11% to $158.9 billion"


def test_fact_rows_keep_the_contract(filings_db: Store) -> None:
    for ticker in ("AMZN", "NVDA", "AAPL", "GOOG", "META"):
        rows = facts_for(filings_db, ticker)
        assert rows, ticker
        for row in rows:
            assert tuple(row)[: len(FACT_KEYS)] == FACT_KEYS
            if row["fiscal_quarter"] is not None and row["period_start"] is not None:
                assert 1 <= row["fiscal_quarter"] <= 4
                assert 88 <= (row["period_end"] - row["period_start"]).days <= 98  # three months
            elif row["period_start"] is not None:
                assert 360 <= (row["period_end"] - row["period_start"]).days <= 371  # a year
    # NVIDIA's year ends in late January: its Q2 FY2024 ran 2023-05-01 .. 2023-07-30.
    nvda_q2 = _one(facts_for(filings_db, "NVDA", metric="revenue"), fiscal_year=2024,
                   fiscal_quarter=2)
    assert nvda_q2["period_end"] == date(2023, 7, 30) and nvda_q2["value"] == 13_507_000_000
    assert "2024Q1" in render_facts(facts_for(filings_db, "AMZN", metric="capex"))
    with pytest.raises(InputError, match="ZZZZ"):
        facts_for(filings_db, "ZZZZ")


def _small_folder(tmp_path: Path) -> Path:
    root = tmp_path / "edgar"
    shutil.copytree(FIXTURES / "TINY", root / "sec-edgar-filings" / "TINY")
    return root


def test_cli_ingest_status_facts(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.duckdb")
    root = _small_folder(tmp_path)
    result = runner.invoke(main, ["ingest", "--from-dir", str(root), "--db", db, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "1 filings parsed" in result.output and "0000000001-24-000001" in result.output
    again = runner.invoke(main, ["ingest", "--from-dir", str(root), "--db", db, "--no-progress",
                                 "--format", "json"])
    assert json.loads(again.output)["unchanged"] == 1
    status = json.loads(runner.invoke(main, ["status", "--db", db, "--format", "json"]).output)
    (company,) = status["companies"]
    assert (company["ticker"], company["cik"], company["name"]) == ("TINY", 1, "TINY CORP")
    (quarter,) = company["quarters"]
    assert (quarter["fiscal_year"], quarter["fiscal_quarter"]) == (2024, 3)
    assert quarter["filings"][0]["form"] == "8-K"
    assert status["totals"]["filings"] == 1
    facts = json.loads(runner.invoke(main, ["facts", "--ticker", "TINY", "--metric", "revenue",
                                            "--db", db, "--format", "json"]).output)
    assert [(f["fiscal_year"], f["fiscal_quarter"], f["value"], f["source"]) for f in facts] == [
        (2024, 3, 1_200_000_000, "release_text")]
    assert list(facts[0])[: len(FACT_KEYS)] == list(FACT_KEYS)


def test_cli_bad_path_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--from-dir", str(tmp_path / "missing"),
                                       "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "does not exist" in result.output
    root = _small_folder(tmp_path)
    shutil.copy(FIXTURES / "bad" / "plain.html", root / "plain.html")
    failed = CliRunner().invoke(main, ["ingest", "--from-dir", str(root), "--db",
                                       str(tmp_path / "y.duckdb"), "--no-progress"])
    assert failed.exit_code == 1 and "plain.html" in failed.output


def test_quarters_derived_from_year_to_date(filings_db: Store) -> None:
    rows = facts_for(filings_db, "GOOG", metric="capex")
    q3 = _one(rows, fiscal_year=2023, fiscal_quarter=3)
    # Alphabet reports capex year-to-date only; its 10-Q MD&A states the quarter in words:
    # "Capital expenditures ... were $8.1 billion for the three months ended September 30, 2023"
    assert q3["derived"] and round(q3["value"] / 1e8) == 81
    assert (q3["period_start"], q3["period_end"]) == (date(2023, 7, 1), date(2023, 9, 30))
    assert "minus 6 months" in q3["evidence"]
    q4 = _one(rows, fiscal_year=2023, fiscal_quarter=4)
    fy = _one(rows, fiscal_year=2023, fiscal_quarter=None)
    nine_months = fy["value"] - q4["value"]
    # Q3 10-Q cash-flow statement, nine months: "Purchases of property and equipment (21,232)"
    assert q4["derived"] and nine_months == pytest.approx(21_232_000_000)
    # A stated three-month value is never replaced by a derived one.
    amzn_q1 = _one(facts_for(filings_db, "AMZN", metric="capex"), fiscal_year=2024,
                   fiscal_quarter=1)
    assert not amzn_q1["derived"]
