"""Comparative metric claims: "Google Cloud grows faster than AWS", "the capex burden lies
with the peers, not Amazon".

A claim with `compare: {with: [TICKER...], expect: higher|lower, basis: value|yoy}` says its
company's metric is higher (lower) than each peer's, on the metric's value or on its YoY
change. A company or segment without an XBRL series (its calls only) is compared on the
change management states (claims.stated_growth). Companies' fiscal years end in different
months (NVIDIA's quarter ending in July is its Q2, Apple's is its Q4), so quarters are
aligned by the CALENDAR quarter in which each period ends, never by fiscal labels.
`compare_change` returns a dict shaped like `MetricSeries.change`'s, so the scorer can use
it where it uses a metric change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from claims.metrics import FLAT_PCT, FLAT_POINTS, Company, MetricSeries, Point, find_company
from claims.stance_rules import load_stance_rules
from claims.stated_growth import StatedGrowth, stated_yoy
from claimtracker.db import Store
from claimtracker.metric_catalog import MetricDef, load_catalog
from claimtracker.quarters import (
    FiscalQuarter,
    calendar_quarter_end,
    fiscal_year_end_month,
    snap_to_month_end,
)
from claimtracker.tickers import same_company_tickers

EXPECT = ("higher", "lower")
BASES = ("value", "yoy")
ALIGNMENT = ("quarters aligned by the calendar quarter in which each company's fiscal "
             "quarter ends (fiscal years end in different months)")


def calendar_quarter(day: dt.date) -> str:
    """'CY2023Q3' for a period ending on (or near) a day of July-September 2023."""
    end = snap_to_month_end(day)
    return f"CY{end.year}Q{(end.month - 1) // 3 + 1}"


def default_basis(definition: MetricDef) -> str:
    """Ratios and growth rates compare as they are; amounts by their YoY growth (a company
    ten times the size always has more revenue)."""
    return "value" if definition.change in ("points", "lag") else "yoy"


def period_end(point: Point | None, quarter: FiscalQuarter, fye_month: int) -> dt.date:
    """The period end a point reports, else the nominal end of its fiscal quarter."""
    if point is not None and point.period_end is not None:
        return point.period_end
    return calendar_quarter_end(quarter, fye_month)


def _aligned_quarter(series: MetricSeries, metric: str, fye_month: int,
                     target: str) -> FiscalQuarter | None:
    """The peer's fiscal quarter whose period ends in calendar quarter `target`."""
    found = [q for q, point in series.series(metric).items()
             if calendar_quarter(period_end(point, q, fye_month)) == target]
    return max(found) if found else None


def company_of(store: Store, ticker: str) -> Company | None:
    """The company from EDGAR's data in the DB, else from data/companies.yaml (a company
    known by its calls only still has a CIK and a fiscal year end there)."""
    found = find_company(store, ticker)
    if found is not None:
        return found
    from claims.companies import load_company_book

    entry = load_company_book().company(ticker)
    if entry is None or entry.cik is None:
        return None
    return Company(entry.cik, entry.ticker, fiscal_year_end_month(entry.fye))


def _stated_quarter(fye_month: int, target: str) -> FiscalQuarter | None:
    """The fiscal quarter (of a year ending in `fye_month`) that ends in calendar `target`."""
    year = int(target[2:6])
    found = [FiscalQuarter(y, q) for y in (year - 1, year, year + 1) for q in (1, 2, 3, 4)
             if calendar_quarter(calendar_quarter_end(FiscalQuarter(y, q), fye_month)) == target]
    return found[0] if found else None


def _stated(store: Store, ticker: str, quarter: FiscalQuarter,
            definition: MetricDef) -> StatedGrowth | None:
    return stated_yoy(store, same_company_tickers(store.con, ticker), quarter, definition)


def _stated_change(metric: str, quarter: FiscalQuarter, stated: StatedGrowth,
                   definition: MetricDef, expected: str) -> dict[str, Any]:
    """A stated YoY change in the shape of MetricSeries.change's result."""
    return {"name": metric, "quarter": str(quarter), "value": None, "unit": definition.unit,
            "previous_quarter": None, "year_ago": None, "qoq": None, "yoy": stated.yoy,
            "change_unit": "%", "expected": expected, "yoy_agrees": None, "qoq_agrees": None,
            "score": None, "source": f"stated by management: {stated.text}",
            "accession": None, "derived": False, "sentence_id": stated.sentence_id}


def _number(change: dict[str, Any], basis: str) -> float | None:
    return change["value"] if basis == "value" else change["yoy"]


def _tolerance(definition: MetricDef, basis: str) -> tuple[float, float]:
    """(scale, flat band) of a difference: ratios' values differ in points (x100)."""
    if definition.change == "points":
        return (100.0, FLAT_POINTS) if basis == "value" else (1.0, FLAT_POINTS)
    return 1.0, FLAT_PCT


def _sign(own: float, peer: float, expect: str, definition: MetricDef, basis: str) -> int:
    """+1 if `own` beats `peer` the expected way, -1 if the other way, 0 within the flat band."""
    scale, band = _tolerance(definition, basis)
    if definition.change == "pct" and basis == "value":
        diff = 0.0 if peer == 0 and own == 0 else (own - peer) / max(abs(peer), 1e-9) * 100
    else:
        diff = (own - peer) * scale
    if abs(diff) < band:
        return 0
    return 1 if (diff > 0) == (expect == "higher") else -1


