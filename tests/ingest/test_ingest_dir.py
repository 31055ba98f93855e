"""`ingest_dir` on the whole ../shared/edgar folder and on small folders built in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claimtracker.db import Store
from claimtracker.errors import InputError
from ingest.filings.local import ingest_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
AMZN_8K = "sec-edgar-filings/AMZN/8-K/0001018724-23-000002/full-submission.txt"

# accession -> (ticker, form, fiscal_year, fiscal_quarter, period_end), worked out by hand from
# each document: 10-Q/10-K from their dei fiscal focus, earnings 8-Ks from the quarter their
# release says it reports, other 8-Ks from the quarter of their event date.
EXPECTED_QUARTERS = {
    # Amazon (December year end); 8-K releases: "results for its <n> quarter ended <date>"
    "0001018724-20-000019": ("AMZN", "8-K", 2020, 2, "2020-06-30"),
    "0001018724-20-000028": ("AMZN", "8-K", 2020, 3, "2020-09-30"),
    "0001018724-21-000002": ("AMZN", "8-K", 2020, 4, "2020-12-31"),
    "0001018724-21-000008": ("AMZN", "8-K", 2021, 1, "2021-03-31"),
    "0001018724-21-000018": ("AMZN", "8-K", 2021, 2, "2021-06-30"),
    "0001018724-21-000026": ("AMZN", "8-K", 2021, 3, "2021-09-30"),
    "0001018724-22-000002": ("AMZN", "8-K", 2021, 4, "2021-12-31"),
    "0001018724-22-000011": ("AMZN", "8-K", 2022, 1, "2022-03-31"),
    "0001018724-22-000017": ("AMZN", "8-K", 2022, 2, "2022-06-30"),
    "0001018724-22-000021": ("AMZN", "8-K", 2022, 3, "2022-09-30"),
    "0001018724-23-000002": ("AMZN", "8-K", 2022, 4, "2022-12-31"),
    "0001018724-23-000006": ("AMZN", "8-K", 2023, 1, "2023-03-31"),
    "0001018724-23-000010": ("AMZN", "8-K", 2023, 2, "2023-06-30"),
    "0001018724-23-000016": ("AMZN", "8-K", 2023, 3, "2023-09-30"),
    "0001018724-24-000006": ("AMZN", "8-K", 2023, 4, "2023-12-31"),
    "0001018724-24-000158": ("AMZN", "8-K", 2024, 3, "2024-09-30"),
    "0001018724-23-000004": ("AMZN", "10-K", 2022, 4, "2022-12-31"),  # XBRL instance only
    "0001018724-23-000012": ("AMZN", "10-Q", 2023, 2, "2023-06-30"),
    "0001018724-24-000008": ("AMZN", "10-K", 2023, 4, "2023-12-31"),
    "0001018724-24-000083": ("AMZN", "10-Q", 2024, 1, "2024-03-31"),
    "0001018724-25-000004": ("AMZN", "10-K", 2024, 4, "2024-12-31"),
    # Apple (September year end, 52/53 weeks): Q3 FY2023 ended 2023-07-01
    "0000320193-23-000077": ("AAPL", "10-Q", 2023, 3, "2023-07-01"),
    "0000320193-24-000123": ("AAPL", "10-K", 2024, 4, "2024-09-28"),
    # debt-offering 8-K (Item 8.01) of 2019-11-07: Oct-Dec 2019 is Apple's FY2020 Q1
    "0001193125-19-292676": ("AAPL", "8-K", 2020, 1, "2019-12-31"),
    # NVIDIA (late-January year end): Q2 FY2024 ended 2023-07-30
    "0001045810-23-000175": ("NVDA", "10-Q", 2024, 2, "2023-07-30"),
    "0001045810-24-000029": ("NVDA", "10-K", 2024, 4, "2024-01-28"),
    # officer 8-K (Item 5.02) of 2026-03-02: February-April 2026 is NVIDIA's FY2027 Q1
    "0001045810-26-000024": ("NVDA", "8-K", 2027, 1, "2026-04-30"),
    # Adobe (early-December year end): "first quarter fiscal year 2023 ended March 3, 2023"
    "0000796343-23-000044": ("ADBE", "8-K", 2023, 1, "2023-03-03"),
    # Alphabet, Meta (December year end)
    "0001652044-23-000070": ("GOOG", "10-Q", 2023, 2, "2023-06-30"),
    "0001652044-23-000094": ("GOOG", "10-Q", 2023, 3, "2023-09-30"),
    "0001652044-24-000022": ("GOOG", "10-K", 2023, 4, "2023-12-31"),
    "0001326801-23-000093": ("META", "10-Q", 2023, 2, "2023-06-30"),
    "0001326801-24-000012": ("META", "10-K", 2023, 4, "2023-12-31"),
    "0001628280-25-058337": ("META", "8-K", 2025, 4, "2025-12-31"),
}


@pytest.fixture(scope="module")
def filings_db(shared_db_path: Path):
    store = Store.open(shared_db_path, read_only=True)
    yield store
    store.close()


def _counts(store: Store) -> dict[str, int]:
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("companies", "filings", "documents", "sections", "facts", "source_files")}


def test_every_shared_filing_has_its_fiscal_quarter(filings_db: Store) -> None:
    rows = filings_db.con.execute(
        "SELECT f.accession, c.ticker, f.form, f.fiscal_year, f.fiscal_quarter, "
        "CAST(f.period_end AS VARCHAR) FROM filings f JOIN companies c USING (cik)"
    ).fetchall()
    assert {r[0]: tuple(r[1:]) for r in rows} == EXPECTED_QUARTERS


def test_whole_folder_parsed_without_failures(filings_db: Store) -> None:
    con = filings_db.con
    statuses = dict(con.execute("SELECT status, count(*) FROM filings GROUP BY 1").fetchall())
    assert statuses == {"ok": 19, "truncated": 15}  # the 15 cut Amazon 8-Ks, see ../shared
    truncated = con.execute(
        "SELECT DISTINCT f.source_path FROM filings f WHERE status = 'truncated'").fetchall()
    assert all("sec-edgar-filings/AMZN/8-K/" in p for (p,) in truncated)
    assert con.execute("SELECT count(*) FROM source_files WHERE status = 'failed'").fetchone() \
        == (0,)
    run = con.execute("SELECT status, counts FROM runs WHERE kind = 'ingest-dir'").fetchone()
    assert run[0] == "ok" and json.loads(run[1])["parsed"] == 34
    companies = con.execute("SELECT ticker, fiscal_year_end FROM companies ORDER BY 1").fetchall()
    assert [t for t, _ in companies] == ["AAPL", "ADBE", "AMZN", "GOOG", "META", "NVDA"]


def test_whole_submission_preferred_over_its_separate_documents(filings_db: Store) -> None:
    docs = filings_db.con.execute(
        "SELECT type, filename, url, truncated FROM documents "
        "WHERE accession = '0001018724-24-000158' ORDER BY sequence"
    ).fetchall()
    assert [d[0] for d in docs[:3]] == ["8-K", "EX-99.1", "EX-99.2"]
    assert docs[1][2] == ("https://www.sec.gov/Archives/edgar/data/1018724/000101872424000158/"
                          "amzn-20240930xex991.htm")
    assert not any(d[3] for d in docs)
    # the three documents also saved beside the .txt are not counted again
    assert filings_db.con.execute(
        "SELECT count(*) FROM source_files WHERE accession = '0001018724-24-000158' "
        "AND status = 'skipped'").fetchone() == (3,)


def test_truncated_8k_keeps_its_release_narrative(filings_db: Store) -> None:
    rows = filings_db.con.execute(
        "SELECT s.item_code, s.kind FROM sections s JOIN documents d USING (document_id) "
        "WHERE d.accession = '0001018724-20-000019' AND d.type = 'EX-99.1' ORDER BY s.ord"
    ).fetchall()
    codes = [c for c, _ in rows]
    assert codes[:4] == ["Release: Results", "Release: CEO quote", "Release: Highlights",
                         "Release: Guidance"]
    truncated = filings_db.con.execute(
        "SELECT truncated FROM documents WHERE accession = '0001018724-20-000019' "
        "ORDER BY sequence").fetchall()
    assert truncated == [(False,), (True,)]


def _copy_small_folder(tmp_path: Path, edgar_dir: Path) -> Path:
    root = tmp_path / "edgar"
    target = root / Path(AMZN_8K).parent
    target.mkdir(parents=True)
    shutil.copy(edgar_dir / AMZN_8K, target / "full-submission.txt")
    shutil.copytree(FIXTURES / "TINY", root / "sec-edgar-filings" / "TINY")
    return root


def _table_digest(store: Store) -> list:
    """Row count and an order-independent hash of every row (timestamps left out)."""
    queries = {
        "filings": "SELECT * EXCLUDE (ingested_at) FROM filings",
        "documents": "SELECT * FROM documents",
        "sections": "SELECT * FROM sections",
        "facts": "SELECT * FROM facts",
        "companies": "SELECT * EXCLUDE (updated_at) FROM companies",
        "source_files": "SELECT * EXCLUDE (parsed_at) FROM source_files",
    }
    return [store.con.execute(f"SELECT count(*), sum(hash(t)) FROM ({sql}) t").fetchone()
            for sql in queries.values()]


def test_idempotent_and_incremental(tmp_path: Path, edgar_dir: Path, fresh_db: Store) -> None:
    root = _copy_small_folder(tmp_path, edgar_dir)
    first = ingest_dir(fresh_db, root, progress=False)
    assert len(first.parsed) == 2 and not first.failed
    before = _table_digest(fresh_db)
    second = ingest_dir(fresh_db, root, progress=False)
    assert second.parsed == [] and len(second.unchanged) == 2
    assert _table_digest(fresh_db) == before
    # Change one file: only that filing is parsed again, and replaced rather than duplicated.
    tiny = root / "sec-edgar-filings/TINY/8-K/0000000001-24-000001/full-submission.txt"
    tiny.write_text(tiny.read_text().replace("to $1.2 billion in the", "to $1.3 billion in the"))
    third = ingest_dir(fresh_db, root, progress=False)
    assert third.parsed == ["0000000001-24-000001"] and len(third.unchanged) == 1
    value = fresh_db.con.execute(
        "SELECT value FROM facts WHERE accession = '0000000001-24-000001' AND metric = 'revenue'"
    ).fetchall()
    assert value == [(1.3e9,)]
    assert _counts(fresh_db)["filings"] == 2


def test_tiny_june_year_end_release(tmp_path: Path, edgar_dir: Path, fresh_db: Store) -> None:
    root = _copy_small_folder(tmp_path, edgar_dir)
    summary = ingest_dir(fresh_db, root, progress=False)
    assert [t[0] for t in summary.truncated] == ["0000000001-24-000001", "0001018724-23-000002"]
    filing = fresh_db.con.execute(
        "SELECT fiscal_year, fiscal_quarter, CAST(period_end AS VARCHAR), items, status "
        "FROM filings WHERE accession = '0000000001-24-000001'").fetchone()
    # June year end: the quarter ended March 31, 2024 is fiscal 2024 Q3.
    assert filing == (2024, 3, "2024-03-31", ["2.02", "9.01"], "truncated")
    facts = dict(fresh_db.con.execute(
        "SELECT metric, value FROM facts WHERE accession = '0000000001-24-000001'").fetchall())
    # "Operating loss was $35 million"; the guidance's "$1.3 billion" is not a result.
    assert facts == {"revenue": 1.2e9, "operating_income": -35e6}


def test_inline_primary_document_in_mirror_layout(tmp_path: Path, fresh_db: Store) -> None:
    folder = tmp_path / "www.sec.gov/Archives/edgar/data/2/000000000224000007"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "inline-sample.htm", folder / "tiny-20240331.htm")
    tickers = tmp_path / "www.sec.gov/files/company_tickers.json"
    tickers.parent.mkdir(parents=True)
    tickers.write_text(json.dumps({"0": {"cik_str": 2, "ticker": "TINY", "title": "Tiny Corp"}}))
    summary = ingest_dir(fresh_db, tmp_path, progress=False)
    assert summary.parsed == ["0000000002-24-000007"] and not summary.failed
    row = fresh_db.con.execute(
        "SELECT c.ticker, f.form, f.fiscal_year, f.fiscal_quarter, f.url FROM filings f "
        "JOIN companies c USING (cik)").fetchone()
    assert row == ("TINY", "10-Q", 2024, 1, "https://www.sec.gov/Archives/edgar/data/2/"
                   "000000000224000007/tiny-20240331.htm")
    sections = [r[0] for r in fresh_db.con.execute(
        "SELECT DISTINCT item_code FROM sections ORDER BY 1").fetchall()]
    assert sections == ["Part I Item 1", "Part I Item 2", "Part II Item 1A"]
    dims = fresh_db.con.execute(
        "SELECT dimensions FROM facts WHERE value = 300000000").fetchone()[0]
    assert json.loads(dims) == {"us-gaap:StatementBusinessSegmentsAxis": "tiny:CloudMember"}
    assert fresh_db.con.execute(
        "SELECT value, source FROM facts WHERE metric = 'employees'").fetchall() == [
        (12345.0, "filing_text")]


def test_bad_inputs(tmp_path: Path, fresh_db: Store, edgar_dir: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        ingest_dir(fresh_db, tmp_path / "nowhere", progress=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no files"):
        ingest_dir(fresh_db, tmp_path / "empty", progress=False)
    root = _copy_small_folder(tmp_path, edgar_dir)
    shutil.copytree(FIXTURES / "bad", root / "bad")
    summary = ingest_dir(fresh_db, root, progress=False)
    failed = {Path(p).name: reason for p, reason in summary.failed}
    assert failed == {
        "archive.bin": "binary file, not an EDGAR document",
        "empty.txt": "empty file",
        "plain.html": "HTML without an SEC header or inline XBRL, not an EDGAR document",
    }
    assert len(summary.parsed) == 2 and summary.exit_code == 1
    assert "plain.html" in summary.render()
    run = fresh_db.con.execute("SELECT status, errors FROM runs").fetchone()
    assert run[0] == "failed" and len(json.loads(run[1])) == 3


def test_failure_mid_write_leaves_no_partial_rows(tmp_path: Path, edgar_dir: Path,
                                                 fresh_db: Store, monkeypatch) -> None:
    import ingest.filings.writer as writer

    root = _copy_small_folder(tmp_path, edgar_dir)
    real_insert = writer._insert_many

    def insert_then_break(con, table, columns, rows):
        real_insert(con, table, columns, rows)
        if table == "sections" and rows and rows[0][2] == "0001018724-23-000002":
            raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_insert_many", insert_then_break)
    summary = ingest_dir(fresh_db, root, progress=False)
    assert [Path(p).parent.name for p, _ in summary.failed] == ["0001018724-23-000002"]
    assert summary.parsed == ["0000000001-24-000001"]  # the other filing carried on
    con = fresh_db.con
    for table in ("documents", "sections", "facts"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE accession = "
                           "'0001018724-23-000002'").fetchone() == (0,)
    assert con.execute("SELECT status FROM source_files WHERE path LIKE '%0001018724-23-000002%'"
                       ).fetchone() == ("failed",)
    monkeypatch.setattr(writer, "_insert_many", real_insert)
    retry = ingest_dir(fresh_db, root, progress=False)  # failed files are retried
    assert retry.parsed == ["0001018724-23-000002"] and not retry.failed


def test_company_fiscal_year_ends(filings_db: Store) -> None:
    fye = dict(filings_db.con.execute("SELECT ticker, fiscal_year_end FROM companies").fetchall())
    # SGML header FISCAL YEAR END, else dei:CurrentFiscalYearEndDate ("--01-28" -> "0128")
    assert fye == {"AMZN": "1231", "NVDA": "0128", "AAPL": "0930", "ADBE": "1202",
                   "META": "1231", "GOOG": "1231"}


PLAIN_10K = """<SEC-DOCUMENT>0000000003-99-000001.txt : 19990330
<SEC-HEADER>0000000003-99-000001.hdr.sgml : 19990330
ACCESSION NUMBER:\t\t0000000003-99-000001
CONFORMED SUBMISSION TYPE:\t10-K
CONFORMED PERIOD OF REPORT:\t19981231
FILED AS OF DATE:\t\t19990330
\t\tCOMPANY CONFORMED NAME:\t\t\tOLD TEXT CO
\t\tCENTRAL INDEX KEY:\t\t\t0000000003
\t\tFISCAL YEAR END:\t\t\t1231
</SEC-HEADER>
<DOCUMENT>
<TYPE>10-K
<SEQUENCE>1
<TEXT>
                                 PART I

