"""Metrics: reported capex, revenue, operating income and margin, employees per fiscal quarter."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common

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

latest = rows[-1]
cards = st.columns(4)
cards[0].metric(f"Revenue {latest['quarter']}", common.fmt_money(latest["revenue"]))
cards[1].metric(f"Operating income {latest['quarter']}",
                common.fmt_money(latest["operating_income"]))
cards[2].metric(f"Operating margin {latest['quarter']}",
                f"{latest['operating_margin']:.1%}" if latest["operating_margin"] is not None
                else "–")
cards[3].metric(f"Capex {latest['quarter']}", common.fmt_money(latest["capex"]))

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


def line(column: str, title: str, fmt: str) -> alt.Chart:
    data = table.dropna(subset=[column])
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("quarter:N", sort=order, title="Fiscal quarter"),
        y=alt.Y(f"{column}:Q", title=title),
        tooltip=["quarter", alt.Tooltip(f"{column}:Q", format=fmt)],
    ).properties(height=220, title=title)


left, right = st.columns(2)
left.altair_chart(line("revenue ($B)", "Revenue ($B)", ",.1f"), width="stretch")
right.altair_chart(line("operating margin (%)", "Operating margin (%)", ".1f"), width="stretch")
left.altair_chart(line("operating income ($B)", "Operating income ($B)", ",.2f"),
                  width="stretch")
right.altair_chart(line("capex ($B)", "Capex ($B)", ",.2f"), width="stretch")

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
