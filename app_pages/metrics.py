"""Metrics: reported capex, revenue, operating income and margin, employees per fiscal quarter."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from pipeline import charts, views, views_metrics

st.title("Metrics")
common.require_data("facts", what="the Metrics page")

tickers: list[str] = common.query(views.tickers)
ticker = st.selectbox("Company", tickers, index=common.url_choice("ticker", tickers, "AMZN"))
common.set_url(ticker=ticker)

rows: list[dict[str, Any]] = common.query(views_metrics.metrics_by_quarter, ticker)
if not rows:
    st.info(f"No quarterly facts for {ticker} yet. Facts come from the filings' XBRL, the "
            "earnings releases and companyfacts: run `claimtracker ingest` for this company.")
    st.stop()

def latest_with(metric: str) -> dict[str, Any] | None:
    return next((r for r in reversed(rows) if r.get(metric) is not None), None)


def year_ago(row: dict[str, Any], metric: str) -> float | None:
    """The metric's value in the same fiscal quarter a year earlier, if reported."""
    year, quarter = row["quarter"].split("Q")
    earlier = f"{int(year) - 1}Q{quarter}"
    return next((r[metric] for r in rows if r["quarter"] == earlier), None)


cards = st.columns(4)
CARDS = {"revenue": "Revenue", "operating_income": "Operating income",
         "operating_margin": "Operating margin", "capex": "Capex"}
for column, (metric, label) in zip(cards, CARDS.items(), strict=True):
    row = latest_with(metric)
    if row is None:
        column.metric(label, "–")
        continue
    value, before = row[metric], year_ago(row, metric)
    if metric == "operating_margin":
        shown = f"{value:.1%}"
        delta = f"{100 * (value - before):+.1f} pts YoY" if before is not None else None
    else:
        shown = common.fmt_money(value)
        delta = f"{value / before - 1:+.1%} YoY" if before else None
    column.metric(f"{label} {row['quarter']}", shown, delta)

BILLION = 1e9
units = views_metrics.headline_metrics()  # the catalogue's `headline:` id -> unit, in order
headline = list(units)


def column_name(metric: str) -> str:
    name = metric.replace("_", " ")
    return f"{name} ($B)" if units.get(metric) == "USD" else name


def cell(row: dict[str, Any], metric: str) -> float | None:
    value = row.get(metric)
    if value is None:
        return None
    return value / BILLION if units.get(metric) == "USD" else value


table = pd.DataFrame([
    {
        "quarter": r["quarter"],
        **{column_name(m): cell(r, m) for m in headline},
        "operating margin (%)": (100 * r["operating_margin"]
                                 if r["operating_margin"] is not None else None),
        "sources": "; ".join(
            f"{m}: {r[f'{m}_source']}" + (" ⚠ sources disagree" if r.get(f"{m}_disagree") else "")
            for m in headline if r.get(f"{m}_source")
        ),
    }
    for r in rows
])
order = table["quarter"].tolist()


def line(where: Any, column: str, title: str, fmt: str) -> None:
    data = table.dropna(subset=[column])[["quarter", column]]
    where.vega_lite_chart(
        data,
        charts.by_quarter(mark="line", y=column, y_title=title, title=title,
                          quarters=order, tooltip=[charts.tip("quarter"),
                                                   charts.tip(column, "quantitative", fmt)]),
        width="stretch", height=260,
    )


left, right = st.columns(2)
CHARTS = ("revenue", "operating_margin", "operating_income", "capex")
for where, metric in zip((left, right, left, right), CHARTS, strict=True):
    column = "operating margin (%)" if metric == "operating_margin" else column_name(metric)
    if column in table:
        line(where, column, column[0].upper() + column[1:],
             ".1f" if metric == "operating_margin" else ",.2f")

st.subheader("By quarter, with sources")
st.caption("Quarterly (three-month) values, the same the scorer judges claims by "
           "(claims.metrics). When sources disagree, the filing's XBRL wins over the earnings "
           "release text, which wins over companyfacts; within a source a reported value wins "
           "over a derived one (e.g. Q4 = year − 9 months).")
st.dataframe(
    table, hide_index=True, key="metrics_table",
    column_config={
        **{column_name(m): st.column_config.NumberColumn(
            format="%.2f" if units[m] == "USD" else "%d") for m in headline},
        "operating margin (%)": st.column_config.NumberColumn(format="%.1f"),
        "sources": st.column_config.TextColumn(width="large"),
    },
)