ITEM 1. BUSINESS

Old Text Co sells books by mail.

ITEM 7. MANAGEMENT'S DISCUSSION AND ANALYSIS

Net sales increased in 1998.

As of December 31, 1998, the Company had approximately 2,100 full-time employees.
</TEXT>
</DOCUMENT>
</SEC-DOCUMENT>
"""


def test_plain_text_submission_as_a_single_file(tmp_path: Path, fresh_db: Store) -> None:
    path = tmp_path / "0000000003-99-000001.txt"
    path.write_text(PLAIN_10K)
    summary = ingest_dir(fresh_db, path, progress=False)
    assert summary.parsed == ["0000000003-99-000001"] and not summary.truncated
    assert fresh_db.con.execute(
        "SELECT form, fiscal_year, fiscal_quarter, url FROM filings").fetchone() == (
        "10-K", 1998, 4, "https://www.sec.gov/Archives/edgar/data/3/000000000399000001/"
        "0000000003-99-000001-index.htm")
    sections = fresh_db.con.execute(
        "SELECT item_code, title, text FROM sections ORDER BY ord").fetchall()
    assert [s[0] for s in sections] == ["Item 1", "Item 7"]
    assert sections[1][1] == "MANAGEMENT'S DISCUSSION AND ANALYSIS"
    assert fresh_db.con.execute(
        "SELECT value, CAST(period_end AS VARCHAR) FROM facts WHERE metric = 'employees'"
    ).fetchone() == (2100.0, "1998-12-31")
