"""EDGAR's JSON endpoints (ticker list, submissions, companyfacts), cached with conditional GET.

Each JSON answer is kept under `<cache_dir>/edgar-api/<path>` with its Last-Modified/ETag in a
sidecar file. The next request sends If-Modified-Since / If-None-Match, so an unchanged
document costs EDGAR a 304 and no body, and a rerun with nothing new downloads nothing.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from claimtracker.errors import NotFoundError
from ingest.edgar.atomic_file import write_atomic
from ingest.edgar.client import EdgarClient

log = logging.getLogger(__name__)

API_CACHE_DIR = "edgar-api"
TICKERS_PATH = "files/company_tickers.json"


def cik10(cik: int | str) -> str:
    """EDGAR's zero-padded CIK, as used in data.sec.gov file names."""
    return str(int(cik)).zfill(10)


def cached_json(client: EdgarClient, url: str, cache_file: Path, *, what: str) -> Any:
    """GET `url` as JSON, revalidating `cache_file` instead of downloading it again."""
    meta_file = cache_file.with_name(f".{cache_file.name}.validators")  # hidden: not a filing
    headers: dict[str, str] = {}
    if cache_file.exists() and meta_file.exists():
        try:
            meta = json.loads(meta_file.read_text())
        except ValueError:
            meta = {}
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
    data, response = client.get_json(url, what=what, headers=headers or None)
    if response.status_code == 304:
        log.info("%s not modified; using %s", url, cache_file)
        return json.loads(cache_file.read_bytes())
    write_atomic(cache_file, response.content)
    validators = {
        "url": url,
        "last_modified": response.headers.get("Last-Modified"),
        "etag": response.headers.get("ETag"),
    }
    write_atomic(meta_file, json.dumps(validators).encode())
    return data


def _cache_file(cache_dir: Path, relative: str) -> Path:
    return cache_dir / API_CACHE_DIR / relative


def company_tickers(client: EdgarClient, cache_dir: Path) -> dict[str, tuple[int, str]]:
    """Ticker (upper case) -> (CIK, company name) from www.sec.gov/files/company_tickers.json."""
    raw = cached_json(
        client,
        client.www_url(TICKERS_PATH),
        _cache_file(cache_dir, TICKERS_PATH),
        what="company ticker list",
    )
    rows = raw.values() if isinstance(raw, dict) else raw
    return {
        str(row["ticker"]).upper(): (int(row["cik_str"]), str(row.get("title") or ""))
        for row in rows
    }


def submissions(client: EdgarClient, cik: int, cache_dir: Path, page: str | None = None) -> Any:
    """The submissions JSON of a company, or one of its extra pages (`...-submissions-001.json`)."""
    name = page or f"CIK{cik10(cik)}.json"
    try:
        return cached_json(
            client,
            client.data_url(f"submissions/{name}"),
            _cache_file(cache_dir, f"submissions/{name}"),
            what=f"submissions page {name}" if page else f"submissions of CIK {cik}",
        )
    except NotFoundError as exc:
        if page:
            raise
        raise NotFoundError(
            f"EDGAR has no company with CIK {cik} ({exc.url} answered {exc.status}); "
            "check the CIK or ticker.",
            url=exc.url,
            status=exc.status,
        ) from exc


def companyfacts(client: EdgarClient, cik: int, cache_dir: Path) -> Any:
    """XBRL companyfacts JSON of a company (every reported value of every concept)."""
    name = f"CIK{cik10(cik)}.json"
    return cached_json(
        client,
        client.data_url(f"api/xbrl/companyfacts/{name}"),
        _cache_file(cache_dir, f"companyfacts/{name}"),
        what=f"companyfacts of CIK {cik}",
    )
