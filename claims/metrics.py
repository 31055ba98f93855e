"""Reported numbers for metric claims: one value per fiscal quarter, and its QoQ / YoY change.

Several sources can report the same number (a 10-Q's inline XBRL, the earnings release text,
companyfacts). Filings win, then the release text, then companyfacts, because that is the
order of how authoritative and how precisely dated they are. Quarterly (3-month) values are
preferred; a missing quarter is derived from year-to-date values (Q3 = 9M - 6M), which is how
cash-flow items such as capex are reported in 10-Qs. Derived metrics:
operating_margin = operating_income / revenue, and operating_leverage = YoY growth of operating
income minus YoY growth of revenue (profits outgrowing sales).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter, fiscal_quarter_of, fiscal_year_end_month

SOURCE_RANK = {"inline_xbrl": 0, "xbrl_instance": 0, "release_text": 1, "companyfacts": 2}
FLOW_METRICS = ("revenue", "operating_income", "net_income", "capex")
INSTANT_METRICS = ("employees",)
#: Changes smaller than this count as flat: 1% for amounts, 0.5 points for ratios.
FLAT_PCT = 1.0
FLAT_POINTS = 0.5


@dataclass(frozen=True)
class Point:
    """One quarter's value of one metric and where it came from."""

    value: float
    source: str
    accession: str | None
    period_end: dt.date | None
    derived: bool = False


def company_fye_month(store: Store, ticker: str) -> tuple[int | None, int]:
    row = store.con.execute(
        "SELECT cik, fiscal_year_end FROM companies WHERE upper(ticker) = upper(?) LIMIT 1",
        [ticker],
    ).fetchone()
    if not row:
        return None, 12
    return row[0], fiscal_year_end_month(row[1])


def _rank(source: str, derived: bool) -> tuple[int, int]:
    return SOURCE_RANK.get(source, 3), int(derived)


def _fact_rows(store: Store, cik: int, metric: str) -> list[tuple[Any, ...]]:
    return store.con.execute(
        "SELECT value, source, accession, period_start, period_end, fiscal_year, fiscal_quarter, "
        "duration_months, derived FROM facts "
        "WHERE cik = ? AND metric = ? AND (dimensions IS NULL OR dimensions IN ('', '{}'))",
        [cik, metric],
    ).fetchall()


def _keep_best(series: dict[FiscalQuarter, Point], quarter: FiscalQuarter, point: Point) -> None:
    current = series.get(quarter)
    if current is None or (_rank(point.source, point.derived)
                           < _rank(current.source, current.derived)):
        series[quarter] = point


