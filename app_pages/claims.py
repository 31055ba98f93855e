"""Claims: an article's claims with their verdict timelines; one claim's scores and evidence."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_pages import common
from app_pages.i18n import localise_axes, metric_name, named, t, term, tip
from claims.render import plain_quote
from pipeline import charts, views_claims, views_metrics
from pipeline.frames import frame_verdict

STANCE_BADGE = {"supports": "green", "contradicts": "red", "neutral": "gray"}

st.title(t("claims.title"))
common.require_data("claims", what=t("claims.what"))

articles: list[dict[str, Any]] = common.query(views_claims.articles)
if not articles:
    st.info(t("claims.no_article"))
    st.stop()
article_ids = [a["article_id"] for a in articles]
by_id = {a["article_id"]: a for a in articles}
article_id = st.selectbox(
    t("claims.article"), article_ids, index=common.url_choice("article", article_ids),
    format_func=named({a: t("claims.article_option", title=by_id[a]["title"] or a,
                            n=by_id[a]["n_claims"]) for a in article_ids}),
)
article = by_id[article_id]
st.caption(" · ".join(common.md_escape(str(v)) for v in (
    article["source"], article["language"], article["published"], article["ticker"]) if v))

claims: list[dict[str, Any]] = common.query(views_claims.claims_with_timelines, article_id)
all_tickers = sorted({p["ticker"] for c in claims for p in c["timeline"]})
ticker = None
if len(all_tickers) > 1:
    ticker = st.selectbox(t("claims.company"), all_tickers,
                          index=common.url_choice("ticker", all_tickers, article["ticker"]))
elif all_tickers:
    ticker = all_tickers[0]


def points_of(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """The claim's own company; the chosen one when a claim is scored for several."""
    own = {p["ticker"] for p in claim["timeline"]}
    if len(own) <= 1:
        return claim["timeline"]
    return [p for p in claim["timeline"] if p["ticker"] == ticker]


if not any(points_of(c) for c in claims):
    st.info(t("claims.no_verdicts"))


def verdict_text(point: dict[str, Any] | None) -> str:
    if not point:
        return "–"
    mark = common.VERDICT_MARKS.get(point["verdict"], "")
    return f"{mark} {common.verdict_name(point['verdict'])} ({point['quarter']})"


RECENT = 8  # quarters in the overview's timeline; a claim's chart below has them all
#: the overview's columns: row key -> header in the reader's language
OVERVIEW_COLUMNS = {"claim": t("claims.col.claim"), "company": t("claims.col.company"),
                    "statement": t("claims.col.statement"), "latest": t("claims.col.latest"),
                    "last discussed": t("claims.col.last_discussed"),
                    "timeline": t("claims.col.timeline"), "trend": t("claims.col.trend"),
                    "alerts": t("claims.col.alerts")}
# Verdict-flip alerts per claim (alerts/), each with its link to the Alerts page.
alerts_of: dict[str, dict[str, Any]] = common.query(views_claims.claim_alerts, article_id,
                                                    ticker)


def overview_row(claim: dict[str, Any]) -> dict[str, str]:
    points = points_of(claim)
    recent = points[-RECENT:]
    discussed = next((x for x in reversed(points) if x["verdict"] != "not_discussed"), None)
    return {
        "claim": claim["claim_id"],
        "company": ", ".join(sorted({p["ticker"] for p in points})),
        "statement": claim["statement"],
        # The verdict that answers the claim: its time frame's quarter (pipeline.frames).
        "latest": verdict_text(frame_verdict(points, horizon=claim["horizon"],
                                             frame=claim.get("frame"))) if points
        else t("claims.not_scored"),
        "last discussed": verdict_text(discussed),
        "timeline": "".join(common.VERDICT_MARKS.get(x["verdict"], "?") for x in recent),
        "trend": common.sparkline([x["score"] for x in recent]),
        "alerts": str(alerts_of.get(claim["claim_id"], {}).get("count", 0)),
    }


span = sorted({p["quarter"] for c in claims for p in points_of(c)})  # "2025Q3" sorts as text
st.subheader(t("claims.overview"))
st.caption(t("claims.overview_caption", n=RECENT,
             span=t("claims.overview_span", first=span[0], last=span[-1]) if span else "",
             legend=common.verdict_legend()))
# A markdown table, not st.dataframe: it is the page's first render, and it needs neither
# pandas nor the browser's canvas grid (together ~1 s on a cold server and browser).
st.markdown(common.markdown_table(
    [{OVERVIEW_COLUMNS[k]: v for k, v in overview_row(c).items()} for c in claims],
    list(OVERVIEW_COLUMNS.values())))

claim_ids = [c["claim_id"] for c in claims]
statements = {c["claim_id"]: c["statement"] for c in claims}
claim_id = st.selectbox(t("claims.claim"), claim_ids, index=common.url_choice("claim", claim_ids),
                        format_func=lambda c: f"{c}: {statements[c]}")
claim = next(c for c in claims if c["claim_id"] == claim_id)
common.set_url(article=article_id, claim=claim_id, ticker=ticker if len(all_tickers) > 1 else None)

st.markdown(f"### {common.md_escape(claim['statement'])}")
if claim["quote"]:
    st.markdown(f"> {common.md_escape(plain_quote(claim['quote']))}")
facts = [t("claims.fact_kind", kind=term("kind", claim["kind"])),
         t("claims.fact_topics", topics=", ".join(claim["topics"]) or "–")]
if claim["metric"]:
    facts.append(t("claims.fact_metric", metric=claim["metric"],
                   direction=term("direction", claim["direction"] or "?")))
