"""The one place that bends sec-edgar-downloader (5.x) to our base URLs and our limiter.

sec-edgar-downloader hard-codes https://www.sec.gov / https://data.sec.gov in module
constants and sends every request through `_sec_gateway._call_sec`, which carries its own
pyrate_limiter limiter. Two limiters would each allow 10 requests/s, so together 20: EDGAR's
block. Inside `routed_through(client)` we therefore replace, and afterwards restore:

    _sec_gateway._call_sec        -> client.get  (our retries, error tree and single limiter;
                                     its pyrate limiter is never reached)
    _sec_gateway.URL_CIK_MAPPING  -> client's www base
    _orchestrator.URL_FILING      -> client's www base  (used by get_to_download)
    _orchestrator.URL_SUBMISSIONS -> client's data base

What we use from it: its download-folder layout (`get_save_location`:
`sec-edgar-filings/<TICKER>/<FORM>/<ACCESSION>/full-submission.txt | primary-document.html`),
its URL building (`get_to_download`) and its `download_filing`. What we do ourselves, because
its orchestrator cannot: filter 8-Ks by Item 2.02, stop paging at --since, record each failure
(it prints and continues), and write files atomically (a killed run must not leave a half
file that `exists()` then skips forever).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sec_edgar_downloader import _orchestrator, _sec_gateway
from sec_edgar_downloader._constants import (
    FILING_FULL_SUBMISSION_FILENAME,
    PRIMARY_DOC_FILENAME_STEM,
)
from sec_edgar_downloader._types import DownloadMetadata

from ingest.edgar.api import cik10
from ingest.edgar.client import EdgarClient
from ingest.edgar.submissions import FilingRef

_PATCH_LOCK = threading.RLock()
#: Forms whose primary document is all we need (inline XBRL inside); others take the whole
#: submission (an 8-K's results are in exhibit 99.1, not in its primary document).
PRIMARY_DOCUMENT_FORMS = frozenset({"10-Q", "10-K"})


@dataclass(frozen=True)
class PlannedDownload:
    """Where a filing comes from and where it goes in the cache."""

    url: str
    path: Path

    def relative_to(self, cache_dir: Path) -> str:
        return self.path.relative_to(cache_dir).as_posix()


@contextmanager
def routed_through(client: EdgarClient) -> Iterator[None]:
    """sec-edgar-downloader's requests go to `client` (its base URLs, its limiter) meanwhile."""

    def call_sec(uri: str, user_agent: str, host: str) -> Any:
        return client.get(uri, what="filing document")

    patches: list[tuple[Any, str, Any]] = [
        (_sec_gateway, "_call_sec", call_sec),
        (_sec_gateway, "URL_CIK_MAPPING", client.www_url("files/company_tickers_exchange.json")),
        (_orchestrator, "URL_FILING",
         client.www_url("Archives/edgar/data/{cik}/{acc_num_no_dash}/{document}")),
        (_orchestrator, "URL_SUBMISSIONS", client.data_url("submissions/{submission}")),
    ]
    with _PATCH_LOCK:
        saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
        for module, name, value in patches:
            setattr(module, name, value)
        try:
            yield
        finally:
            for module, name, value in saved:
                setattr(module, name, value)


def plan(ref: FilingRef, ticker: str, cache_dir: Path) -> PlannedDownload:
    """URL and cache path of a filing in sec-edgar-downloader's layout (call inside routing)."""
    todo = _orchestrator.get_to_download(cik10(ref.cik), ref.accession, ref.primary_document)
    use_primary = (
        ref.form in PRIMARY_DOCUMENT_FORMS
        and ref.primary_document
        and todo.details_doc_suffix in (".html", ".txt")
    )
    if use_primary:
        url = todo.primary_doc_uri
        filename = f"{PRIMARY_DOC_FILENAME_STEM}{todo.details_doc_suffix}"
    else:
        url, filename = todo.raw_filing_uri, FILING_FULL_SUBMISSION_FILENAME
    meta = DownloadMetadata(download_folder=cache_dir, form=ref.form, cik=cik10(ref.cik),
                            ticker=ticker)
    return PlannedDownload(url, _orchestrator.get_save_location(meta, ref.accession, filename))


def download(client: EdgarClient, url: str) -> bytes:
    """One filing file's bytes via sec-edgar-downloader's gateway (call inside routing)."""
    return _sec_gateway.download_filing(url, client.identity)
