"""`ingest --ticker`: fetch what is new for some companies from live EDGAR and ingest it.

The conductor; each step lives in its own module and is resumable (the `fetch_queue` table is
the work list; every state change commits):
  1. resolve tickers to CIKs (`companies`: companies table first, else company_tickers.json);
  2. list filings from the submissions JSON (extra pages only when --since reaches them),
     keep 10-Q, 10-K and Item 2.02 8-Ks, queue the new ones (`fetch_queue`);
  3. download each queued filing into the cache (sec-edgar-downloader's layout), written
     atomically, skipped when the file is already there (`fetch_queue`);
  4. ingest the cache through `ingest.filings.local.ingest_dir` and mark the queue rows
     ingested (`fetch_queue`);
  5. merge companyfacts into facts (source='companyfacts'; after the ingest, because
     rewriting a filing deletes the facts that carry its accession).
A killed run leaves queue rows 'pending' or 'downloaded' and whole files only; the next run
picks up from there. A 404 is recorded as failed (failure='not_found') and never retried;
transient failures are retried on later runs. EDGAR's rate-limit or identity pages stop the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import FetchError, InputError, NotFoundError, RateLimitedError
from claimtracker.quarters import fiscal_year_end_month
from claimtracker.runs import RunRecord, record_run
from ingest.edgar import api as edgar_api
from ingest.edgar.atomic_file import write_atomic
from ingest.edgar.client import EdgarClient
from ingest.edgar.companies import Company, list_filings, resolve_companies, upsert_company
from ingest.edgar.companyfacts import merge_companyfacts
from ingest.edgar.fetch_queue import (
    default_since,
    download_queued,
    ingest_downloaded,
    queue_filings,
)
from ingest.edgar.submissions import DEFAULT_FORMS
from ingest.edgar.summary import STOP, EdgarSyncSummary

log = logging.getLogger(__name__)

#: Written when EDGAR shows its rate-limit page: its block lasts 10 minutes.
BLOCK_MARKER = ".edgar-rate-limited-until"
BLOCK_SECONDS = 600



def _parse_date(value: str | date | None, flag: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{flag} {value!r} is not a date: write it as YYYY-MM-DD.") from exc



def ingest_tickers(
    store: Store,
    tickers: Sequence[str],
    *,
    forms: Sequence[str] = DEFAULT_FORMS,
    since: str | date | None = None,
    until: str | date | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    client: EdgarClient | None = None,
) -> EdgarSyncSummary:
    """Fetch, download and ingest what is new for `tickers`; see the module docstring.

    Raises ConfigError (no identity) before any request, NotFoundError for unknown tickers,
    RateLimitedError / IdentityRejectedError when EDGAR blocks us (work so far is kept).
    Per-filing failures are in the summary (exit_code 1), not raised.
    """
    since_date = _parse_date(since, "--since")
    until_date = _parse_date(until, "--until")
    if since_date and until_date and since_date > until_date:
        raise InputError(f"--since {since_date} is after --until {until_date}.")
    forms = [f.strip().upper() for f in forms if f.strip()]
    if not forms:
        raise InputError("--forms is empty: give e.g. 10-Q,10-K,8-K.")
    cache = Path(cache_dir) if cache_dir else config.DEFAULT_CACHE_DIR
    own_client = client is None
    if client is None:
        client = EdgarClient.from_config()  # ConfigError here, before any request
    summary = EdgarSyncSummary()
    args = {"tickers": list(tickers), "forms": forms, "since": since_date, "until": until_date,
            "cache_dir": str(cache)}
    sent_before = client.requests_sent
    try:
        with record_run(store, "ingest-edgar", args) as run:
            try:
                _run(store, client, tickers, forms, since_date, until_date, cache, summary,
                     progress)
            finally:
                summary.count("requests", client.requests_sent - sent_before)
                _close_run(run, summary)
    finally:
        if own_client:
            client.close()
    return summary


def _close_run(run: RunRecord, summary: EdgarSyncSummary) -> None:
    run.counts.update(summary.counts)
    for failed in summary.failed:
        run.error(failed["accession"], failed["error"])
    run.errors.extend(summary.errors)


def _run(store: Store, client: EdgarClient, tickers: Sequence[str], forms: list[str],
         since: date | None, until: date | None, cache: Path, summary: EdgarSyncSummary,
         progress: bool) -> None:
    _check_block(cache)
    try:
        _sync(store, client, tickers, forms, since, until, cache, summary, progress)
    except RateLimitedError:
        write_atomic(cache / BLOCK_MARKER, str(time.time() + BLOCK_SECONDS).encode())
        raise


def _check_block(cache: Path) -> None:
    """Never hammer: after EDGAR's block page, no request from this cache for 10 minutes."""
    marker = cache / BLOCK_MARKER
    if not marker.exists():
        return
    try:
        until = float(marker.read_text())
    except ValueError:
        until = 0.0
    if time.time() < until:
        raise RateLimitedError(
            f"EDGAR rate-limited this machine less than 10 minutes ago; not asking again before "
            f"{datetime.fromtimestamp(until):%H:%M:%S}. Run again then (or delete {marker} if "
            "the block came from another address).",
        )
    marker.unlink(missing_ok=True)


