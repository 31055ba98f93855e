"""Fiscal quarters for December, September (Apple), June (Microsoft) and January (NVIDIA) years."""

from __future__ import annotations

from datetime import date

import pytest

from claimtracker.errors import InputError
from claimtracker.quarters import (
    FiscalQuarter,
    calendar_quarter_end,
    fiscal_quarter_of,
    fiscal_year_end_month,
    quarter_before_date,
    snap_to_month_end,
)


@pytest.mark.parametrize(
    ("period_end", "fye_month", "expected"),
    [
        (date(2024, 3, 31), 12, "2024Q1"),  # Amazon 10-Q
        (date(2024, 12, 31), 12, "2024Q4"),  # Amazon 10-K
        (date(2023, 7, 1), 9, "2023Q3"),  # Apple 10-Q, 52/53-week year ends early in July
        (date(2024, 9, 28), 9, "2024Q4"),  # Apple 10-K
        (date(2023, 7, 30), 1, "2024Q2"),  # NVIDIA 10-Q: fiscal 2024 ends January 2024
        (date(2024, 1, 28), 1, "2024Q4"),  # NVIDIA 10-K
        (date(2025, 10, 26), 1, "2026Q3"),  # NVIDIA "Q3 FY2026"
        (date(2025, 9, 30), 6, "2026Q1"),  # Microsoft "1Q26"
    ],
)
def test_fiscal_quarter_of(period_end: date, fye_month: int, expected: str) -> None:
    assert str(fiscal_quarter_of(period_end, fye_month)) == expected


def test_release_date_maps_to_the_quarter_it_reports() -> None:
    # Amazon's 8-K filed 2024-10-31 reports Q3 2024; the one of 2024-02-01 reports Q4 2023.
    assert quarter_before_date(date(2024, 10, 31)) == FiscalQuarter(2024, 3)
    assert quarter_before_date(date(2024, 2, 1)) == FiscalQuarter(2023, 4)
    # NVIDIA reports fiscal Q3 2026 (ended late October 2025) on 2025-11-19.
    assert quarter_before_date(date(2025, 11, 19), 1) == FiscalQuarter(2026, 3)


def test_snap_and_fye_month() -> None:
    assert snap_to_month_end(date(2023, 7, 1)) == date(2023, 6, 30)
    assert snap_to_month_end(date(2024, 1, 28)) == date(2024, 1, 31)
    assert fiscal_year_end_month("0928") == 9
    assert fiscal_year_end_month("0102") == 12  # a year ending on Jan 2 is a December year
    assert fiscal_year_end_month(None) == 12


def test_calendar_quarter_end_round_trips() -> None:
    for fye in (12, 9, 6, 1):
        for q in (FiscalQuarter(2024, n) for n in range(1, 5)):
            assert fiscal_quarter_of(calendar_quarter_end(q, fye), fye) == q


def test_parse_and_order() -> None:
    assert FiscalQuarter.parse("2025Q3") == FiscalQuarter(2025, 3)
    assert FiscalQuarter.parse("fy2025-q3") == FiscalQuarter(2025, 3)
    assert FiscalQuarter(2024, 4).shift(1) == FiscalQuarter(2025, 1)
    assert sorted([FiscalQuarter(2025, 1), FiscalQuarter(2024, 4)])[0] == FiscalQuarter(2024, 4)
    with pytest.raises(InputError, match="2025Q5"):
        FiscalQuarter.parse("2025Q5")
