"""Topics: how often management mentions each topic, quarter by quarter, and what went quiet."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.i18n import localise_axes, t, tip
from pipeline import charts, views, views_topics


@st.cache_data(show_spinner=False)
def descriptions() -> dict[str, str]:
    """Topic id -> description, from the taxonomy file users edit (data/topics.yaml)."""
    try:
        from nlp.taxonomy import load_taxonomy

        return {tid: t.description for tid, t in load_taxonomy().topics.items()}
    except Exception:  # descriptions are a nicety; the counts come from the DB
        return {}


st.title(t("topics.title"))
common.require_data("sentences", "mentions", what=t("topics.what"))

tickers: list[str] = common.query(views.tickers)
cols = st.columns([1, 1, 1])
ticker = cols[0].selectbox(t("topics.company"), tickers,
                           index=common.url_choice("ticker", tickers, "AMZN"))
calls_only = cols[1].toggle(t("topics.calls_only"),
                            value=st.query_params.get("calls_only") == "1",
                            help=t("topics.calls_only_help"))
semantic = cols[2].toggle(t("topics.semantic"), value=st.query_params.get("semantic") != "0",
                          help=t("topics.semantic_help"))
common.set_url(ticker=ticker, calls_only="1" if calls_only else None,
               semantic=None if semantic else "0")

methods = ("ruler", "semantic") if semantic else ("ruler",)
heat: dict[str, Any] = common.query(views_topics.topic_heatmap, ticker, calls_only=calls_only,
                                    methods=methods)
if not heat["quarters"]:
    st.info(t("topics.no_sentences", ticker=ticker))
    st.stop()

quarters = [q["quarter"] for q in heat["quarters"]]
topics = [row["topic"] for row in heat["topics"]]
st.caption(t("topics.caption", n=len(quarters), first=quarters[0], last=quarters[-1],
             sentences=sum(q["management_sentences"] for q in heat["quarters"])))
if not topics:
    st.info(t("topics.no_mentions"))
    st.stop()

cells = {(c["topic"], c["quarter"]): c for c in heat["cells"]}
base = {q["quarter"]: q["management_sentences"] for q in heat["quarters"]}
grid = pd.DataFrame([
    {"topic": p, "quarter": q, "per_1000": cells[(p, q)]["per_1000"] if (p, q) in cells else 0.0,
     "sentences": cells[(p, q)]["sentences"] if (p, q) in cells else 0,
     "management_sentences": base[q]}
    for p in topics for q in quarters
])
st.vega_lite_chart(
    grid,
    localise_axes(charts.heatmap(
        x="quarter", y="topic", value="per_1000", x_order=quarters, y_order=topics,
        title=t("topics.heatmap", ticker=ticker), value_title=t("topics.per_1000"),
        tooltip=[tip("topic", t("topics.col.topic")), tip("quarter", t("claims.tip_quarter")),
                 tip("sentences", t("topics.col.sentences"), "quantitative"),
                 tip("management_sentences", t("topics.tip_management"), "quantitative"),
                 tip("per_1000", t("topics.per_1000"), "quantitative", ".1f")])),
    width="stretch",
)

st.subheader(t("topics.first_last"))
summary = pd.DataFrame([
    {
        t("topics.col.topic"): row["topic"],
        t("topics.col.first"): row["first"],
        t("topics.col.last"): row["last"],
        t("topics.col.quarters"): row["quarters_mentioned"],
        t("topics.col.sentences"): row["total"],
        t("topics.col.went_quiet"): t("topics.col.went_quiet") if row["went_quiet"] else "",
        t("topics.col.quiet_quarters"): row["quiet_quarters"],
        t("topics.col.description"): descriptions().get(row["topic"], ""),
    }
    for row in heat["topics"]
])
st.dataframe(summary, hide_index=True, key="topics_summary")
quiet = [row["topic"] for row in heat["topics"] if row["went_quiet"]]
if quiet:
    st.warning(t("topics.quiet", topics=", ".join(common.md_escape(q) for q in quiet)))

with st.expander(t("topics.denominator")):
    st.dataframe(pd.DataFrame(heat["quarters"]).rename(columns={
        "quarter": t("claims.tip_quarter"), "management_sentences": t("topics.tip_management")}),
        hide_index=True)
