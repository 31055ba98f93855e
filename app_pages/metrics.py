"""Metrics: reported capex, revenue, operating income and margin, employees per fiscal quarter."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.i18n import localise_axes, metric_name, t, tip
from pipeline import charts, views, views_metrics

st.title(t("metrics.title"))
common.require_data("facts", what=t("metrics.what"))

tickers: list[str] = common.query(views.tickers)
ticker = st.selectbox(t("metrics.company"), tickers,
                      index=common.url_choice("ticker", tickers, "AMZN"))
common.set_url(ticker=ticker)

rows: list[dict[str, Any]] = common.query(views_metrics.metrics_by_quarter, ticker)
if not rows:
    st.info(t("metrics.no_facts", ticker=ticker))
    st.stop()

def latest_with(metric: str) -> dict[str, Any] | None:
    return next((r for r in reversed(rows) if r.get(metric) is not None), None)


def year_ago(row: dict[str, Any], metric: str) -> float | None:
    """The metric's value in the same fiscal quarter a year earlier, if reported."""
    year, quarter = row["quarter"].split("Q")
    earlier = f"{int(year) - 1}Q{quarter}"
    return next((r[metric] for r in rows if r["quarter"] == earlier), None)


cards = st.columns(4)
CARDS = {"revenue": t("metrics.card.revenue"),
         "operating_income": t("metrics.card.operating_income"),
         "operating_margin": t("metrics.card.operating_margin"),
         "capex": t("metrics.card.capex")}
for column, (metric, label) in zip(cards, CARDS.items(), strict=True):
    row = latest_with(metric)
    if row is None:
        column.metric(label, "–")
        continue
    value, before = row[metric], year_ago(row, metric)
    if metric == "operating_margin":
        shown = f"{value:.1%}"
        delta = t("metrics.delta_pts", pts=100 * (value - before)) if before is not None \
            else None
    else:
        shown = common.fmt_money(value)
        delta = t("metrics.delta_pct", change=value / before - 1) if before else None
    column.metric(t("metrics.card", label=label, quarter=row["quarter"]), shown, delta)

BILLION = 1e9
units = views_metrics.headline_metrics()  # the catalogue's `headline:` id -> unit, in order
headline = list(units)


def column_name(metric: str) -> str:
    name = metric_name(metric, metric.replace("_", " "))
    return t("metrics.col_usd", name=name) if units.get(metric) == "USD" else name


MARGIN = t("metrics.col_margin")
SOURCES = t("metrics.col_sources")


def cell(row: dict[str, Any], metric: str) -> float | None:
    value = row.get(metric)
    if value is None:
        return None
    return value / BILLION if units.get(metric) == "USD" else value


table = pd.DataFrame([
    {
        "quarter": r["quarter"],
        **{column_name(m): cell(r, m) for m in headline},
        MARGIN: (100 * r["operating_margin"] if r["operating_margin"] is not None else None),
        SOURCES: "; ".join(
            f"{m}: {r[f'{m}_source']}" + (t("metrics.disagree") if r.get(f"{m}_disagree") else "")
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
        localise_axes(charts.by_quarter(
            mark="line", y=column, y_title=title, title=title, quarters=order,
            tooltip=[tip("quarter", t("claims.tip_quarter")),
                     tip(column, title, "quantitative", fmt)])),
        width="stretch", height=260,
    )


left, right = st.columns(2)
CHARTS = ("revenue", "operating_margin", "operating_income", "capex")
for where, metric in zip((left, right, left, right), CHARTS, strict=True):
    column = MARGIN if metric == "operating_margin" else column_name(metric)
    if column in table:
        line(where, column, column[0].upper() + column[1:],
             ".1f" if metric == "operating_margin" else ",.2f")

st.subheader(t("metrics.by_quarter"))
st.caption(t("metrics.by_quarter_caption"))
st.dataframe(
    table.rename(columns={"quarter": t("metrics.col_quarter")}), hide_index=True,
    key="metrics_table",
    column_config={
        **{column_name(m): st.column_config.NumberColumn(
            format="%.2f" if units[m] == "USD" else "%d") for m in headline},
        MARGIN: st.column_config.NumberColumn(format="%.1f"),
        SOURCES: st.column_config.TextColumn(width="large"),
    },
)
