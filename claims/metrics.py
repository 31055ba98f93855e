"""Reported numbers for metric claims: one value per fiscal quarter, and its QoQ / YoY change.

Every metric of the catalogue (data/metrics.yaml) works: base metrics are read from the facts
table (by metric or by any of their concepts), segment metrics from facts whose XBRL dimension
is one of the company's segment members, formula metrics (margins, intensities, free cash
flow, operating leverage) from the other series quarter by quarter.

Several sources can report the same number (a 10-Q's inline XBRL, the earnings release text,
companyfacts). This module is the one owner of "a quarter's value of a metric": the scorer,
the CLI and the app (Metrics page, Claims page chart) all read `quarter_values` /
`MetricSeries`. The preference (SOURCE_RANK), and why: a filing's XBRL (inline or instance)
comes first, because the 10-Q/10-K is the audited or reviewed statement filed with the SEC,
tagged with its exact concept and period, while the release text is a preliminary figure read
from prose or a table by our parser; the release text beats companyfacts, which re-serves
filing values but with a looser fiscal-period assignment. A value derived from a filing's
year-to-date figures (Q4 = FY - 9M from the 10-K) therefore beats the same quarter read from
a release: source first, then reported before derived, then the metric's preferred concept.
Quarterly (3-month) values are preferred; a missing quarter is derived
from year-to-date values (Q3 = 9M - 6M), which is how cash-flow items such as capex are
reported in 10-Qs. Ratios change in percentage points; `change: lag` metrics (operating
leverage = YoY growth of operating income minus YoY growth of revenue) are themselves changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from claimtracker.db import Store
from claimtracker.metric_catalog import MetricCatalog, MetricDef, load_catalog
from claimtracker.quarters import FiscalQuarter, fiscal_quarter_of, fiscal_year_end_month
from claimtracker.tickers import canonical_ticker

#: Source preference for one quarter's value (lower wins; see the module docstring for why).
SOURCE_RANK = {"inline_xbrl": 0, "xbrl_instance": 0, "release_text": 1, "companyfacts": 2}
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
    concept_rank: int = 0


@dataclass(frozen=True)
class Company:
    cik: int
    ticker: str
    fye_month: int


def find_company(store: Store, ticker: str) -> Company | None:
    """The company a ticker (or a CIK written as digits) names, with its fiscal year end."""
    wanted = canonical_ticker(store.con, ticker)  # one ticker per company: GOOGL -> GOOG
    row = store.con.execute(
        "SELECT cik, ticker, fiscal_year_end FROM companies WHERE upper(ticker) = ? "
        "OR upper(ticker) = ? OR (? AND cik = TRY_CAST(? AS BIGINT)) ORDER BY cik LIMIT 1",
        [wanted, ticker.upper(), ticker.strip().isdigit(), ticker.strip()],
    ).fetchone()
    if not row:
        return None
    return Company(row[0], (row[1] or wanted).upper(), fiscal_year_end_month(row[2]))


def company_fye_month(store: Store, ticker: str) -> tuple[int | None, int]:
    company = find_company(store, ticker)
    return (None, 12) if company is None else (company.cik, company.fye_month)


def _rank(point: Point) -> tuple[int, int, int]:
    return SOURCE_RANK.get(point.source, 3), int(point.derived), point.concept_rank


def _segment_match(dimensions: str | None, members: tuple[str, ...],
                   neutral: tuple[tuple[str, str], ...]) -> bool:
    """True if the fact's only (non-neutral) dimension member is one of `members`."""
    if not dimensions or dimensions in ("{}", ""):
        return False
    try:
        dims = json.loads(dimensions)
    except ValueError:
        return False
    narrowing = [member for axis, member in dims.items() if (axis, member) not in neutral]
    return len(narrowing) == 1 and narrowing[0] in members


