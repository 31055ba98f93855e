"""Reported numbers: source preference, YTD derivation, QoQ/YoY and derived operating margin."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from claims.metrics import MetricSeries, quarterly_series
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

AMZN = 1018724


def _fact(store: Store, metric: str, value: float, start: str, end: str, months: int,
          source: str, year: int, quarter: int | None) -> None:
    key = hashlib.sha1(f"{metric}{value}{start}{end}{source}".encode()).hexdigest()
    store.con.execute(
        "INSERT INTO facts (fact_id, cik, accession, concept, metric, value, unit, period_start,"
        " period_end, fiscal_year, fiscal_quarter, duration_months, source) "
        "VALUES (?, ?, 'acc', 'c', ?, ?, 'USD', ?, ?, ?, ?, ?, ?)",
        [key, AMZN, metric, value, dt.date.fromisoformat(start), dt.date.fromisoformat(end),
         year, quarter, months, source])


@pytest.fixture
def amzn(fresh_db: Store) -> Store:
    fresh_db.con.execute("INSERT INTO companies (cik, ticker, fiscal_year_end) "
                         "VALUES (?, 'AMZN', '1231')", [AMZN])
    return fresh_db


def test_filing_value_beats_release_text_and_companyfacts(amzn: Store) -> None:
    # Amazon Q2 2023 revenue: 10-Q inline XBRL 134,383M; the release rounds to 134.4B.
    _fact(amzn, "revenue", 134.4e9, "2023-04-01", "2023-06-30", 3, "release_text", 2023, 2)
    _fact(amzn, "revenue", 134.0e9, "2023-04-01", "2023-06-30", 3, "companyfacts", 2023, 2)
    _fact(amzn, "revenue", 134_383e6, "2023-04-01", "2023-06-30", 3, "inline_xbrl", 2023, 2)
    point = quarterly_series(amzn, "AMZN", "revenue")[FiscalQuarter(2023, 2)]
    assert (point.value, point.source) == (134_383e6, "inline_xbrl")


def test_quarter_derived_from_year_to_date_values(amzn: Store) -> None:
    # Cash capex is reported year to date in 10-Qs: H1 2023 25,671M, Q1 2023 14,207M.
    _fact(amzn, "capex", 14_207e6, "2023-01-01", "2023-03-31", 3, "inline_xbrl", 2023, 1)
    _fact(amzn, "capex", 25_671e6, "2023-01-01", "2023-06-30", 6, "inline_xbrl", 2023, None)
    q2 = quarterly_series(amzn, "AMZN", "capex")[FiscalQuarter(2023, 2)]
    assert q2.value == pytest.approx(11_464e6) and q2.derived


def test_operating_margin_change_in_points_against_expected_direction(amzn: Store) -> None:
    for year, quarter, revenue, income in ((2022, 3, 127.1e9, 2.5e9), (2023, 2, 134.4e9, 7.7e9),
                                           (2023, 3, 143.1e9, 11.2e9)):
        end = {2: "06-30", 3: "09-30"}[quarter]
        start = {2: "04-01", 3: "07-01"}[quarter]
        _fact(amzn, "revenue", revenue, f"{year}-{start}", f"{year}-{end}", 3, "release_text",
              year, quarter)
        _fact(amzn, "operating_income", income, f"{year}-{start}", f"{year}-{end}", 3,
              "release_text", year, quarter)
    change = MetricSeries(amzn, "AMZN").change("operating_margin", FiscalQuarter(2023, 3), "up")
    assert change["value"] == pytest.approx(11.2 / 143.1, abs=1e-4)
    assert change["yoy"] == pytest.approx((11.2 / 143.1 - 2.5 / 127.1) * 100, abs=0.01)
    assert change["qoq"] == pytest.approx((11.2 / 143.1 - 7.7 / 134.4) * 100, abs=0.01)
    assert change["yoy_agrees"] == 1 and change["score"] == 1.0
    down = MetricSeries(amzn, "AMZN").change("operating_margin", FiscalQuarter(2023, 3), "down")
    assert down["score"] == -1.0


def test_amazon_capex_from_the_shared_filings(shared_db: Store) -> None:
    series = MetricSeries(shared_db, "AMZN")
    capex = series.series("capex")
    q2_2023 = capex[FiscalQuarter(2023, 2)]
    assert FiscalQuarter(2022, 2) in capex  # the comparative quarter of the Q2 2023 10-Q
    assert q2_2023.source == "inline_xbrl" and 10e9 < q2_2023.value < 13e9
    change = series.change("capex", FiscalQuarter(2023, 2), "down")
    assert change["yoy"] < -20  # Amazon cut capex in 2023 ...
    assert change["yoy_agrees"] == 1
    assert series.change("capex", FiscalQuarter(2024, 1), "down")["yoy"] > 0  # ... not in 2024
