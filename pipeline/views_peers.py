"""Read model of the peer view: one metric, or one topic's attention, across companies.

Why calendar quarters: Apple's fiscal 2024Q1 ends in December 2023 and NVIDIA's fiscal 2025Q3
in October 2024, so fiscal labels do not line up across companies. Each point keeps its
fiscal quarter and gets the calendar quarter its period ends in, by the same rule that
aligns comparative claims (claims.compare): that is a peer chart's axis. The numbers are the
scorer's (claims.metrics.MetricSeries) and the attention is claims.attention's share of
management sentences, so a comparative claim and its peer chart show the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claims.attention import topic_shares
from claims.compare import calendar_quarter, period_end
from claims.metrics import MetricSeries, Point, company_fye_month
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

#: Metrics a peer view offers first (any catalogue id works).
PEER_METRICS = ("capex", "capex_intensity", "operating_margin", "revenue_growth", "employees",
                "revenue", "operating_income")


def calendar_label(quarter: FiscalQuarter, fye_month: int,
                   point: Point | None = None) -> tuple[str, str]:
    """('CY2023Q4', '2023-12-30'): the calendar quarter a fiscal quarter's period ends in and
    that end, by the comparative claims' rule (claims.compare.period_end, calendar_quarter)."""
    end = period_end(point, quarter, fye_month)
    return calendar_quarter(end), end.isoformat()


def peer_metric(store: Store, metric: str, tickers: Sequence[str]) -> list[dict[str, Any]]:
    """`[{ticker, fiscal_quarter, calendar_quarter, period_end, value, source}]` of one metric
    for each company, ordered by calendar quarter then ticker."""
    rows: list[dict[str, Any]] = []
    for ticker in tickers:
        _, fye = company_fye_month(store, ticker)
        series = MetricSeries(store, ticker)
        points = series.series(metric)
        for point in series.values(metric):
            fiscal = FiscalQuarter.parse(point["quarter"])
            calendar, end = calendar_label(fiscal, fye, points.get(fiscal))
            rows.append({"ticker": ticker.upper(), "fiscal_quarter": point["quarter"],
                         "calendar_quarter": calendar, "period_end": end,
                         "value": point["value"], "source": point["source"]})
    return sorted(rows, key=lambda r: (r["period_end"], r["ticker"]))


def peer_attention(store: Store, topic: str, tickers: Sequence[str]) -> list[dict[str, Any]]:
    """`[{ticker, fiscal_quarter, calendar_quarter, period_end, share, sentences, mentioning}]`:
    the share of each company's management sentences that mention the topic, per quarter."""
    rows: list[dict[str, Any]] = []
    for ticker in tickers:
        _, fye = company_fye_month(store, ticker)
        for quarter, (total, hits) in topic_shares(store, ticker, (topic,)).items():
            calendar, end = calendar_label(quarter, fye)
            rows.append({"ticker": ticker.upper(), "fiscal_quarter": str(quarter),
                         "calendar_quarter": calendar, "period_end": end,
                         "share": round(hits / total, 4) if total else 0.0,
                         "sentences": total, "mentioning": hits})
    return sorted(rows, key=lambda r: (r["period_end"], r["ticker"]))
