"""Topics: how often management mentions each topic, quarter by quarter, and what went quiet."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from pipeline import charts, views, views_topics


@st.cache_data(show_spinner=False)
def descriptions() -> dict[str, str]:
    """Topic id -> description, from the taxonomy file users edit (data/topics.yaml)."""
    try:
        from nlp.taxonomy import load_taxonomy

        return {tid: t.description for tid, t in load_taxonomy().topics.items()}
    except Exception:  # descriptions are a nicety; the counts come from the DB
        return {}


st.title("Topics")
common.require_data("sentences", "mentions", what="the Topics page")

tickers: list[str] = common.query(views.tickers)
cols = st.columns([1, 1, 1])
ticker = cols[0].selectbox("Company", tickers, index=common.url_choice("ticker", tickers, "AMZN"))
calls_only = cols[1].toggle("Calls only", value=st.query_params.get("calls_only") == "1",
                            help="Count only management turns of earnings calls (no filings "
                                 "or releases).")
semantic = cols[2].toggle("Include semantic mentions", value=st.query_params.get("semantic") != "0",
                          help="Also count sentences tagged by embedding similarity, not only "
                               "by a named term.")
common.set_url(ticker=ticker, calls_only="1" if calls_only else None,
               semantic=None if semantic else "0")

methods = ("ruler", "semantic") if semantic else ("ruler",)
heat: dict[str, Any] = common.query(views_topics.topic_heatmap, ticker, calls_only=calls_only,
                                    methods=methods)
if not heat["quarters"]:
    st.info(f"No management sentences for {ticker} with a fiscal quarter yet.")
    st.stop()

quarters = [q["quarter"] for q in heat["quarters"]]
topics = [t["topic"] for t in heat["topics"]]
st.caption(f"{len(quarters)} quarters with management language ({quarters[0]} – {quarters[-1]}), "
           f"{sum(q['management_sentences'] for q in heat['quarters']):,} management sentences. "
           "A cell is the number of management sentences mentioning the topic per 1,000 "
           "management sentences that quarter.")
if not topics:
    st.info("No topic mentions for this company yet: run `claimtracker enrich`.")
    st.stop()

cells = {(c["topic"], c["quarter"]): c for c in heat["cells"]}
base = {q["quarter"]: q["management_sentences"] for q in heat["quarters"]}
grid = pd.DataFrame([
    {"topic": t, "quarter": q, "per_1000": cells[(t, q)]["per_1000"] if (t, q) in cells else 0.0,
     "sentences": cells[(t, q)]["sentences"] if (t, q) in cells else 0,
     "management_sentences": base[q]}
    for t in topics for q in quarters
])
st.vega_lite_chart(
    grid,
    charts.heatmap(
        x="quarter", y="topic", value="per_1000", x_order=quarters, y_order=topics,
        title=f"{ticker}: mentions per 1,000 management sentences", value_title="per 1,000",
        tooltip=[charts.tip("topic"), charts.tip("quarter"),
                 charts.tip("sentences", "quantitative"),
                 charts.tip("management_sentences", "quantitative"),
                 charts.tip("per_1000", "quantitative", ".1f")]),
    width="stretch",
)

st.subheader("First and last mention")
summary = pd.DataFrame([
    {
        "topic": t["topic"],
        "first": t["first"],
        "last": t["last"],
        "quarters mentioned": t["quarters_mentioned"],
        "sentences": t["total"],
        "went quiet": "went quiet" if t["went_quiet"] else "",
        "quarters since last mention": t["quiet_quarters"],
        "description": descriptions().get(t["topic"], ""),
    }
    for t in heat["topics"]
])
st.dataframe(summary, hide_index=True, key="topics_summary")
quiet = [t["topic"] for t in heat["topics"] if t["went_quiet"]]
if quiet:
    st.warning("Went quiet (mentioned in two or more quarters, absent since): "
               + ", ".join(common.md_escape(t) for t in quiet))

with st.expander("Management sentences per quarter (the denominator)"):
    st.dataframe(pd.DataFrame(heat["quarters"]), hide_index=True)
