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

from claimtracker.db import Store
from claimtracker.errors import InputError
from ingest.filings.facts_query import FACT_KEYS, facts_for, render_facts
from ingest.filings.local import ingest_dir
from pipeline.cli import main

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
    nvda_revenue = facts_for(filings_db, "NVDA", metric="revenue")
    nvda_q2 = _one(nvda_revenue, fiscal_year=2024, fiscal_quarter=2, source="inline_xbrl")
    assert nvda_q2["period_end"] == date(2023, 7, 30) and nvda_q2["value"] == 13_507_000_000
    # The companyfacts JSON beside the filings reports the same quarter, listed once more.
    same = _one(nvda_revenue, fiscal_year=2024, fiscal_quarter=2, source="companyfacts")
    assert (same["period_end"], same["value"]) == (date(2023, 7, 30), 13_507_000_000)
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
    rows = [r for r in facts_for(filings_db, "GOOG", metric="capex")
            if r["source"] != "companyfacts"]  # the filings' own derivation
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


# -- companyfacts JSON merged by `ingest --from-dir` ----------------------------------------------

COMPANYFACTS = "mirror/data.sec.gov/api/xbrl/companyfacts"
TICKERS = "mirror/www.sec.gov/files/company_tickers.json"


def _linked_folder(tmp_path: Path, edgar_dir: Path, files: list[str]) -> Path:
    """A folder holding `files` of ../shared/edgar (symlinked, same relative paths)."""
    root = tmp_path / "edgar"
    for rel in files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(edgar_dir / rel)
    return root


def test_companyfacts_json_merged_into_quarterly_facts(tmp_path: Path, edgar_dir: Path) -> None:
    files = [TICKERS] + [f"{COMPANYFACTS}/CIK{cik:010d}.json"
                         for cik in (320193, 1045810, 1652044)]
    root = _linked_folder(tmp_path, edgar_dir, files)
    with Store.open(tmp_path / "cf.duckdb") as store:
        first = ingest_dir(store, root, progress=False)
        assert not first.failed and len(first.companyfacts) == 3
        merged = sum(n for _, _, n in first.companyfacts)
        assert first.rows["companyfacts"] == merged > 2000
        assert "companyfacts JSON: 3 merged" in first.render()
        companies = dict(store.con.execute(
            "SELECT cik, fiscal_year_end FROM companies").fetchall())
        # Fiscal year ends read from the JSON's own 10-K periods (Apple: late September).
        assert companies[320193][:2] == "09" and companies[1045810][:2] == "01"
        assert companies[1652044] == "1231"
        before = store.con.execute("SELECT count(*), sum(hash(fact_id)), sum(value) "
                                   "FROM facts").fetchone()
        again = ingest_dir(store, root, progress=False)
        assert again.companyfacts == [] and len(again.companyfacts_unchanged) == 3
        assert store.con.execute("SELECT count(*), sum(hash(fact_id)), sum(value) "
                                 "FROM facts").fetchone() == before
        # Known values of the JSON: Apple Q3 FY2023 (ended 2023-07-01) net sales 81,797M;
        # NVIDIA Q2 FY2024 revenue 13,507M; Alphabet Q3 2023 revenues 76,693M.
        apple = _one(facts_for(store, "AAPL", metric="revenue"), fiscal_year=2023,
                     fiscal_quarter=3)
        assert (apple["value"], apple["period_end"]) == (81_797e6, date(2023, 7, 1))
        assert apple["source"] == "companyfacts"
        nvda = _one(facts_for(store, "NVDA", metric="revenue"), fiscal_year=2024,
                    fiscal_quarter=2)
        assert nvda["value"] == 13_507e6
        alphabet = _one(facts_for(store, "GOOG", metric="revenue"), fiscal_year=2023,
                        fiscal_quarter=3)
        assert alphabet["value"] == 76_693e6
        # Cash flows come year-to-date only: Apple's Q3 capex is 9 months minus 6 months.
        capex = _one(facts_for(store, "AAPL", metric="capex"), fiscal_year=2023,
                     fiscal_quarter=3)
        assert capex["derived"] and 1e9 < capex["value"] < 4e9


def test_unreadable_companyfacts_is_a_named_failure(tmp_path: Path) -> None:
    folder = tmp_path / "edgar" / "data.sec.gov" / "api" / "xbrl" / "companyfacts"
    folder.mkdir(parents=True)
    (folder / "CIK0000000042.json").write_text('{"cik": 42, "entityName": "X", "facts": ')
    shutil.copytree(FIXTURES / "TINY", tmp_path / "edgar" / "sec-edgar-filings" / "TINY")
    with Store.open(None) as store:
        summary = ingest_dir(store, tmp_path / "edgar", progress=False)
    assert [Path(p).name for p, _ in summary.failed] == ["CIK0000000042.json"]
    assert "not a readable companyfacts JSON" in summary.failed[0][1]
    assert summary.parsed == ["0000000001-24-000001"]