def _short_of_multiple(sign: int, own: float, peer: float, multiple: float | None,
                       reach: float) -> int:
    """A win by less than the multiple the claim names ("twice as fast as Azure": 109%
    against Azure's 90%) is the direction without the size: 0, like a tie. A blogger's
    "twice" is a round number, so `reach` of the multiple (data/stance.yaml
    numbers.relative_reach) meets it; against a peer that shrank, any growth is past every
    multiple."""
    if sign != 1 or multiple is None or peer <= 0 or own <= 0:
        return sign
    return sign if own >= reach * multiple * peer else 0


def compare_change(store: Store, claim: Any, ticker: str, quarter: FiscalQuarter, *,
                   cache: dict[str, MetricSeries] | None = None) -> dict[str, Any] | None:
    """The claim's company against each peer in the calendar quarter of `quarter` (the
    company's fiscal quarter); None when the claim compares nothing or no peer has the number.

    `cache` (ticker -> MetricSeries) lets a scoring run load each company's series once.
    """
    spec = getattr(claim, "compare", None)
    metric = getattr(claim, "metric", None)
    if not spec or not metric:
        return None
    catalog = load_catalog()
    definition = catalog.get(metric)
    expect = spec.get("expect") or "higher"
    basis = spec.get("basis") or default_basis(definition)
    cache = {} if cache is None else cache

    def series_of(name: str) -> MetricSeries:
        if name not in cache:
            cache[name] = MetricSeries(store, name, catalog)
        return cache[name]

    own_company = company_of(store, ticker)
    own = series_of(ticker)
    direction = "up" if expect == "higher" else "down"
    own_change = own.change(metric, quarter, getattr(claim, "direction", None) or direction)
    if own_company is None:
        return None
    stated_by: dict[str, str] = {}
    if (own_change is None or _number(own_change, basis) is None) and basis == "yoy":
        stated = _stated(store, ticker, quarter, definition)
        own_change = None if stated is None else _stated_change(
            metric, quarter, stated, definition, getattr(claim, "direction", None) or direction)
        if stated is not None:
            stated_by[own_company.ticker] = stated.sentence_id
    if own_change is None or _number(own_change, basis) is None:
        return None
    own_value = float(_number(own_change, basis))  # type: ignore[arg-type]
    target = calendar_quarter(period_end(own.series(metric).get(quarter), quarter,
                                          own_company.fye_month))
    numbers = load_stance_rules().numbers
    multiple = numbers.relative_multiple(getattr(claim, "quote", "")) \
        if numbers is not None and expect == "higher" else None
    peers: dict[str, float | None] = {}
    peer_quarters: dict[str, str | None] = {}
    agrees: dict[str, int | None] = {}
    for peer in spec.get("with") or []:
        company = company_of(store, peer)
        if company is None or company.cik == own_company.cik:
            continue
        series = series_of(peer)
        aligned = _aligned_quarter(series, metric, company.fye_month, target)
        change = series.change(metric, aligned, direction) if aligned else None
        value = _number(change, basis) if change else None
        if value is None and basis == "yoy":
            aligned = aligned or _stated_quarter(company.fye_month, target)
            stated = _stated(store, peer, aligned, definition) if aligned else None
            if stated is not None:
                value, stated_by[company.ticker] = stated.yoy, stated.sentence_id
        peers[company.ticker] = value
        peer_quarters[company.ticker] = str(aligned) if aligned else None
        agrees[company.ticker] = None if value is None else _short_of_multiple(
            _sign(own_value, value, expect, definition, basis), own_value, value, multiple,
            numbers.relative_reach if numbers is not None else 1.0)
    known = [s for s in agrees.values() if s is not None]
    if not known:
        return None
    score = round(sum(known) / len(known), 3)
    unit = own_change["change_unit"] if basis == "yoy" else own_change["unit"]
    shown = ", ".join(f"{t} {'n/a' if v is None else format_value(v, unit)} ({peer_quarters[t]})"
                      for t, v in peers.items())
    return {
        **own_change,
        "expected": f"{expect} than {', '.join(peers)}",
        "basis": basis, "expect": expect, "calendar_quarter": target,
        "value": own_value if basis == "value" else own_change["value"],
        "compared_value": own_value, "compared_unit": unit,
        "peers": peers, "peer_quarters": peer_quarters, "agrees": agrees,
        "score": score, "alignment": ALIGNMENT,
        **({"stated": stated_by} if stated_by else {}),
        "summary": (f"{own_company.ticker} {metric} {'YoY ' if basis == 'yoy' else ''}"
                    f"{format_value(own_value, unit)} in {target} vs {shown}: expected {expect}"),
    }


def format_value(value: float, unit: str) -> str:
    """A metric value as people read it: 31.2%, +4.0pp, $12.34B, 1,551,000 people."""
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit in ("%", "pp"):
        return f"{value:+.1f}{unit}"
    if unit == "USD":
        return f"${value / 1e9:,.2f}B"
    return f"{value:,.0f} {unit}"
