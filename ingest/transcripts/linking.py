"""Tie calls to their company (one CIK, one canonical ticker) and to its filings of the quarter.

A company is its CIK: Alphabet's calls filed as GOOGL (StreetEvents) and as GOOG (2025 files)
are stored under one canonical ticker (claimtracker.tickers) and CIK 1652044, so they form
one timeline with the company's filings. Filings may arrive after the calls (or the other
way round), and the canonical ticker follows the `companies` table, so every ingest run
re-checks all calls: cheap, idempotent (updates and INSERTs of missing pairs only).
"""

from __future__ import annotations

from claimtracker.db import Store
from claimtracker.quarters import fiscal_year_end_month, quarter_before_date
from claimtracker.tickers import canonical_ticker, cik_of
from ingest.transcripts import metadata
from ingest.transcripts.model import ParsedCall


def assign_company(store: Store, call: ParsedCall) -> None:
    """Put the call under its company's canonical ticker and CIK (before it is written)."""
    if not call.ticker:
        return
    call.cik = cik_of(store.con, call.ticker)
    if call.cik is None and call.header_ticker:
        call.cik = cik_of(store.con, call.header_ticker)
        if call.cik is not None:
            call.ticker = call.header_ticker
    call.ticker = canonical_ticker(store.con, call.ticker)


def _fiscal_year_end(store: Store, cik: int) -> tuple[str | None] | None:
    """(MMDD or None,) for a company in `companies`; None when it is not there (its fiscal
    calendar is then unknown, so no quarter is derived from the call date)."""
    row = store.con.execute(
        "SELECT fiscal_year_end FROM companies WHERE cik = ?", [cik]
    ).fetchone()
    return (row[0],) if row else None


def recanonicalise(store: Store) -> int:
    """Move calls stored under another ticker of their company (an older run, or filings
    that arrived later and named the company) to the canonical one, sentences included.

    Returns the number of calls moved."""
    con = store.con
    moved = 0
    for (ticker,) in con.execute("SELECT DISTINCT ticker FROM calls").fetchall():
        cik = cik_of(con, ticker)
        canonical = canonical_ticker(con, ticker)
        if canonical == ticker and cik is None:
            continue
        ids = [r[0] for r in con.execute(
            "SELECT call_id FROM calls WHERE ticker = ? AND "
            "(ticker <> ? OR cik IS DISTINCT FROM coalesce(?, cik))",
            [ticker, canonical, cik],
        ).fetchall()]
        if not ids:
            continue
        con.execute(
            "UPDATE calls SET ticker = ?, cik = coalesce(?, cik) "
            "WHERE call_id IN (SELECT unnest(?::VARCHAR[]))", [canonical, cik, ids],
        )
        con.execute(
            "UPDATE sentences SET ticker = ?, cik = coalesce(?, cik) "
            "WHERE call_id IN (SELECT unnest(?::VARCHAR[]))", [canonical, cik, ids],
        )
        moved += len(ids)
    return moved


def link_calls(store: Store) -> int:
    """Canonical ticker and CIK for every call (and a missing fiscal quarter from the
    company's fiscal year end); add call_filings rows. Returns the number of new links."""
    con = store.con
    recanonicalise(store)
    rows = con.execute(
        "SELECT call_id, ticker, title, fiscal_year, fiscal_quarter, call_date, cik FROM calls "
        "WHERE cik IS NULL OR fiscal_year IS NULL"
    ).fetchall()
    for call_id, ticker, title, year, quarter, call_date, cik in rows:
        if cik is None:
            header = metadata.ticker_from_title(title)
            cik = next((c for c in (cik_of(con, t) for t in (ticker, header) if t) if c), None)
        if cik is None:
            continue
        fye = _fiscal_year_end(store, cik)
        if year is None and call_date is not None and fye is not None:
            derived = quarter_before_date(call_date, fiscal_year_end_month(fye[0]))
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
