"""Companies of an EDGAR sync: tickers (or CIKs) to companies, their submissions JSON (name,
fiscal year end, the filings wanted), and the companies table.

Tickers already in the companies table need no request; EDGAR's company_tickers.json is read
(and cached) only for the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from claimtracker.db import Store
from claimtracker.errors import FetchError, InputError, NotFoundError
from ingest.edgar import api as edgar_api
from ingest.edgar.client import EdgarClient
from ingest.edgar.submissions import FilingRef, extra_pages_needed, select
from ingest.edgar.summary import STOP


@dataclass
class Company:
    cik: int
    ticker: str
    name: str | None = None
    fiscal_year_end: str | None = None


def resolve_companies(
    store: Store, client: EdgarClient | None, tickers: Iterable[str], cache_dir: Path
) -> list[Company]:
    """Companies for tickers (or CIK numbers); unknown tickers raise NotFoundError naming them.

    Tickers already in the companies table need no request (`client` may then be None).
    """
    wanted = [t.strip().upper() for t in tickers if t.strip()]
    if not wanted:
        raise InputError("no ticker given: pass e.g. --ticker AMZN.")
    known = {
        str(t).upper(): Company(int(cik), str(t).upper(), name, fye)
        for cik, t, name, fye in store.con.execute(
            "SELECT cik, ticker, name, fiscal_year_end FROM companies WHERE ticker IS NOT NULL"
        ).fetchall()
    }
    listing: dict[str, tuple[int, str]] | None = None
    out, unknown = [], []
    for ticker in wanted:
        if ticker.isdigit():
            out.append(Company(int(ticker), ticker))
            continue
        if ticker in known:
            out.append(known[ticker])
            continue
        if listing is None:
            if client is None:
                raise ValueError("resolve_companies needs a client for tickers not in the DB")
            listing = edgar_api.company_tickers(client, cache_dir)
        if ticker in listing:
            cik, name = listing[ticker]
            out.append(Company(cik, ticker, name))
        else:
            unknown.append(ticker)
    if unknown:
        url = client.www_url(edgar_api.TICKERS_PATH) if client else edgar_api.TICKERS_PATH
        raise NotFoundError(
            f"unknown ticker(s) {', '.join(unknown)}: not in EDGAR's company list ({url}). "
            "Check the symbol (class shares are written with a dash, e.g. BRK-B) or pass the "
            "CIK number instead.",
            url=url,
        )
    return out


def upsert_company(store: Store, company: Company) -> None:
    """Store what EDGAR's submissions JSON says of a company, over older values (a filing's
    parse only fills gaps: `ingest.filings.writer.upsert_company`)."""
    store.con.execute(
        "INSERT INTO companies (cik, ticker, name, fiscal_year_end) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (cik) DO UPDATE SET ticker = coalesce(excluded.ticker, companies.ticker), "
        "name = coalesce(excluded.name, companies.name), "
        "fiscal_year_end = coalesce(excluded.fiscal_year_end, companies.fiscal_year_end), "
        "updated_at = now()",
        [company.cik, company.ticker, company.name, company.fiscal_year_end],
    )


def describe_company(client: EdgarClient, company: Company, cache_dir: Path) -> dict[str, Any]:
    """Fill in name, fiscal year end (and the ticker of a bare CIK) from the submissions JSON."""
    first = edgar_api.submissions(client, company.cik, cache_dir)
    company.name = first.get("name") or company.name
    company.fiscal_year_end = first.get("fiscalYearEnd") or company.fiscal_year_end
    if company.ticker.isdigit() and first.get("tickers"):
        company.ticker = str(first["tickers"][0]).upper()
    return first


def list_filings(
    store: Store,
    client: EdgarClient,
    company: Company,
    *,
    forms: Sequence[str],
    since: date | None,
    until: date | None,
    cache_dir: Path,
) -> tuple[list[FilingRef], list[str]]:
    """The wanted filings of a company and the errors of unreadable older pages.

    Also fills in the company's name and fiscal year end from the submissions JSON.
    """
    first = describe_company(client, company, cache_dir)
    blocks = [first.get("filings", {}).get("recent", {})]
    page_errors = []
    for page in extra_pages_needed(first, since):
        try:
            blocks.append(edgar_api.submissions(client, company.cik, cache_dir, page=page))
        except STOP:
            raise
        except FetchError as exc:  # the filings of the other pages are still worth fetching
            page_errors.append(str(exc))
    return select(blocks, company.cik, forms, since, until), page_errors