def quarterly_series(store: Store, ticker: str, metric: str) -> dict[FiscalQuarter, Point]:
    """The best value of a facts metric for every fiscal quarter that has one."""
    cik, fye = company_fye_month(store, ticker)
    if cik is None:
        return {}
    rows = _fact_rows(store, cik, metric)
    series: dict[FiscalQuarter, Point] = {}
    if metric in INSTANT_METRICS:
        for value, source, acc, _start, end, *_rest, derived in rows:
            if end is not None:
                _keep_best(series, fiscal_quarter_of(end, fye),
                           Point(value, source, acc, end, bool(derived)))
        return series
    cumulative: dict[tuple[int, int, str], Point] = {}  # (fiscal_year, months, source) -> YTD
    for value, source, acc, _start, end, year, quarter, months, derived in rows:
        if end is None or months is None:
            continue
        fq = fiscal_quarter_of(end, fye)
        if months == 3:
            _keep_best(series, FiscalQuarter(year or fq.year, quarter or fq.quarter),
                       Point(value, source, acc, end, bool(derived)))
        elif months in (6, 9, 12) and fq.quarter == months // 3:
            key = (fq.year, months, source)
            if key not in cumulative:
                cumulative[key] = Point(value, source, acc, end, bool(derived))
    # Quarters reported only year-to-date: Qn = YTD(n) - YTD(n-1), within one source.
    for (year, months, source), ytd in cumulative.items():
        quarter = FiscalQuarter(year, months // 3)
        if quarter in series and not series[quarter].derived:
            continue
        if months == 6 or months == 9 or months == 12:
            previous = cumulative.get((year, months - 3, source))
            if previous is None and months == 6:
                first = series.get(FiscalQuarter(year, 1))
                previous = first if first and first.source == source else None
            if previous is None:
                continue
            _keep_best(series, quarter, Point(ytd.value - previous.value, source, ytd.accession,
                                              ytd.period_end, derived=True))
    return series


def _pct(new: float, old: float | None) -> float | None:
    if old in (None, 0):
        return None
    return round((new - old) / abs(old) * 100, 2)


def _points(new: float, old: float | None) -> float | None:
    return None if old is None else round((new - old) * 100, 2)


def _judge(change: float | None, expected: str, tolerance: float) -> int | None:
    """+1 if a change goes the expected way, -1 if against, 0 for flat (None if unknown)."""
    if change is None:
        return None
    moved = "flat" if abs(change) < tolerance else ("up" if change > 0 else "down")
    if moved == expected:
        return 1
    if moved == "flat" or expected == "flat":
        return 0 if expected != "flat" else -1
    return -1


class MetricSeries:
    """All the series one ticker's metric claims need, loaded once per scoring run."""

    def __init__(self, store: Store, ticker: str):
        self.store = store
        self.ticker = ticker
        self._cache: dict[str, dict[FiscalQuarter, Point]] = {}

    def series(self, metric: str) -> dict[FiscalQuarter, Point]:
        if metric not in self._cache:
            self._cache[metric] = quarterly_series(self.store, self.ticker, metric)
        return self._cache[metric]

    def quarters(self) -> set[FiscalQuarter]:
        found: set[FiscalQuarter] = set()
        for metric in FLOW_METRICS + INSTANT_METRICS:
            found |= set(self.series(metric))
        return found

    def _margin(self, quarter: FiscalQuarter) -> float | None:
        income = self.series("operating_income").get(quarter)
        revenue = self.series("revenue").get(quarter)
        if income is None or revenue is None or not revenue.value:
            return None
        return income.value / revenue.value

    def change(self, metric: str, quarter: FiscalQuarter, expected: str) -> dict[str, Any] | None:
        """The metric's value in `quarter`, its QoQ and YoY change, judged against `expected`."""
        if metric == "operating_margin":
            return self._ratio_change(quarter, expected)
        if metric == "operating_leverage":
            return self._leverage_change(quarter, expected)
        point = self.series(metric).get(quarter)
        if point is None:
            return None
        previous = self.series(metric).get(quarter.shift(-1))
        year_ago = self.series(metric).get(quarter.shift(-4))
        qoq = _pct(point.value, previous.value if previous else None)
        yoy = _pct(point.value, year_ago.value if year_ago else None)
        return self._result(metric, quarter, expected, point.value, "USD"
                            if metric != "employees" else "people",
                            previous.value if previous else None,
                            year_ago.value if year_ago else None, qoq, yoy, "%", FLAT_PCT, point)

    def _ratio_change(self, quarter: FiscalQuarter, expected: str) -> dict[str, Any] | None:
        value = self._margin(quarter)
        if value is None:
            return None
        previous, year_ago = self._margin(quarter.shift(-1)), self._margin(quarter.shift(-4))
        source = self.series("operating_income")[quarter]
        return self._result("operating_margin", quarter, expected, round(value, 4), "ratio",
                            None if previous is None else round(previous, 4),
                            None if year_ago is None else round(year_ago, 4),
                            _points(value, previous), _points(value, year_ago), "pp",
                            FLAT_POINTS, source)

    def _growth_gap(self, quarter: FiscalQuarter, back: int) -> float | None:
        income, revenue = self.series("operating_income"), self.series("revenue")
        now_i, now_r = income.get(quarter), revenue.get(quarter)
        old_i, old_r = income.get(quarter.shift(-back)), revenue.get(quarter.shift(-back))
        if None in (now_i, now_r, old_i, old_r):
            return None
        gi = _pct(now_i.value, old_i.value)  # type: ignore[union-attr]
        gr = _pct(now_r.value, old_r.value)  # type: ignore[union-attr]
        return None if gi is None or gr is None else round(gi - gr, 2)

    def _leverage_change(self, quarter: FiscalQuarter, expected: str) -> dict[str, Any] | None:
        yoy = self._growth_gap(quarter, 4)
        qoq = self._growth_gap(quarter, 1)
        if yoy is None and qoq is None:
            return None
        source = self.series("operating_income")[quarter]
        return self._result("operating_leverage", quarter, expected, yoy, "pp", None, None,
                            qoq, yoy, "pp", FLAT_PCT, source)

    def _result(self, name: str, quarter: FiscalQuarter, expected: str, value: float | None,
                unit: str, previous: float | None, year_ago: float | None, qoq: float | None,
                yoy: float | None, change_unit: str, tolerance: float,
                point: Point) -> dict[str, Any]:
        yoy_sign = _judge(yoy, expected, tolerance)
        qoq_sign = _judge(qoq, expected, tolerance)
        return {
            "name": name, "quarter": str(quarter), "value": value, "unit": unit,
            "previous_quarter": previous, "year_ago": year_ago, "qoq": qoq, "yoy": yoy,
            "change_unit": change_unit, "expected": expected,
            "yoy_agrees": yoy_sign, "qoq_agrees": qoq_sign,
            "score": metric_score(yoy_sign, qoq_sign),
            "source": point.source, "accession": point.accession, "derived": point.derived,
        }


def metric_score(yoy_sign: int | None, qoq_sign: int | None) -> float | None:
    """YoY decides most (seasonality makes QoQ noisy): 0.7 * YoY + 0.3 * QoQ, renormalised."""
    parts = [(0.7, yoy_sign), (0.3, qoq_sign)]
    known = [(w, s) for w, s in parts if s is not None]
    if not known:
        return None
    return round(sum(w * s for w, s in known) / sum(w for w, _ in known), 3)
