"""Fiscal quarters: the one place that maps dates to a company's fiscal year and quarter.

Companies with 52/53-week years end their periods near, not at, a month end (Apple's
2023-07-01, NVIDIA's 2024-01-28), so a period end is first snapped to the nearest month end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from claimtracker.errors import InputError

_QUARTER_RE = re.compile(r"^\s*(?:FY)?(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A fiscal year and quarter, ordered; `str()` gives "2025Q3"."""

    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def index(self) -> int:
        """A running number, so that consecutive quarters differ by one."""
        return self.year * 4 + (self.quarter - 1)

    @classmethod
    def from_index(cls, index: int) -> FiscalQuarter:
        return cls(index // 4, index % 4 + 1)

    def shift(self, quarters: int) -> FiscalQuarter:
        return FiscalQuarter.from_index(self.index + quarters)

    @classmethod
    def parse(cls, text: str) -> FiscalQuarter:
        """Parse "2025Q3" (also "2025-Q3", "FY2025Q3"); raise InputError naming the text."""
        match = _QUARTER_RE.match(text or "")
        if not match:
            raise InputError(f"{text!r} is not a fiscal quarter: write it as 2025Q3.")
        return cls(int(match.group(1)), int(match.group(2)))


def snap_to_month_end(day: date) -> date:
    """The month end nearest to `day` (2023-07-01 -> 2023-06-30, 2024-01-28 -> 2024-01-31)."""
    if day.day <= 15:
        return day.replace(day=1) - timedelta(days=1)
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def fiscal_year_end_month(fiscal_year_end: str | None) -> int:
    """Month of the fiscal year end from EDGAR's "MMDD" (e.g. "0928" -> 9); December if unknown."""
    if not fiscal_year_end:
        return 12
    mmdd = fiscal_year_end.strip().zfill(4)
    month, day = int(mmdd[:2]), int(mmdd[2:])
    if not 1 <= month <= 12:
        return 12
    # A fiscal year ending on e.g. 0102 (first days of a month) belongs to the previous month.
    if day <= 7:
        month = 12 if month == 1 else month - 1
    return month


def fiscal_quarter_of(period_end: date, fye_month: int = 12) -> FiscalQuarter:
    """The fiscal quarter whose period ends on (or near) `period_end`."""
    end = snap_to_month_end(period_end)
    fiscal_year = end.year + 1 if end.month > fye_month else end.year
    months_into_year = (end.month - fye_month - 1) % 12  # 0..11
    return FiscalQuarter(fiscal_year, months_into_year // 3 + 1)


def quarter_before_date(day: date, fye_month: int = 12) -> FiscalQuarter:
    """The last fiscal quarter that ended before `day`: what a results release or call reports."""
    end = snap_to_month_end(day)
    if end >= day - timedelta(days=3):  # a date late in a month: that month is not over yet
        end = end.replace(day=1) - timedelta(days=1)
    # Step back to the most recent fiscal quarter end month.
    while (end.month - fye_month) % 3 != 0:
        end = end.replace(day=1) - timedelta(days=1)
    return fiscal_quarter_of(end, fye_month)


def calendar_quarter_end(quarter: FiscalQuarter, fye_month: int = 12) -> date:
    """Calendar month end of a fiscal quarter (nominal: 52/53-week years end a few days off)."""
    months_from_fye = quarter.quarter * 3  # months after the previous fiscal year end
    month_index = (quarter.year - 1) * 12 + (fye_month - 1) + months_from_fye
    year, month0 = divmod(month_index, 12)
    first_of_next = date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def period_months(start: date | None, end: date | None) -> int | None:
    """Whole months of a period (at least one); None for an instant (no start)."""
    if start is None or end is None:
        return None
    return max(1, round(((end - start).days + 1) / 30.44))


def fiscal_slot(start: date | None, end: date | None,
                fye_month: int) -> tuple[int | None, int | None, int | None]:
    """(fiscal_year, fiscal_quarter, duration_months) of a reported value's period.

    Quarter only for three-month periods; fiscal year for periods ending at a fiscal quarter
    end; instants at a quarter end (not the year end) get that quarter.
    """
    if end is None:
        return None, None, None
    months = period_months(start, end)
    fq = fiscal_quarter_of(end, fye_month)
    if months == 3:
        return fq.year, fq.quarter, months
    if months is None:  # instant
        at_quarter_end = (snap_to_month_end(end).month - fye_month) % 3 == 0
        return fq.year, (fq.quarter if at_quarter_end and fq.quarter != 4 else None), None
    return fq.year, None, months


def event_quarter(day: date, fye_month: int = 12) -> FiscalQuarter:
    """The fiscal quarter a date falls in (an 8-K that reports no results belongs there)."""
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return fiscal_quarter_of(month_end, fye_month)


_FOCUS_QUARTER = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4, "FY": 4}


def periodic_quarter(form: str, year_focus: str | None, period_focus: str | None,
                     period_end: date | None, fye_month: int = 12) -> FiscalQuarter | None:
    """The quarter a 10-Q/10-K reports: its own fiscal focus (dei:DocumentFiscalYearFocus and
    DocumentFiscalPeriodFocus, "FY" is Q4) when it states one, else from its period end."""
    year_text = year_focus or ""
    focus = (period_focus or "").upper()
    if year_text.isdigit() and focus in _FOCUS_QUARTER:
        return FiscalQuarter(int(year_text), _FOCUS_QUARTER[focus])
    if period_end is None:
        return None
    fq = fiscal_quarter_of(period_end, fye_month)
    return FiscalQuarter(fq.year, 4) if form.upper().startswith("10-K") else fq


_FYE_NUMERIC_RE = re.compile(r"-*(\d{1,2})[-/](\d{1,2})")
_FYE_NAME_FORMATS = ("%B %d, %Y", "%b %d, %Y")


def normalise_fye(value: str | None) -> str | None:
    """A fiscal year end as EDGAR's "MMDD": '--12-31', 'December 31', '12/31', '1231' -> '1231'."""
    if not value:
        return None
    text = value.strip()
    match = _FYE_NUMERIC_RE.fullmatch(text)
    if match:
        return f"{int(match.group(1)):02d}{int(match.group(2)):02d}"
    if re.fullmatch(r"\d{4}", text):
        return text
    named = re.sub(r"\s+", " ", f"{text}, 2001".replace("\u00a0", " ")).strip()
    for fmt in _FYE_NAME_FORMATS:
        try:
            return datetime.strptime(named, fmt).strftime("%m%d")
        except ValueError:
            continue
    return None