if claim["horizon"]:
    facts.append(t("claims.fact_horizon", horizon=term("horizon", claim["horizon"])))
st.caption(common.md_escape(" · ".join(facts)))
flips = alerts_of.get(claim_id)
if flips:
    st.markdown(t("claims.flips", n=flips["count"], link=flips["link"]))

scores = [s for s in common.query(views_claims.claim_scores, article_id, claim_id)
          if s["ticker"] == ticker]
if not scores:
    st.info(t("claims.no_claim_verdicts"))
    st.stop()
peers = sorted({p for s in scores if isinstance(s.get("metric"), dict)
                for p in (s["metric"].get("peers") or {})})
if claim["metric"] and peers:
    link = "?" + urlencode([("page", "peers"), ("metric", claim["metric"]),
                            *[("ticker", t) for t in [ticker, *peers]]], doseq=True)
    st.markdown(t("claims.comparative", metric=common.md_escape(claim["metric"]),
                  tickers=common.md_escape(", ".join([ticker, *peers])), link=link))
quarter_order = [s["quarter"] for s in scores]
# `verdict` stays the stored id (data); `verdict_name` is what the legend and tooltip show.
st.vega_lite_chart(
    [{**{k: s[k] for k in ("quarter", "verdict", "score", "reason")},
      "verdict_name": common.verdict_name(s["verdict"])} for s in scores],
    localise_axes(charts.by_quarter(
        mark="bar", y="score", y_title=t("claims.chart_score_axis"),
        title=t("claims.chart_score"), quarters=quarter_order, y_domain=(-1, 1),
        colour=charts.category_colours(
            "verdict_name", {common.verdict_name(v): c for v, c in common.VERDICT_COLOURS.items()},
            t("claims.chart_verdict")),
        tooltip=[tip("quarter", t("claims.tip_quarter")),
                 tip("verdict_name", t("claims.chart_verdict")),
                 tip("score", t("claims.chart_score_axis"), "quantitative", ".2f"),
                 tip("reason", t("claims.tip_reason"))])),
    width="stretch", height=260,
)

left, right = st.columns(2)
with left:
    attention = [{"quarter": s["quarter"], "attention": s["attention"]} for s in scores
                 if s["attention"] is not None]
    if not attention:
        st.caption(t("claims.no_attention"))
    else:
        st.vega_lite_chart(
            attention,
            localise_axes(charts.by_quarter(
                mark="line", y="attention", y_title=t("claims.attention_axis"),
                title=t("claims.attention_title"), quarters=quarter_order,
                tooltip=[tip("quarter", t("claims.tip_quarter")),
                         tip("attention", t("claims.tip_attention"), "quantitative", ".2f")])),
            width="stretch", height=240,
        )
with right:
    if claim["metric"] and ticker:
        series = [m for m in common.query(views_metrics.metric_series, ticker, claim["metric"])
                  if m["quarter"] in set(quarter_order)]
        if series:
            st.vega_lite_chart(
                series,
                localise_axes(charts.by_quarter(
                    mark="line", y="value", y_title=metric_name(claim["metric"], claim["metric"]),
                    title=t("claims.reported_title", metric=metric_name(claim["metric"],
                                                                        claim["metric"])),
                    quarters=quarter_order, line_colour="#1565c0",
                    tooltip=[tip("quarter", t("claims.tip_quarter")),
                             tip("value", t("claims.tip_value"), "quantitative"),
                             tip("source", t("claims.tip_source"))])),
                width="stretch", height=240,
            )
        else:
            st.caption(t("claims.no_reported",
                         metric=common.md_escape(metric_name(claim["metric"], claim["metric"]))))

st.subheader(t("claims.evidence"))
quarters_desc = list(reversed(quarter_order))
# Default: the latest quarter in which management discussed the claim (rendering every
# quarter's evidence at once is slow in the browser; "all" stays one click away).
discussed = [s["quarter"] for s in scores if s["verdict"] != "not_discussed"]
default_quarter = discussed[-1] if discussed else quarters_desc[0]
options = [*quarters_desc, "all"]
choice = st.selectbox(t("claims.quarter"), options,
                      index=common.url_choice("quarter", options, default_quarter),
                      format_func=named({"all": t("claims.all_quarters")}))
common.set_url(quarter=choice)
evidence: list[dict[str, Any]] = common.query(
    views_claims.claim_evidence, article_id, claim_id, None if choice == "all" else choice)
evidence = [e for e in evidence if e["ticker"] == ticker]
shown = quarters_desc if choice == "all" else [choice]
by_quarter = {s["quarter"]: s for s in scores}
for quarter in shown:
    score = by_quarter[quarter]
    items = [e for e in evidence if e["quarter"] == quarter]
    label = t("claims.expander", quarter=quarter,
              mark=common.VERDICT_MARKS.get(score["verdict"], ""),
              verdict=common.verdict_name(score["verdict"]), score=score["score"], n=len(items))
    with st.expander(label, expanded=choice != "all" or quarter == shown[0]):
        if score["reason"]:
            st.markdown(t("claims.why", reason=common.md_escape(score["reason"])))
        if score["metric"]:
            st.caption(t("claims.reported_numbers"))
            st.json(score["metric"], expanded=False)
        if not items:
            st.caption(t("claims.no_evidence"))
        for item in items:
            badge = STANCE_BADGE.get(item["stance"], "gray")
            stance = common.md_escape(term("stance", item["stance"]))
            st.markdown(f":{badge}-badge[{stance}] {common.md_escape(item['text'])}")
            context = " … ".join(common.md_escape(t) for t in (item["before"], item["after"]) if t)
            if context:
                st.caption(t("common.context", text=context))
            st.caption(common.source_line(item))
