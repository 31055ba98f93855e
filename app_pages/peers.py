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
from app_pages.i18n import localise_axes, metric_name, named, t, tip
from pipeline import charts, views, views_metrics
from pipeline.views_peers import PEER_METRICS, peer_attention, peer_metric

st.title(t("peers.title"))
common.require_data("sentences", what=t("peers.what"))

tickers: list[str] = common.query(views.tickers)
wanted = [x for x in st.query_params.get_all("ticker") if x in tickers]
left, right = st.columns([2, 1])
chosen = left.multiselect(t("peers.companies"), tickers, default=wanted or tickers[:5],
                          key="peer_tickers", placeholder=t("common.choose"))
mode = right.radio(t("peers.compare"), ["metric", "topic attention"], horizontal=True,
                   key="peer_mode", index=1 if st.query_params.get("topic") else 0,
                   format_func=named({"metric": t("peers.mode_metric"),
                                      "topic attention": t("peers.mode_topic")}))

if mode == "metric":
    labels: dict[str, str] = views_metrics.metric_labels()
    options = [m for m in PEER_METRICS if m in labels] + \
        sorted(m for m in labels if m not in PEER_METRICS)
    metric = st.selectbox(t("peers.metric"), options, index=common.url_choice("metric", options),
                          format_func=named({m: metric_name(m, labels.get(m, m))
                                             for m in options}),
                          key="peer_metric")
    common.set_url(ticker=chosen or None, metric=metric, topic=None)
    rows: list[dict[str, Any]] = common.query(peer_metric, metric, tuple(chosen))
    measure, title = "value", metric_name(metric, labels.get(metric, metric))
else:
    topics: list[str] = common.query(views.topic_ids)
    topic = st.selectbox(t("peers.topic"), topics, index=common.url_choice("topic", topics),
                         key="peer_topic")
    common.set_url(ticker=chosen or None, topic=topic, metric=None)
    rows = common.query(peer_attention, topic, tuple(chosen)) if topic else []
    measure, title = "share", t("peers.share_title", topic=topic)

if not chosen or not rows:
    st.info(t("peers.no_values"))
    st.stop()

quarters = sorted({r["calendar_quarter"] for r in rows})
st.vega_lite_chart(rows, localise_axes(charts.peers(
    y=measure, y_title=title, title=title, quarters=quarters,
    y_format=".1%" if measure == "share" else None,
    tooltip=[tip("ticker", t("chart.company")), tip("calendar_quarter", t("peers.tip_calendar")),
             tip("fiscal_quarter", t("chart.fiscal_quarter")),
             tip(measure, title, "quantitative", ".3~s" if measure == "value" else ".1%")])),
    width="stretch", height=320)
table = pd.DataFrame(rows).pivot_table(index="calendar_quarter", columns="ticker",
                                       values=measure, aggfunc="first")
table.index.name = t("peers.tip_calendar")
st.dataframe(table.sort_index(ascending=False), key="peer_table")
missing = sorted(set(chosen) - {r["ticker"] for r in rows})
if missing:
    st.caption(common.md_escape(t("peers.missing", tickers=", ".join(missing))))
