"""Tie calls to their company (CIK) and to its filings of the same fiscal quarter.

Filings may arrive after the calls (or the other way round), so every ingest run re-links
all calls: cheap, idempotent (INSERT of missing pairs only).
"""

from __future__ import annotations

from claimtracker.db import Store
from claimtracker.quarters import fiscal_year_end_month, quarter_before_date
from ingest.transcripts import metadata


def _company(store: Store, tickers: list[str]) -> tuple[int, str | None] | None:
    for ticker in tickers:
        row = store.con.execute(
            "SELECT cik, fiscal_year_end FROM companies WHERE upper(ticker) = upper(?) "
            "ORDER BY tracked DESC, cik LIMIT 1",
            [ticker],
        ).fetchone()
        if row:
            return int(row[0]), row[1]
    return None


def link_calls(store: Store) -> int:
    """Fill calls.cik (and a missing fiscal quarter) from companies; add call_filings rows.

    Returns the number of new call-filing links.
    """
    con = store.con
    rows = con.execute(
        "SELECT call_id, ticker, title, fiscal_year, fiscal_quarter, call_date FROM calls "
        "WHERE cik IS NULL OR fiscal_year IS NULL"
    ).fetchall()
    for call_id, ticker, title, year, quarter, call_date in rows:
        tickers = [t for t in (ticker, metadata.ticker_from_title(title)) if t]
        company = _company(store, tickers)
        if company is None:
            continue
        cik, fye = company
        if year is None and call_date is not None:
            derived = quarter_before_date(call_date, fiscal_year_end_month(fye))
            year, quarter = derived.year, derived.quarter
        con.execute(
            "UPDATE calls SET cik = ?, fiscal_year = ?, fiscal_quarter = ? WHERE call_id = ?",
            [cik, year, quarter, call_id],
        )
    before = con.execute("SELECT count(*) FROM call_filings").fetchone()[0]
    con.execute(
        "INSERT INTO call_filings (call_id, accession) "
        "SELECT DISTINCT c.call_id, f.accession FROM calls c JOIN filings f "
        "  ON f.cik = c.cik AND f.fiscal_year = c.fiscal_year "
        "  AND f.fiscal_quarter = c.fiscal_quarter "
        "WHERE NOT EXISTS (SELECT 1 FROM call_filings l "
        "                  WHERE l.call_id = c.call_id AND l.accession = f.accession)"
    )
    return con.execute("SELECT count(*) FROM call_filings").fetchone()[0] - before