def _sync(store: Store, client: EdgarClient, tickers: Sequence[str], forms: list[str],
          since: date | None, until: date | None, cache: Path, summary: EdgarSyncSummary,
          progress: bool) -> None:
    _remove_partial_files(cache)
    companies = resolve_companies(store, client, tickers, cache)
    for company in companies:
        if not company.ticker.isdigit():  # a bare CIK gets its ticker from the listing
            upsert_company(store, company)
    synced = []
    for company in companies:
        window_start = since or default_since(store, company.cik)
        try:
            refs, page_errors = list_filings(store, client, company, forms=forms,
                                             since=window_start, until=until, cache_dir=cache)
        except (*STOP, NotFoundError):  # blocked, or a CIK EDGAR does not know: stop
            raise
        except FetchError as exc:
            summary.error(company.ticker, str(exc))
            continue
        for message in page_errors:
            summary.error(f"{company.ticker} submissions", message)
        upsert_company(store, company)
        summary.companies.append(company.ticker)
        summary.count("listed", len(refs))
        summary.count("queued", queue_filings(store, client, company, refs, cache))
        synced.append(company)
    ciks = [c.cik for c in synced]
    download_queued(store, client, ciks, cache, summary, progress=progress)
    ingest_downloaded(store, ciks, cache, summary, progress=progress)
    # After the ingest: rewriting a filing deletes the facts that carry its accession.
    for company in synced:
        merge_company_facts(store, client, company, cache, summary)


def merge_company_facts(store: Store, client: EdgarClient, company: Company, cache: Path,
                        summary: EdgarSyncSummary) -> None:
    """Fetch (or revalidate) companyfacts and replace the company's companyfacts rows."""
    try:
        facts = edgar_api.companyfacts(client, company.cik, cache)
    except STOP:
        raise
    except NotFoundError:
        log.info("no companyfacts for %s (CIK %s)", company.ticker, company.cik)
        return
    except FetchError as exc:
        summary.error(f"{company.ticker} companyfacts", str(exc))
        return
    fye_month = fiscal_year_end_month(company.fiscal_year_end)
    summary.count("companyfacts_rows", merge_companyfacts(store, company.cik, facts, fye_month))


def _remove_partial_files(cache: Path) -> None:
    """Temp files of a killed run (never renamed into place) are garbage."""
    root = cache / "sec-edgar-filings"
    if root.is_dir():
        for part in root.rglob(".*.part"):
            part.unlink(missing_ok=True)
    api = cache / edgar_api.API_CACHE_DIR
    if api.is_dir():
        for part in api.rglob(".*.part"):
            part.unlink(missing_ok=True)
