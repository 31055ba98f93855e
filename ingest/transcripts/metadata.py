"""Company ticker, fiscal quarter and call date from a transcript's title line and file name.

Fiscal year and quarter are taken AS THE COMPANY STATES THEM in the title ("Q3 2026" on an
NVIDIA call is fiscal 2026 Q3, held in November 2025) or in the vendor's file name ("1Q26" for
Microsoft is FY2026 Q1). Only when neither says it is the quarter derived from the call date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from claimtracker.quarters import FiscalQuarter

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE_RE = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO_NAME_DATE_RE = re.compile(r"(\d{4})-([A-Za-z]{3})-(\d{2})")
# "Q3 2025", "Q3 FY2026", "Q3 Fiscal 2026", "FY2026 Q3", "FY26 Q3"
_TITLE_QUARTER_RES = (
    re.compile(r"\bQ([1-4])\s+(?:FY\s*|Fiscal\s+(?:Year\s+)?)?'?(\d{4}|\d{2})\b", re.IGNORECASE),
    re.compile(r"\bFY\s*'?(\d{4}|\d{2})\s+Q([1-4])\b", re.IGNORECASE),
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_SPELLED_RE = re.compile(
    r"\bFiscal\s+Year\s+(\d{4})\s+(First|Second|Third|Fourth)\s+Quarter\b", re.IGNORECASE
)
_NAME_QUARTER_RE = re.compile(r"(?:^|[_\-\s])([1-4])Q(\d{2}|\d{4})(?=$|[_\-\s.])", re.IGNORECASE)
_NAME_TICKER_RES = (
    re.compile(r"^([A-Z][A-Z.]{0,5})_"),          # AMZN_3Q25_presentation.txt
    re.compile(r"-([A-Z][A-Z.]{0,5})$"),          # 2016-Jan-28-AMZN.txt
)
_HEADER_TICKER_RE = re.compile(r"\((?:[A-Z]+:)?([A-Z][A-Z.]{0,5})\)")
_FOLDER_TICKER_RE = re.compile(r"^[A-Z][A-Z.]{0,5}$")


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def quarter_from_title(title: str | None) -> FiscalQuarter | None:
    """The fiscal quarter a title line names, e.g. 'Q4 2015 Amazon.com Inc Earnings Call'."""
    if not title:
        return None
    match = _TITLE_QUARTER_RES[0].search(title)
    if match:
        return FiscalQuarter(_year(match.group(2)), int(match.group(1)))
    match = _TITLE_QUARTER_RES[1].search(title)
    if match:
        return FiscalQuarter(_year(match.group(1)), int(match.group(2)))
    match = _SPELLED_RE.search(title)
    if match:
        return FiscalQuarter(int(match.group(1)), _ORDINALS[match.group(2).lower()])
    return None


def quarter_from_filename(path: Path) -> FiscalQuarter | None:
    """'3Q25' style quarters in vendor file names (AMZN_3Q25.txt, MSFT_1Q26_qna.txt)."""
    match = _NAME_QUARTER_RE.search(path.stem)
    if not match:
        return None
    return FiscalQuarter(_year(match.group(2)), int(match.group(1)))


def date_from_text(text: str | None) -> date | None:
    """The first 'October 30, 2025' / 'JANUARY 28, 2016' date in `text`."""
    if not text:
        return None
    match = _DATE_RE.search(text)
    if not match:
        return None
    try:
        return datetime.strptime(
            f"{match.group(1).title()} {match.group(2)} {match.group(3)}", "%B %d %Y"
        ).date()
    except ValueError:
        return None


def date_from_filename(path: Path) -> date | None:
    """'2016-Jan-28-AMZN.txt' style dates."""
    match = _ISO_NAME_DATE_RE.search(path.stem)
    if not match:
        return None
    try:
        return datetime.strptime("-".join(match.groups()), "%Y-%b-%d").date()
    except ValueError:
        return None


def ticker_from_path(path: Path) -> str | None:
    """Ticker from the file name, else from a ticker-like parent folder (transcripts/AMZN/)."""
    for pattern in _NAME_TICKER_RES:
        match = pattern.search(path.stem)
        if match:
            return match.group(1).rstrip(".")
    folder = path.parent.name
    if _FOLDER_TICKER_RE.match(folder):
        return folder
    return None


def ticker_from_title(title: str | None) -> str | None:
    """'(NASDAQ:AMZN)' or '(GOOGL)' in an S&P-style title line."""
    if not title:
        return None
    match = _HEADER_TICKER_RE.search(title)
    return match.group(1).rstrip(".") if match else None
