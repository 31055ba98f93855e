"""The app and the scorer agree: every number the Claims and Metrics pages show for a claim's
metric or a quarter's reported figure is the scorer's own (claims.metrics), on the shared data.

Before the rule had one owner the app preferred companyfacts over release text and reported
before derived values, the scorer the opposite, so a chart could show one Q4 capex while the
verdict used another. Each number is read from the rendered page (chart data, table cells).
"""

from __future__ import annotations

import json

import pytest
from pages_util import ARTICLE, chart_data, frame_with, render, sql

from claims.metrics import quarter_values
from claimtracker.db import Store

pytestmark = pytest.mark.slow


def _scored_values(db, claim_id: str) -> dict[str, float]:
    """quarter -> the metric value stored with the claim's verdict (claim_scores.metric)."""
    out = {}
    rows = sql(db, "SELECT fiscal_year, fiscal_quarter, metric FROM claim_scores WHERE "
               "article_id = ? AND claim_id = ? AND ticker = 'AMZN' AND metric IS NOT NULL",
               [ARTICLE, claim_id])
    for year, quarter, metric in rows:
        value = json.loads(metric).get("value")
        if value is not None:
            out[f"{year}Q{quarter}"] = value
    return out


def test_metric_claim_charts_show_the_values_the_verdicts_used(monkeypatch,
                                                                scored_db_path) -> None:
    claims = sql(scored_db_path, "SELECT claim_id, metric FROM claims WHERE article_id = ? "
                 "AND metric IS NOT NULL ORDER BY claim_id", [ARTICLE])
    assert len(claims) >= 3, claims
    compared = 0
    for claim_id, metric in claims:
        scored = _scored_values(scored_db_path, claim_id)
        if not scored:
            continue
        at = render(monkeypatch, scored_db_path, claim=claim_id)
        chart = chart_data(at, f"Reported {metric}").set_index("quarter")["value"]
        shown_quarters = set(chart_data(at, "Score by quarter")["quarter"])
        # Every quarter the verdict used a number for is charted, with that number ...
        assert set(scored) & shown_quarters <= set(chart.index), claim_id
        for quarter, value in scored.items():
            if quarter in shown_quarters:
                assert chart[quarter] == pytest.approx(value, rel=1e-9, abs=1e-9), \
                    (claim_id, metric, quarter)
                compared += 1
    assert compared >= 20, compared


def test_metrics_page_shows_the_scorers_value_for_every_quarter(monkeypatch,
                                                                scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, "metrics", ticker="AMZN")
    table = frame_with(at, "quarter", "capex ($B)").set_index("quarter")
    with Store.open(scored_db_path, read_only=True) as store:
        expected = {m: {p["quarter"]: p for p in quarter_values(store, "AMZN", m)}
                    for m in ("revenue", "operating_income", "net_income", "capex", "employees",
                              "operating_margin")}
    columns = {"revenue": "revenue ($B)", "operating_income": "operating income ($B)",
               "net_income": "net income ($B)", "capex": "capex ($B)", "employees": "employees",
               "operating_margin": "operating margin (%)"}
    scale = {"employees": 1.0, "operating_margin": 100.0}
    compared = 0
    for metric, column in columns.items():
        for quarter, point in expected[metric].items():
            shown = table.loc[quarter, column]
            assert shown == pytest.approx(point["value"] * scale.get(metric, 1e-9), rel=1e-9), \
                (metric, quarter, point)
            if metric not in ("employees", "operating_margin"):
                label = point["source"] + (" (derived)" if point["derived"] else "")
                assert f"{metric}: {label}" in table.loc[quarter, "sources"], (metric, quarter)
            compared += 1
        shown_quarters = set(table[column].dropna().index)
        assert shown_quarters == set(expected[metric]), metric  # nothing extra, nothing missing
    assert compared >= 50, compared  # 12+ quarters of six series on the shared data
    # The capex a capex claim's verdict used is the capex on the Metrics page.
    (capex_claim,) = [c for c, m in sql(scored_db_path, "SELECT claim_id, metric FROM claims "
                                        "WHERE article_id = ?", [ARTICLE]) if m == "capex"]
    for quarter, value in _scored_values(scored_db_path, capex_claim).items():
        assert table.loc[quarter, "capex ($B)"] == pytest.approx(value / 1e9, rel=1e-9), quarter
