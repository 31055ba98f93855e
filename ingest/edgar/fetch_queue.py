"""The fetch queue (`fetch_queue` table): the resumable work list of an EDGAR sync.

Each filing goes pending -> downloaded -> ingested, every state change committed, so a killed
run leaves rows 'pending' or 'downloaded' and whole files only, and the next run picks up from
there. A 404 is recorded as failed (failure='not_found') and never retried; transient failures
are retried by later runs up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import FetchError, NotFoundError
from ingest.edgar import sec_downloader
from ingest.edgar.atomic_file import write_atomic
from ingest.edgar.client import EdgarClient
from ingest.edgar.companies import Company
from ingest.edgar.submissions import FilingRef
from ingest.edgar.summary import STOP, EdgarSyncSummary
from ingest.filings.local import ingest_dir

log = logging.getLogger(__name__)

#: Transient failures are retried by later runs this many times, then left failed.
MAX_ATTEMPTS = 5
#: Without --since, a company synced before is re-listed from its newest filing minus this.
RELIST_OVERLAP_DAYS = 45


def default_since(store: Store, cik: int) -> date:
    """Newest queued filing minus an overlap, or the configured look-back for a new company."""
    (newest,) = store.con.execute(
        "SELECT max(filed_date) FROM fetch_queue WHERE cik = ?", [cik]
    ).fetchone()
    if newest is not None:
        return date.fromordinal(newest.toordinal() - RELIST_OVERLAP_DAYS)
    today = date.today()
    years = config.edgar_lookback_years()
    return today.replace(year=today.year - years, day=min(today.day, 28))



def queue_filings(store: Store, client: EdgarClient, company: Company,
                  refs: list[FilingRef], cache_dir: Path) -> int:
    """Add unseen filings to fetch_queue as pending; returns how many were new."""
    before = store.con.execute(
        "SELECT count(*) FROM fetch_queue WHERE cik = ?", [company.cik]
    ).fetchone()[0]
    rows = []
    with sec_downloader.routed_through(client):
        for ref in refs:
            planned = sec_downloader.plan(ref, company.ticker, cache_dir)
            rows.append([
                ref.accession, ref.cik, company.ticker, ref.form, ref.filed_date,
                ref.report_date, ref.primary_document, ref.items_text, planned.url,
                planned.relative_to(cache_dir),
            ])
    with store.transaction() as con:
        if rows:
            con.executemany(
                "INSERT INTO fetch_queue (accession, cik, ticker, form, filed_date, report_date, "
                "primary_document, items, url, local_path, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING",
                rows,
            )
    after = store.con.execute(
        "SELECT count(*) FROM fetch_queue WHERE cik = ?", [company.cik]
    ).fetchone()[0]
    return after - before


def _work_list(store: Store, ciks: list[int]) -> list[tuple[Any, ...]]:
    if not ciks:
        return []
    marks = ", ".join("?" for _ in ciks)
    return store.con.execute(
        "SELECT accession, form, url, local_path FROM fetch_queue "
        f"WHERE cik IN ({marks}) AND (status = 'pending' OR (status = 'failed' "
        "AND failure = 'transient' AND attempts < ?)) ORDER BY filed_date, accession",
        [*ciks, MAX_ATTEMPTS],
    ).fetchall()


def _mark(store: Store, accession: str, status: str, *, failure: str | None = None,
          error: str | None = None, attempt: bool = False) -> None:
    store.con.execute(
        "UPDATE fetch_queue SET status = ?, failure = ?, error = ?, "
        "attempts = attempts + ?, updated_at = current_timestamp WHERE accession = ?",
        [status, failure, error, 1 if attempt else 0, accession],
    )


def download_queued(
    store: Store,
    client: EdgarClient,
    ciks: list[int],
    cache_dir: Path,
    summary: EdgarSyncSummary,
    *,
    progress: bool,
) -> None:
    """Download every pending filing of these companies; failures are recorded, not raised."""
    work = _work_list(store, ciks)
    with sec_downloader.routed_through(client):
        for accession, form, url, local_path in tqdm(
            work, desc="EDGAR downloads", unit="filing", disable=not progress
        ):
            path = cache_dir / local_path
            if path.exists():  # written atomically, so an existing file is complete
                summary.count("cached")
                _mark(store, accession, "downloaded")
                continue
            try:
                write_atomic(path, sec_downloader.download(client, url))
            except STOP:
                raise
            except NotFoundError as exc:
                _fail(store, summary, accession, form, url, "not_found", str(exc))
                continue
            except FetchError as exc:
                _fail(store, summary, accession, form, url, "transient", str(exc))
                continue
            summary.count("downloaded")
            _mark(store, accession, "downloaded", attempt=True)


def _fail(store: Store, summary: EdgarSyncSummary, accession: str, form: str, url: str,
          failure: str, message: str) -> None:
    log.warning("%s %s failed: %s", form, accession, message)
    _mark(store, accession, "failed", failure=failure, error=message, attempt=True)
    summary.count("failed")
    summary.failed.append({"accession": accession, "form": form, "url": url, "error": message})


def ingest_downloaded(
    store: Store, ciks: list[int], cache_dir: Path, summary: EdgarSyncSummary, *, progress: bool
) -> None:
    """Run the local-folder ingest over the cache, then mark what it stored as ingested."""
    marks = ", ".join("?" for _ in ciks) or "NULL"
    waiting = store.con.execute(
        f"SELECT accession, form, url, filed_date, report_date, items FROM fetch_queue "
        f"WHERE status = 'downloaded' AND cik IN ({marks})",
        ciks,
    ).fetchall()
    if not waiting:
        return
    result = ingest_dir(store, cache_dir, progress=progress)
    summary.ingest = result.as_dict()
    for accession, _form, url, filed, report, items in waiting:
        stored = store.con.execute(
            "SELECT count(*) FROM filings WHERE accession = ?", [accession]
        ).fetchone()[0]
        if not stored:
            message = f"downloaded to the cache but the ingest did not store it (see {url})"
            _mark(store, accession, "downloaded", failure="ingest", error=message)
            summary.error(accession, message)
            continue
        _fill_filing_metadata(store, accession, url, filed, report, items)
        _mark(store, accession, "ingested")
        summary.count("ingested")


def _fill_filing_metadata(store: Store, accession: str, url: str, filed: date | None,
                          report: date | None, items: str | None) -> None:
    """EDGAR's own metadata for what a bare primary document cannot tell the parser."""
    item_list = [i for i in (items or "").split(",") if i] or None
    store.con.execute(
        "UPDATE filings SET filed_date = coalesce(filed_date, ?), "
        "period_of_report = coalesce(period_of_report, ?), items = coalesce(items, ?), "
        "url = coalesce(url, ?) WHERE accession = ?",
        [filed, report, item_list, url, accession],
    )

