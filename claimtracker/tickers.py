"""One company = one CIK: map any of a company's tickers to the one ticker the DB uses.

Alphabet trades as GOOGL and GOOG, and vendors file its calls under either, while EDGAR
files everything under CIK 1652044. So every stage keys a company on its CIK and names it by
ONE canonical ticker:

1. the ticker the `companies` table holds for that CIK (what filings' sentences carry), else
2. the first ticker EDGAR's company_tickers.json lists for that CIK (GOOGL before GOOG),
3. else the ticker itself, upper-cased (a company EDGAR does not list).

The ticker -> CIK listing is read from the copy `claimtracker ingest/update` caches
(data/raw/edgar-api/files/company_tickers.json) and from the EDGAR mirror in ../shared; each
file is parsed once per process (cached on path and modification time), so calling
`canonical_ticker` per row or per request costs one indexed SQL lookup at most.

    >>> canonical_ticker(None, "goog")           # doctest: +SKIP
    'GOOGL'
    >>> canonical_ticker(store.con, "GOOGL")     # companies holds 1652044 as GOOG  # +SKIP
    'GOOG'
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtracker import config

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
_RELATIVE = Path("files") / "company_tickers.json"
#: Where the listing is looked for, first found wins per ticker: the copy the EDGAR sync
#: caches (fresher), then the recorded mirror of www.sec.gov beside the repository.
LISTING_FILES: tuple[Path, ...] = (
    config.DEFAULT_CACHE_DIR / "edgar-api" / _RELATIVE,
    REPO_ROOT.parent / "shared" / "edgar" / "mirror" / "www.sec.gov" / _RELATIVE,
)


@dataclass(frozen=True)
class Listing:
    """EDGAR's ticker list: ticker -> CIK, and each CIK's tickers in EDGAR's order."""

    cik_by_ticker: dict[str, int] = field(default_factory=dict)
    tickers_by_cik: dict[int, tuple[str, ...]] = field(default_factory=dict)


def _norm(ticker: str) -> str:
    return ticker.strip().upper()


@lru_cache(maxsize=8)
def _parse(path: str, mtime_ns: int) -> Listing:
    """Parse one company_tickers.json (cached: the file is 9,000+ rows)."""
    try:
        raw: Any = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable company ticker list (%s); ignored", path, exc)
        return Listing()
    rows = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    by_ticker: dict[str, int] = {}
    by_cik: dict[int, list[str]] = {}
    for row in rows:
        if not isinstance(row, dict) or "ticker" not in row or "cik_str" not in row:
            continue
        ticker, cik = _norm(str(row["ticker"])), int(row["cik_str"])
        by_ticker.setdefault(ticker, cik)
        by_cik.setdefault(cik, [])
        if ticker not in by_cik[cik]:
            by_cik[cik].append(ticker)
    return Listing(by_ticker, {cik: tuple(t) for cik, t in by_cik.items()})


def listing(paths: Sequence[Path] | None = None) -> Listing:
    """The merged ticker list of `paths` (default LISTING_FILES); empty if none exists."""
    present: list[tuple[str, int]] = []
    for path in paths if paths is not None else LISTING_FILES:
        try:
            present.append((str(path.resolve()), path.stat().st_mtime_ns))
        except OSError:
            continue
    return _merged(tuple(present))


@lru_cache(maxsize=8)
def _merged(files: tuple[tuple[str, int], ...]) -> Listing:
    """Listings merged in order (cached on paths and modification times)."""
    if len(files) == 1:
        return _parse(*files[0])
    merged_ticker: dict[str, int] = {}
    merged_cik: dict[int, list[str]] = {}
    for path, mtime in files:
        part = _parse(path, mtime)
        for ticker, cik in part.cik_by_ticker.items():
            merged_ticker.setdefault(ticker, cik)
        for cik, tickers in part.tickers_by_cik.items():
            known = merged_cik.setdefault(cik, [])
            known += [t for t in tickers if t not in known]
    return Listing(merged_ticker, {cik: tuple(t) for cik, t in merged_cik.items()})


def _company_by_ticker(con: Any, ticker: str) -> tuple[int, str] | None:
    row = con.execute(
        "SELECT cik, ticker FROM companies WHERE upper(ticker) = ? "
        "ORDER BY tracked DESC, cik LIMIT 1", [ticker],
    ).fetchone()
    return (int(row[0]), _norm(row[1])) if row else None


def _company_ticker(con: Any, cik: int) -> str | None:
    row = con.execute(
        "SELECT ticker FROM companies WHERE cik = ? AND ticker IS NOT NULL", [cik]
    ).fetchone()
    return _norm(row[0]) if row and row[0] else None


def cik_of(con: Any, ticker: str, *, paths: Sequence[Path] | None = None) -> int | None:
    """The CIK of `ticker` (companies table first, then EDGAR's list); None if unknown."""
    key = _norm(ticker)
    if not key:
        return None
    if con is not None:
        found = _company_by_ticker(con, key)
        if found:
            return found[0]
    return listing(paths).cik_by_ticker.get(key)


def canonical_ticker(con: Any, ticker: str, *, paths: Sequence[Path] | None = None) -> str:
    """The one ticker this DB uses for `ticker`'s company (see the module docstring).

    `con` is a DuckDB connection (or None: EDGAR's list only). Unknown tickers come back
    upper-cased, so callers can always use the result in a `WHERE upper(ticker) = ?`.
    """
    key = _norm(ticker)
    if not key:
        return key
    if con is not None:
        found = _company_by_ticker(con, key)
        if found:
            return found[1]
    cik = listing(paths).cik_by_ticker.get(key)
    if cik is None:
        return key
    return canonical_of_cik(con, cik, paths=paths) or key


def canonical_of_cik(con: Any, cik: int, *, paths: Sequence[Path] | None = None) -> str | None:
    """The canonical ticker of a CIK: companies' ticker, else EDGAR's first listed one."""
    if con is not None:
        stored = _company_ticker(con, cik)
        if stored:
            return stored
    listed = listing(paths).tickers_by_cik.get(int(cik), ())
    return listed[0] if listed else None


def tickers_of_cik(con: Any, cik: int, *, paths: Sequence[Path] | None = None) -> list[str]:
    """Every ticker of the company, canonical first (for 'search --ticker GOOGL' to find GOOG
    rows written before a ticker was canonical, filter on all of them)."""
    canonical = canonical_of_cik(con, cik, paths=paths)
    others = list(listing(paths).tickers_by_cik.get(int(cik), ()))
    if con is not None:
        others += [
            _norm(t) for (t,) in con.execute(
                "SELECT DISTINCT ticker FROM calls WHERE cik = ? AND ticker IS NOT NULL "
                "ORDER BY 1", [cik],
            ).fetchall()
        ]
    ordered = ([canonical] if canonical else []) + others
    return list(dict.fromkeys(ordered))


def same_company_tickers(con: Any, ticker: str, *, paths: Sequence[Path] | None = None
                         ) -> list[str]:
    """All tickers of `ticker`'s company, canonical first; [TICKER] if its CIK is unknown."""
    cik = cik_of(con, ticker, paths=paths)
    if cik is None:
        return [_norm(ticker)]
    return tickers_of_cik(con, cik, paths=paths) or [_norm(ticker)]
