"""Peers: one metric, or one topic's attention, across companies on calendar quarters.

Fiscal years end in different months, so the axis is the calendar quarter in which each
fiscal quarter ends (the rule comparative claims use); each point keeps its fiscal label in
the tooltip and the table. The state is in the URL (`?page=peers&metric=capex&ticker=AMZN`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from pipeline import charts, views, views_metrics
from pipeline.views_peers import PEER_METRICS, peer_attention, peer_metric

st.title("Peers")
common.require_data("sentences", what="the Peers page")

tickers: list[str] = common.query(views.tickers)
wanted = [t for t in st.query_params.get_all("ticker") if t in tickers]
left, right = st.columns([2, 1])
chosen = left.multiselect("Companies", tickers, default=wanted or tickers[:5], key="peer_tickers")
mode = right.radio("Compare", ["metric", "topic attention"], horizontal=True, key="peer_mode",
                   index=1 if st.query_params.get("topic") else 0)

if mode == "metric":
    labels: dict[str, str] = views_metrics.metric_labels()
    options = [m for m in PEER_METRICS if m in labels] + \
        sorted(m for m in labels if m not in PEER_METRICS)
    metric = st.selectbox("Metric", options, index=common.url_choice("metric", options),
                          format_func=lambda m: labels.get(m, m), key="peer_metric")
    common.set_url(ticker=chosen or None, metric=metric, topic=None)
    rows: list[dict[str, Any]] = common.query(peer_metric, metric, tuple(chosen))
    measure, title = "value", labels.get(metric, metric)
else:
    topics: list[str] = common.query(views.topic_ids)
    topic = st.selectbox("Topic", topics, index=common.url_choice("topic", topics),
                         key="peer_topic")
    common.set_url(ticker=chosen or None, topic=topic, metric=None)
    rows = common.query(peer_attention, topic, tuple(chosen)) if topic else []
    measure, title = "share", f"Share of management sentences on {topic}"

if not chosen or not rows:
    st.info("No values for these companies yet: pick other companies, or load their filings "
            "(`claimtracker ingest`) and calls (`claimtracker ingest-transcripts`).")
    st.stop()

quarters = sorted({r["calendar_quarter"] for r in rows})
st.vega_lite_chart(rows, charts.peers(
    y=measure, y_title=title, title=title, quarters=quarters,
    y_format=".1%" if measure == "share" else None,
    tooltip=[charts.tip("ticker"), charts.tip("calendar_quarter"), charts.tip("fiscal_quarter"),
             charts.tip(measure, "quantitative", ".3~s" if measure == "value" else ".1%")]),
    width="stretch", height=320)
table = pd.DataFrame(rows).pivot_table(index="calendar_quarter", columns="ticker",
                                       values=measure, aggfunc="first")
st.dataframe(table.sort_index(ascending=False), key="peer_table")
missing = sorted(set(chosen) - {r["ticker"] for r in rows})
if missing:
    st.caption(common.md_escape(f"No values for {', '.join(missing)}."))
