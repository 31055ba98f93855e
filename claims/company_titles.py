"""Company names from outside data/companies.yaml: EDGAR's company_tickers.json titles and the
DB's `companies` table, normalised to the names articles write ("NVIDIA CORP" -> "NVIDIA").

Kept apart from claims.companies (which reads an article for companies) because this is
about where the listing comes from: a cached or fetched file, or the DB.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtracker.errors import ConfigError

log = logging.getLogger(__name__)
_LEGAL = {"inc", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp",
          "sa", "nv", "ag", "se", "com", "de", "md", "uk", "the", "cl", "class", "a", "adr"}


def normalise_title(title: str) -> str:
    """EDGAR title -> the name an article writes: "NVIDIA CORP" -> "NVIDIA", "AMAZON COM INC"
    -> "AMAZON", "Meta Platforms, Inc." -> "Meta Platforms"."""
    words = re.sub(r"[,.]", " ", re.sub(r"/[A-Z]{2,3}/?", " ", title)).split()
    while words and words[-1].casefold().strip("'") in _LEGAL:
        words.pop()
    return " ".join(words)


def listing_files() -> list[Path]:
    from claimtracker.tickers import LISTING_FILES

    return list(LISTING_FILES)


def ensure_listing() -> None:
    """Fetch EDGAR's company_tickers.json into the download cache when no copy exists and an
    EDGAR identity is configured (offline, the data file's names still work)."""
    if any(path.exists() for path in listing_files()):
        return
    from claimtracker import config

    try:
        config.sec_identity()
    except ConfigError:
        return  # live EDGAR not configured
    try:
        from ingest.edgar.api import company_tickers
        from ingest.edgar.client import EdgarClient

        with EdgarClient.from_config() as client:
            company_tickers(client, config.DEFAULT_CACHE_DIR)
    except Exception as exc:  # a network failure must not stop drafting
        log.warning("could not fetch EDGAR's company list (%s); using data/companies.yaml", exc)


@lru_cache(maxsize=4)
def edgar_titles(paths: tuple[Path, ...]) -> tuple[dict[str, tuple[str, int]], frozenset[str]]:
    """(normalised title casefolded -> (ticker, cik), every listed ticker) from the listing."""
    titles: dict[str, tuple[str, int]] = {}
    tickers: set[str] = set()
    for path in paths:
        try:
            raw = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        for row in (raw.values() if isinstance(raw, dict) else raw):
            if not isinstance(row, dict) or "ticker" not in row:
                continue
            ticker = str(row["ticker"]).upper()
            tickers.add(ticker)
            name = normalise_title(str(row.get("title", "")))
            if len(name) >= 3:
                titles.setdefault(name.casefold(), (ticker, int(row.get("cik_str", 0))))
    return titles, frozenset(tickers)


def db_titles(con: Any) -> dict[str, tuple[str, int]]:
    if con is None:
        return {}
    try:
        rows = con.execute("SELECT ticker, name, cik FROM companies "
                           "WHERE ticker IS NOT NULL AND name IS NOT NULL").fetchall()
    except Exception:  # an old or empty DB simply adds no names
        return {}
    return {normalise_title(name).casefold(): (str(t).upper(), int(cik))
            for t, name, cik in rows if len(normalise_title(name)) >= 3}
