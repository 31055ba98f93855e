"""Search: hybrid (BM25 + embeddings) search over every sentence, with filters and hit counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app_pages import common
from app_pages.i18n import localise_axes, named, t, term, tip
from claimtracker.db import Store
from nlp.search import clip_query
from pipeline import charts, views

ANY = "any"
DOC_TYPES = [ANY, "transcript", "earnings_release", "10-Q", "10-K"]
ROLES = [ANY, "management", "analyst"]
SECTIONS = [ANY, "prepared", "summary", "qa"]


@st.cache_resource(show_spinner=t("search.loading_model"))
def query_encoder(backend: str) -> str:
    """Load the backend the DB's vectors were made with (torch or onnx-int8), once per server:
    queries must be embedded the same way, and the first search should not pay the load."""
    from nlp.embedder import encode_texts

    encode_texts(["warm up"], backend=backend)
    return backend


@st.cache_data(show_spinner=False, max_entries=256)
def run_search(fp: tuple[str, int, int, int, int], query_text: str,
               filters: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    from nlp.embedder import db_backend, default_backend
    from nlp.search import search

    with Store.open(fp[0], read_only=True) as store:
        query_encoder(db_backend(store) or default_backend())
        return search(store, query_text, **dict(filters))


st.title(t("search.title"))
common.require_data("sentences", what=t("search.what"))

query_text = st.text_input(t("search.query"), value=st.query_params.get("query", ""),
                           placeholder=t("search.placeholder"))
tickers: list[str] = common.query(views.tickers)
quarters: list[str] = common.query(views.quarters_with_sentences)
topics: list[str] = common.query(views.topic_ids)



def any_or(options: list[str], name: Callable[[str], str]) -> Callable[[str], str]:
    """How a filter's options read (the URL keeps the English values): "any" translated,
    the rest named by `name`."""
    return named({value: t("common.any") if value == ANY else name(value) for value in options})


cols = st.columns(4)
ticker = cols[0].selectbox(t("search.company"), [ANY, *tickers],
                           format_func=any_or([ANY, *tickers], str),
                           index=common.url_choice("ticker", [ANY, *tickers]))
doc_type = cols[1].selectbox(t("search.document"), DOC_TYPES,
                             format_func=any_or(DOC_TYPES, lambda v: term("doc_type", v)),
                             index=common.url_choice("doc_type", DOC_TYPES))
role = cols[2].selectbox(t("search.role"), ROLES,
                         format_func=any_or(ROLES, lambda v: term("role", v)),
                         index=common.url_choice("role", ROLES))
section = cols[3].selectbox(t("search.section"), SECTIONS,
                            format_func=any_or(SECTIONS, lambda v: term("section", v)),
                            index=common.url_choice("section", SECTIONS))
cols = st.columns([2, 2, 1])
span: tuple[str, str] | None = None
if len(quarters) > 1:
    lo = common.url_choice("from", quarters, quarters[0])
    hi = common.url_choice("to", quarters, quarters[-1]) if "to" in st.query_params else (
        len(quarters) - 1)
    with cols[0]:
        span = st.select_slider(t("search.quarters"), quarters,
                                value=(quarters[lo], quarters[max(lo, hi)]))
wanted_topics = [t for t in st.query_params.get_all("topic") if t in topics]
chosen_topics = cols[1].multiselect(t("search.topics"), topics, default=wanted_topics,
                                    placeholder=t("common.choose"))
k = cols[2].number_input(t("search.k"), min_value=1, max_value=200,
                         value=int(st.query_params.get("k", 20)), step=5)

full_span = span is None or (span[0] == quarters[0] and span[1] == quarters[-1])
common.set_url(
    query=query_text.strip() or None,
    ticker=None if ticker == ANY else ticker,
    doc_type=None if doc_type == ANY else doc_type,
    role=None if role == ANY else role,
    section=None if section == ANY else section,
    topic=chosen_topics or None,
    k=None if k == 20 else int(k),
    **{"from": None if full_span else span[0], "to": None if full_span else span[1]},
)

if not query_text.strip():
    st.caption(t("search.empty"))
    st.stop()

filters: dict[str, Any] = {"k": int(k)}
if ticker != ANY:
    filters["ticker"] = ticker
if doc_type != ANY:
    filters["doc_type"] = doc_type
if role != ANY:
    filters["role"] = role
if section != ANY:
    filters["section"] = section
if chosen_topics:
    filters["topics"] = chosen_topics
if not full_span:
    filters["from_quarter"], filters["to_quarter"] = span

searched, clip_notice = clip_query(query_text.strip())
if clip_notice:
    st.info(clip_notice.removeprefix("note: "))
with st.spinner(t("search.searching")):
    hits = run_search(common.fingerprint(), searched, tuple(sorted(
        (key, tuple(v) if isinstance(v, list) else v) for key, v in filters.items())))

st.subheader(t("search.hits", n=len(hits)))
counts = views.hit_counts_by_quarter(hits)
if counts:
    order = [c["quarter"] for c in counts]
    st.vega_lite_chart(
        counts,
        localise_axes(charts.by_quarter(
            mark="bar", y="hits", y_title=t("search.chart_axis"), title=t("search.chart"),
            quarters=order, tooltip=[tip("quarter", t("claims.tip_quarter")),
                                     tip("hits", t("search.chart_axis"), "quantitative")])),
        width="stretch", height=200,
    )
terms = common.query_terms(query_text)
for rank, hit in enumerate(hits, start=1):
    quarter = views.quarter_label(hit.get("fiscal_year"), hit.get("fiscal_quarter")) or "?"
    with st.container(border=True):
        st.markdown(f"**{rank}.** {common.highlight(hit.get('text'), terms)}")
        context = hit.get("context")
        if isinstance(context, list):
            context = " ".join(str(c) for c in context)
        if context and context != hit.get("text"):
            st.caption(t("common.context", text=common.highlight(context, terms)))
        doc_type_name = term("doc_type", hit["doc_type"]) if hit.get("doc_type") else ""
        document = f"{hit.get('ticker') or ''} {quarter} {doc_type_name}"
        meta = {**hit, "document": document, "link": hit.get("url") or hit.get("source")}
        score = hit.get("score")
        suffix = t("search.score", score=score) if score is not None else ""
        st.caption(common.source_line(meta) + suffix)
