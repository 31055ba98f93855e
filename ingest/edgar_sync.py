"""`ingest --ticker`: fetch what is new for some companies from live EDGAR and ingest it.

Steps, each resumable (the `fetch_queue` table is the work list; every state change commits):
  1. resolve tickers to CIKs (companies table first, else company_tickers.json);
  2. list filings from the submissions JSON (extra pages only when --since reaches them),
     keep 10-Q, 10-K and Item 2.02 8-Ks, queue the new ones;
  3. merge companyfacts into facts (source='companyfacts');
  4. download each queued filing into the cache (sec-edgar-downloader's layout), written
     atomically, skipped when the file is already there;
  5. ingest the cache through `ingest.local.ingest_dir` and mark the queue rows ingested.
A killed run leaves queue rows 'pending' or 'downloaded' and whole files only; the next run
picks up from there. A 404 is recorded as failed (failure='not_found') and never retried;
transient failures are retried on later runs. EDGAR's rate-limit or identity pages stop the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import (
    FetchError,
    IdentityRejectedError,
    InputError,
    NotFoundError,
    RateLimitedError,
)
from claimtracker.quarters import fiscal_year_end_month
from claimtracker.runs import RunRecord, record_run
from ingest import edgar_api, sec_downloader_adapter
from ingest.atomic_file import write_atomic
from ingest.companyfacts import merge_companyfacts
from ingest.edgar_client import EdgarClient
from ingest.submissions import DEFAULT_FORMS, FilingRef, extra_pages_needed, select

log = logging.getLogger(__name__)

#: Written when EDGAR shows its rate-limit page: its block lasts 10 minutes.
BLOCK_MARKER = ".edgar-rate-limited-until"
BLOCK_SECONDS = 600
#: Transient failures are retried by later runs this many times, then left failed.
MAX_ATTEMPTS = 5
#: Without --since, a company synced before is re-listed from its newest filing minus this.
RELIST_OVERLAP_DAYS = 45
_STOP = (RateLimitedError, IdentityRejectedError)


@dataclass
class Company:
    cik: int
    ticker: str
    name: str | None = None
    fiscal_year_end: str | None = None


@dataclass
class EdgarSyncSummary:
    """What one `ingest --ticker` run did (same members as the other ingest summaries)."""

    companies: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    ingest: dict[str, Any] | None = None

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def error(self, input_name: str, message: str) -> None:
        self.errors.append({"input": input_name, "error": message})

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or self.failed else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "companies": self.companies,
            "counts": dict(self.counts),
            "failed": self.failed,
            "errors": self.errors,
            "ingest": self.ingest,
            "exit_code": self.exit_code,
        }

    def render(self) -> str:
        c = self.counts
        lines = [
            f"EDGAR: {', '.join(self.companies) or 'no companies'}: "
            f"{c.get('listed', 0)} filings listed, {c.get('queued', 0)} new, "
            f"{c.get('downloaded', 0)} downloaded, {c.get('cached', 0)} already cached, "
            f"{c.get('ingested', 0)} ingested, {c.get('failed', 0)} failed; "
            f"{c.get('companyfacts_rows', 0)} companyfacts values; {c.get('requests', 0)} requests."
        ]
        for f in self.failed:
            lines.append(f"  failed {f['accession']} {f['form']}: {f['error']}")
        for e in self.errors:
            lines.append(f"  error {e['input']}: {e['error']}")
        return "\n".join(lines)


def _parse_date(value: str | date | None, flag: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{flag} {value!r} is not a date: write it as YYYY-MM-DD.") from exc


# -- 1. tickers -------------------------------------------------------------------------------
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
    store.con.execute(
        "INSERT INTO companies (cik, ticker, name, fiscal_year_end) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (cik) DO UPDATE SET ticker = coalesce(excluded.ticker, companies.ticker), "
        "name = coalesce(excluded.name, companies.name), "
        "fiscal_year_end = coalesce(excluded.fiscal_year_end, companies.fiscal_year_end), "
        "updated_at = now()",
        [company.cik, company.ticker, company.name, company.fiscal_year_end],
    )


# -- 2. listing -------------------------------------------------------------------------------
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
        except _STOP:
            raise
        except FetchError as exc:  # the filings of the other pages are still worth fetching
            page_errors.append(str(exc))
    return select(blocks, company.cik, forms, since, until), page_errors


def queue_filings(store: Store, client: EdgarClient, company: Company,
                  refs: list[FilingRef], cache_dir: Path) -> int:
    """Add unseen filings to fetch_queue as pending; returns how many were new."""
    before = store.con.execute(
        "SELECT count(*) FROM fetch_queue WHERE cik = ?", [company.cik]
    ).fetchone()[0]
    rows = []
    with sec_downloader_adapter.routed_through(client):
        for ref in refs:
            planned = sec_downloader_adapter.plan(ref, company.ticker, cache_dir)
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


# -- 4. downloads -----------------------------------------------------------------------------
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
    with sec_downloader_adapter.routed_through(client):
        for accession, form, url, local_path in tqdm(
            work, desc="EDGAR downloads", unit="filing", disable=not progress
        ):
            path = cache_dir / local_path
            if path.exists():  # written atomically, so an existing file is complete
                summary.count("cached")
                _mark(store, accession, "downloaded")
                continue
            try:
                write_atomic(path, sec_downloader_adapter.download(client, url))
            except _STOP:
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


# -- 5. ingest --------------------------------------------------------------------------------
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
    from ingest.local import ingest_dir  # the filings engineer's parser

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


# -- the whole run ----------------------------------------------------------------------------
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
        except (*_STOP, NotFoundError):  # blocked, or a CIK EDGAR does not know: stop
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
    except _STOP:
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