def _fact_rows(store: Store, cik: int, metric: MetricDef, catalog: MetricCatalog,
               members: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """(value, source, accession, start, end, year, quarter, months, derived, concept_rank)."""
    name = metric.of or metric.id
    rows = store.con.execute(
        "SELECT value, source, accession, period_start, period_end, fiscal_year, fiscal_quarter, "
        "duration_months, derived, concept, dimensions FROM facts "
        "WHERE cik = ? AND (metric = ? OR list_contains(?, concept))",
        [cik, name, list(metric.concepts)],
    ).fetchall()
    out = []
    for *values, concept, dims in rows:
        if members:
            if not _segment_match(dims, members, catalog.neutral_dimensions):
                continue
        elif dims not in (None, "", "{}"):
            continue
        out.append((*values, catalog.concept_rank(concept)))
    return sorted(out, key=lambda r: (r[9], r[8], SOURCE_RANK.get(r[1], 3)))


def _members(store: Store, definition: MetricDef, ticker: str,
             company: Company) -> tuple[str, ...]:
    """The company's segment members, whichever of its tickers the catalogue keys them by."""
    for key in (ticker.upper(), company.ticker):
        if key in definition.segments:
            return definition.segments[key]
    for key, members in definition.segments.items():
        if canonical_ticker(store.con, key) == company.ticker:  # GOOG listed, DB says GOOGL
            return members
    return ()


def _keep_best(series: dict[FiscalQuarter, Point], quarter: FiscalQuarter, point: Point) -> None:
    current = series.get(quarter)
    if current is None or _rank(point) < _rank(current):
        series[quarter] = point


def _build(rows: list[tuple[Any, ...]], fye: int, instant: bool) -> dict[FiscalQuarter, Point]:
    series: dict[FiscalQuarter, Point] = {}
    if instant:
        for value, source, acc, _start, end, *_rest, derived, rank in rows:
            if end is not None:
                _keep_best(series, fiscal_quarter_of(end, fye),
                           Point(value, source, acc, end, bool(derived), rank))
        return series
    cumulative: dict[tuple[int, int, str], Point] = {}  # (fiscal_year, months, source) -> YTD
    for value, source, acc, _start, end, year, quarter, months, derived, rank in rows:
        if end is None or months is None:
            continue
        fq = fiscal_quarter_of(end, fye)
        if months == 3:
            _keep_best(series, FiscalQuarter(year or fq.year, quarter or fq.quarter),
                       Point(value, source, acc, end, bool(derived), rank))
        elif months in (6, 9, 12) and fq.quarter == months // 3:
            key = (fq.year, months, source)
            if key not in cumulative:  # rows come best concept first
                cumulative[key] = Point(value, source, acc, end, bool(derived), rank)
    # Quarters reported only year-to-date: Qn = YTD(n) - YTD(n-1), within one source. The
    # derived value competes by SOURCE_RANK like any other: a 10-K's Q4 beats a release's.
    for (year, months, source), ytd in cumulative.items():
        quarter = FiscalQuarter(year, months // 3)
        current = series.get(quarter)
        if current is not None and _rank(current) <= (SOURCE_RANK.get(source, 3), 1, 0):
            continue
        previous = cumulative.get((year, months - 3, source))
        if previous is None and months == 6:
            first = series.get(FiscalQuarter(year, 1))
            previous = first if first and first.source == source else None
        if previous is None:
            continue
        _keep_best(series, quarter, Point(ytd.value - previous.value, source, ytd.accession,
                                          ytd.period_end, True, ytd.concept_rank))
    return series


def quarterly_series(store: Store, ticker: str, metric: str,
                     catalog: MetricCatalog | None = None) -> dict[FiscalQuarter, Point]:
    """The best reported value of a facts metric (or segment metric) for every fiscal quarter."""
    catalog = catalog or load_catalog()
    company = find_company(store, ticker)
    if company is None:
        return {}
    definition = catalog.get(metric)
    members: tuple[str, ...] = ()
    if definition.is_segment:
        members = _members(store, definition, ticker, company)
        if not members:
            return {}
    if not definition.concepts and not members:
        return {}
    rows = _fact_rows(store, company.cik, definition, catalog, members)
    return _build(rows, company.fye_month, definition.kind == "instant")


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

    def __init__(self, store: Store, ticker: str, catalog: MetricCatalog | None = None):
        self.store = store
        self.ticker = ticker
        self.catalog = catalog or load_catalog()
        self._cache: dict[tuple[str, int], dict[FiscalQuarter, Point]] = {}

    def series(self, metric: str, lag: int = 4) -> dict[FiscalQuarter, Point]:
        """Quarter -> value; for `change: lag` metrics the change over `lag` quarters."""
        definition = self.catalog.get(metric)
        key = (metric, lag if definition.change == "lag" else 4)
        if key not in self._cache:
            reported = quarterly_series(self.store, self.ticker, metric, self.catalog) \
                if definition.concepts else {}
            if definition.formula:
                for quarter, point in self._formula_series(definition, key[1]).items():
                    reported.setdefault(quarter, point)
            self._cache[key] = reported
        return self._cache[key]

    def _formula_series(self, definition: MetricDef, lag: int) -> dict[FiscalQuarter, Point]:
        inputs = {name: self.series(name) for name in definition.inputs}
        if not inputs:
            return {}
        quarters = set.intersection(*(set(s) for s in inputs.values()))
        out: dict[FiscalQuarter, Point] = {}
        for quarter in sorted(quarters):
            def value(name: str, q: FiscalQuarter = quarter) -> float | None:
                point = inputs[name].get(q)
                return None if point is None else point.value

            def growth(name: str, q: FiscalQuarter = quarter) -> float | None:
                now, old = inputs[name].get(q), inputs[name].get(q.shift(-lag))
                return None if now is None or old is None else _pct(now.value, old.value)

            result = definition.evaluate(value, growth)
            if result is None:
                continue
            # Source and flags of the first input (operating income for the operating margin).
            first = inputs[definition.inputs[0]][quarter]
            out[quarter] = Point(result, first.source, first.accession, first.period_end,
                                 first.derived)
        return out

    def values(self, metric: str) -> list[dict[str, Any]]:
        """`[{quarter, value, source, derived, accession}]` of one metric, oldest first: the
        values the scorer judges (for `change: lag` metrics the YoY change), as every reader
        (CLI, app) shows them. A metric the catalogue does not know gives [] (a ledger may
        name a metric since removed from data/metrics.yaml).
        """
        definition = self.catalog.metrics.get(metric)
        if definition is None:
            return []
        return [{"quarter": str(quarter), "value": shown_value(definition, point.value),
                 "source": point.source, "derived": point.derived, "accession": point.accession}
                for quarter, point in sorted(self.series(metric).items())]

    def quarters(self) -> set[FiscalQuarter]:
        found: set[FiscalQuarter] = set()
        for metric in self.catalog.headline:
            found |= set(self.series(metric))
        return found

    def change(self, metric: str, quarter: FiscalQuarter, expected: str,
               basis: str = "yoy") -> dict[str, Any] | None:
        """The metric's value in `quarter`, its QoQ and YoY change, judged against `expected`
        (`basis` "qoq": a claim about a sequential move, judged on the QoQ change alone)."""
        result = self._change(metric, quarter, expected)
        if result is not None and basis == "qoq" and result["qoq_agrees"] is not None:
            result["score"] = metric_score(None, result["qoq_agrees"])
            result["basis"] = "qoq"
        return result

    def _change(self, metric: str, quarter: FiscalQuarter,
                expected: str) -> dict[str, Any] | None:
        definition = self.catalog.get(metric)
        if definition.change == "lag":
            return self._lag_change(definition, quarter, expected)
        series = self.series(metric)
        point = series.get(quarter)
        if point is None:
            return None
        previous = series.get(quarter.shift(-1))
        year_ago = series.get(quarter.shift(-4))
        old_q = previous.value if previous else None
        old_y = year_ago.value if year_ago else None
        if definition.change == "points":
            return self._result(metric, quarter, expected, shown_value(definition, point.value),
                                definition.unit,
                                None if old_q is None else round(old_q, 4),
                                None if old_y is None else round(old_y, 4),
                                _points(point.value, old_q), _points(point.value, old_y), "pp",
                                FLAT_POINTS, point)
        return self._result(metric, quarter, expected, point.value, definition.unit, old_q, old_y,
                            _pct(point.value, old_q), _pct(point.value, old_y), "%", FLAT_PCT,
                            point)

    def _lag_change(self, definition: MetricDef, quarter: FiscalQuarter,
                    expected: str) -> dict[str, Any] | None:
        yearly, quarterly = self.series(definition.id, 4), self.series(definition.id, 1)
        yoy_point, qoq_point = yearly.get(quarter), quarterly.get(quarter)
        if yoy_point is None and qoq_point is None:
            return None
        yoy = None if yoy_point is None else shown_value(definition, yoy_point.value)
        qoq = None if qoq_point is None else shown_value(definition, qoq_point.value)
        source = yoy_point or qoq_point
        return self._result(definition.id, quarter, expected, yoy, definition.unit, None, None,
                            qoq, yoy, "pp" if definition.unit == "pp" else "%", FLAT_PCT,
                            source)  # type: ignore[arg-type]

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


def shown_value(definition: MetricDef, value: float) -> float:
    """A quarter's value as the scorer reports it (claim_scores.metric.value) and the app shows
    it: ratios to 4 decimals, `change: lag` metrics (themselves changes) to 2, amounts as is."""
    if definition.change == "points":
        return round(value, 4)
    if definition.change == "lag":
        return round(value, 2)
    return value


def quarter_values(store: Store, ticker: str, metric: str,
                   catalog: MetricCatalog | None = None) -> list[dict[str, Any]]:
    """`MetricSeries.values` for one metric (see there)."""
    return MetricSeries(store, ticker, catalog).values(metric)


def metric_score(yoy_sign: int | None, qoq_sign: int | None) -> float | None:
    """YoY decides most (seasonality makes QoQ noisy): 0.7 * YoY + 0.3 * QoQ, renormalised."""
    parts = [(0.7, yoy_sign), (0.3, qoq_sign)]
    known = [(w, s) for w, s in parts if s is not None]
    if not known:
        return None
    return round(sum(w * s for w, s in known) / sum(w for w, _ in known), 3)
