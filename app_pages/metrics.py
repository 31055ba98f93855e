"""Metrics: reported capex, revenue, operating income and margin, employees per fiscal quarter."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import charts, common

st.title("Metrics")
common.require_data("facts", what="the Metrics page")

tickers: list[str] = common.query("tickers")
ticker = st.selectbox("Company", tickers, index=common.url_choice("ticker", tickers, "AMZN"))
common.set_url(ticker=ticker)

rows: list[dict[str, Any]] = common.query("metrics_by_quarter", ticker)
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
table = pd.DataFrame([
    {
        "quarter": r["quarter"],
        "revenue ($B)": r["revenue"] / BILLION if r["revenue"] is not None else None,
        "operating income ($B)": (r["operating_income"] / BILLION
                                  if r["operating_income"] is not None else None),
        "operating margin (%)": (100 * r["operating_margin"]
                                 if r["operating_margin"] is not None else None),
        "net income ($B)": r["net_income"] / BILLION if r["net_income"] is not None else None,
        "capex ($B)": r["capex"] / BILLION if r["capex"] is not None else None,
        "employees": r["employees"],
        "sources": "; ".join(
            f"{m}: {r[f'{m}_source']}" + (" ⚠ sources disagree" if r.get(f"{m}_disagree") else "")
            for m in ("revenue", "operating_income", "net_income", "capex", "employees")
            if r.get(f"{m}_source")
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
line(left, "revenue ($B)", "Revenue ($B)", ",.1f")
line(right, "operating margin (%)", "Operating margin (%)", ".1f")
line(left, "operating income ($B)", "Operating income ($B)", ",.2f")
line(right, "capex ($B)", "Capex ($B)", ",.2f")

st.subheader("By quarter, with sources")
st.caption("Quarterly (three-month) values; operating margin = operating income / revenue. "
           "When sources disagree, inline XBRL wins over the XBRL instance, companyfacts and "
           "figures read from release text; derived values (e.g. Q4 = year − 9 months) come last.")
st.dataframe(
    table, hide_index=True, key="metrics_table",
    column_config={
        "revenue ($B)": st.column_config.NumberColumn(format="%.2f"),
        "operating income ($B)": st.column_config.NumberColumn(format="%.2f"),
        "operating margin (%)": st.column_config.NumberColumn(format="%.1f"),
        "net income ($B)": st.column_config.NumberColumn(format="%.2f"),
        "capex ($B)": st.column_config.NumberColumn(format="%.2f"),
        "employees": st.column_config.NumberColumn(format="%d"),
        "sources": st.column_config.TextColumn(width="large"),
    },
)
