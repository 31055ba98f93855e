"""`metric_surprise`: a reported metric moved unlike the company's own history, or crossed zero.

Why a z-score on the company's own trailing changes: a 20% YoY jump is routine for a fast
grower and a shock for a utility; comparing the change with the same kind of change (QoQ
with QoQ, YoY with YoY) over the previous `window` quarters absorbs growth and seasonality.
The values are the ones the scorer and the app show (claims/metrics.py's MetricSeries), so an
alert never disagrees with the Metrics page.
"""

from __future__ import annotations

import statistics
from typing import Any

from alerts.model import Alert
from claims.metrics import MetricSeries, Point
from claimtracker.db import Store
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import FiscalQuarter

KIND = "metric_surprise"
_BASES = {"qoq": 1, "yoy": 4}


def _change(new: float, old: float, points: bool) -> float | None:
    """Change in percentage points for ratios, in % of |old| for amounts."""
    if points:
        return (new - old) * 100
    return None if old == 0 else (new - old) / abs(old) * 100


def _evidence(store: Store, point: Point, quarter: FiscalQuarter,
              points: bool) -> list[dict[str, Any]]:
    row = None
    if point.accession:
        row = store.con.execute("SELECT form, url FROM filings WHERE accession = ?",
                                [point.accession]).fetchone()
    source = f"{quarter} {row[0] if row else ''} {point.source}".replace("  ", " ")
    return [{"text": f"{_shown(point.value, points)} ({point.source}"
                     f"{', derived' if point.derived else ''})",
             "source": source, "url": row[1] if row else None}]


def _shown(value: float, points: bool) -> str:
    return f"{value * 100:.1f}%" if points else f"{value:,.0f}"


def _metric_alerts(store: Store, ticker: str, metric: str, series: dict[FiscalQuarter, Point],
                   points: bool, label: str, settings: dict[str, Any],
                   sign_metric: bool) -> list[Alert]:
    alerts: list[Alert] = []
    window, min_history = int(settings["window"]), int(settings["min_history"])
    threshold = float(settings["z_threshold"])
    unit = "pp" if points else "%"
    history: dict[str, list[float]] = {basis: [] for basis in _BASES}
    for quarter in sorted(series):
        point = series[quarter]
        for basis, lag in _BASES.items():
            old = series.get(quarter.shift(-lag))
            if old is None:
                continue
            change = _change(point.value, old.value, points)
            if change is None:
                continue
            past = history[basis][-window:]
            history[basis].append(change)
            if len(past) < min_history:
                continue
            mean = statistics.fmean(past)
            spread = max(statistics.pstdev(past), 0.5 if points else 1.0)
            z = (change - mean) / spread
            if abs(z) < threshold:
                continue
            alerts.append(Alert(
                kind=KIND, ticker=ticker, quarter=quarter, subject=f"{metric}:{basis}",
                severity=min(1.0, abs(z) / (2 * threshold)),
                title=(f"{label} {basis.upper()} {change:+.1f}{unit} in {quarter}, against "
                       f"{mean:+.1f}{unit} on average (z {z:+.1f})"),
                detail=(f"{label} was {_shown(point.value, points)} in {quarter} against "
                        f"{_shown(old.value, points)} in {quarter.shift(-lag)}: "
                        f"{change:+.1f}{unit}. Its previous {len(past)} {basis.upper()} "
                        f"changes averaged {mean:+.1f}{unit} (spread {spread:.1f}{unit})."),
                evidence=_evidence(store, point, quarter, points),
                numbers={"metric": metric, "basis": basis, "value": point.value,
                         "compared_with": old.value, "change": round(change, 2),
                         "change_unit": unit, "trailing_mean": round(mean, 2),
                         "trailing_spread": round(spread, 2), "z": round(z, 2),
                         "history": len(past)},
            ))
        previous = series.get(quarter.shift(-1))
        if sign_metric and previous is not None and previous.value * point.value < 0:
            turned = "negative" if point.value < 0 else "positive"
            alerts.append(Alert(
                kind=KIND, ticker=ticker, quarter=quarter, subject=f"{metric}:sign",
                severity=0.9 if point.value < 0 else 0.7,
                title=f"{label} turned {turned} in {quarter}",
                detail=(f"{label} was {_shown(previous.value, points)} in {quarter.shift(-1)} "
                        f"and {_shown(point.value, points)} in {quarter}."),
                evidence=_evidence(store, point, quarter, points),
                numbers={"metric": metric, "basis": "sign", "value": point.value,
                         "compared_with": previous.value},
            ))
    return alerts


def metric_surprises(store: Store, settings: dict[str, Any],
                     tickers: list[str] | None = None) -> list[Alert]:
    """Surprises of every configured metric of every company with reported numbers."""
    catalog = load_catalog()
    companies = [t for (t,) in store.con.execute(
        "SELECT DISTINCT c.ticker FROM companies c WHERE c.ticker IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM facts f WHERE f.cik = c.cik) ORDER BY 1").fetchall()]
    if tickers:
        wanted = {t.upper() for t in tickers}
        companies = [t for t in companies if t.upper() in wanted]
    signs = set(settings["sign_change_metrics"])
    alerts: list[Alert] = []
    for ticker in companies:
        metrics = MetricSeries(store, ticker, catalog)
        for metric in settings["metrics"]:
            definition = catalog.metrics.get(metric)
            if definition is None or definition.change == "lag":
                continue  # unknown id (validated elsewhere) or itself a change
            series = metrics.series(metric)
            alerts += _metric_alerts(store, ticker.upper(), metric, series,
                                     definition.change == "points", definition.label,
                                     settings, metric in signs)
    return alerts
