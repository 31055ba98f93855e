"""Claims: an article's claims with their verdict timelines; one claim's scores and evidence."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_pages import common
from claims.render import plain_quote
from pipeline import charts, views_claims, views_metrics
from pipeline.frames import frame_verdict

STANCE_BADGE = {"supports": "green", "contradicts": "red", "neutral": "gray"}

st.title("Claims")
common.require_data("claims", what="the Claims page")

articles: list[dict[str, Any]] = common.query(views_claims.articles)
if not articles:
    st.info("No article in the ledger yet: add one on the Articles page, then run "
            "`claimtracker score`.")
    st.stop()
article_ids = [a["article_id"] for a in articles]
by_id = {a["article_id"]: a for a in articles}
article_id = st.selectbox(
    "Article", article_ids, index=common.url_choice("article", article_ids),
    format_func=lambda a: f"{by_id[a]['title'] or a} ({by_id[a]['n_claims']} claims)",
)
article = by_id[article_id]
st.caption(" · ".join(common.md_escape(str(v)) for v in (
    article["source"], article["language"], article["published"], article["ticker"]) if v))

claims: list[dict[str, Any]] = common.query(views_claims.claims_with_timelines, article_id)
all_tickers = sorted({p["ticker"] for c in claims for p in c["timeline"]})
ticker = None
if len(all_tickers) > 1:
    ticker = st.selectbox("Company", all_tickers,
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
    st.info("These claims have no verdicts yet: run `claimtracker score` to check them "
            "quarter by quarter.")

def verdict_text(point: dict[str, Any] | None) -> str:
    if not point:
        return "–"
    mark = common.VERDICT_MARKS.get(point["verdict"], "")
    return f"{mark} {point['verdict']} ({point['quarter']})"


RECENT = 8  # quarters in the overview's timeline; a claim's chart below has them all
OVERVIEW_COLUMNS = ["claim", "company", "statement", "latest", "last discussed", "timeline",
                    "trend", "alerts"]
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
        else "not scored",
        "last discussed": verdict_text(discussed),
        "timeline": "".join(common.VERDICT_MARKS.get(x["verdict"], "?") for x in recent),
        "trend": common.sparkline([x["score"] for x in recent]),
        "alerts": str(alerts_of.get(claim["claim_id"], {}).get("count", 0)),
    }


span = sorted({p["quarter"] for c in claims for p in points_of(c)})  # "2025Q3" sorts as text
st.subheader("Claims and their verdicts by quarter")
st.caption(
    f"Timeline and trend: the last {RECENT} scored quarters"
    + (f" (of {span[0]}–{span[-1]})" if span else "")
    + ", oldest first: " + common.legend("mark", " · ") + "; "
    "trend bars from -1 (▁) to +1 (█). Pick a claim below for every quarter and its evidence.")
# A markdown table, not st.dataframe: it is the page's first render, and it needs neither
# pandas nor the browser's canvas grid (together ~1 s on a cold server and browser).
st.markdown(common.markdown_table([overview_row(c) for c in claims], OVERVIEW_COLUMNS))

claim_ids = [c["claim_id"] for c in claims]
statements = {c["claim_id"]: c["statement"] for c in claims}
claim_id = st.selectbox("Claim", claim_ids, index=common.url_choice("claim", claim_ids),
                        format_func=lambda c: f"{c}: {statements[c]}")
claim = next(c for c in claims if c["claim_id"] == claim_id)
common.set_url(article=article_id, claim=claim_id, ticker=ticker if len(all_tickers) > 1 else None)

st.markdown(f"### {common.md_escape(claim['statement'])}")
if claim["quote"]:
    st.markdown(f"> {common.md_escape(plain_quote(claim['quote']))}")
facts = [f"kind: {claim['kind']}", f"topics: {', '.join(claim['topics']) or '–'}"]
if claim["metric"]:
    facts.append(f"metric: {claim['metric']} expected {claim['direction'] or '?'}")
if claim["horizon"]:
    facts.append(f"horizon: {claim['horizon']}")
st.caption(common.md_escape(" · ".join(facts)))
flips = alerts_of.get(claim_id)
if flips:
    st.markdown(f"{flips['count']} verdict-flip alert(s) on this claim: "
                f"[open them on the Alerts page]({flips['link']})")

scores = [s for s in common.query(views_claims.claim_scores, article_id, claim_id)
          if s["ticker"] == ticker]
if not scores:
    st.info("No verdicts for this claim yet: run `claimtracker score`.")
    st.stop()
peers = sorted({p for s in scores if isinstance(s.get("metric"), dict)
                for p in (s["metric"].get("peers") or {})})
if claim["metric"] and peers:
    link = "?" + urlencode([("page", "peers"), ("metric", claim["metric"]),
                            *[("ticker", t) for t in [ticker, *peers]]], doseq=True)
    st.markdown(f"Comparative claim: [see {common.md_escape(claim['metric'])} of "
                f"{common.md_escape(', '.join([ticker, *peers]))} side by side]({link})")
quarter_order = [s["quarter"] for s in scores]
st.vega_lite_chart(
    [{k: s[k] for k in ("quarter", "verdict", "score", "reason")} for s in scores],
    charts.by_quarter(
        mark="bar", y="score", y_title="Score", title="Score by quarter", quarters=quarter_order,
        y_domain=(-1, 1),
        colour=charts.category_colours("verdict", common.VERDICT_COLOURS, "Verdict"),
        tooltip=[charts.tip("quarter"), charts.tip("verdict"),
                 charts.tip("score", "quantitative", ".2f"), charts.tip("reason")]),
    width="stretch", height=260,
)

left, right = st.columns(2)
with left:
    attention = [{"quarter": s["quarter"], "attention": s["attention"]} for s in scores
                 if s["attention"] is not None]
    if not attention:
        st.caption("No attention figures for this claim.")
    else:
        st.vega_lite_chart(
            attention,
            charts.by_quarter(
                mark="line", y="attention", y_title="Share of management sentences",
                title="Attention to the claim's topics", quarters=quarter_order,
                tooltip=[charts.tip("quarter"), charts.tip("attention", "quantitative", ".2f")]),
            width="stretch", height=240,
        )
with right:
    if claim["metric"] and ticker:
        series = [m for m in common.query(views_metrics.metric_series, ticker, claim["metric"])
                  if m["quarter"] in set(quarter_order)]
        if series:
            st.vega_lite_chart(
                series,
                charts.by_quarter(
                    mark="line", y="value", y_title=claim["metric"],
                    title=f"Reported {claim['metric']}", quarters=quarter_order,
                    line_colour="#1565c0",
                    tooltip=[charts.tip("quarter"), charts.tip("value", "quantitative"),
                             charts.tip("source")]),
                width="stretch", height=240,
            )
        else:
            st.caption(f"No reported {common.md_escape(claim['metric'])} values for these "
                       "quarters.")

st.subheader("Evidence by quarter")
quarters_desc = list(reversed(quarter_order))
# Default: the latest quarter in which management discussed the claim (rendering every
# quarter's evidence at once is slow in the browser; "all" stays one click away).
discussed = [s["quarter"] for s in scores if s["verdict"] != "not_discussed"]
default_quarter = discussed[-1] if discussed else quarters_desc[0]
options = [*quarters_desc, "all"]
choice = st.selectbox("Quarter", options,
                      index=common.url_choice("quarter", options, default_quarter))
common.set_url(quarter=choice)
evidence: list[dict[str, Any]] = common.query(
    views_claims.claim_evidence, article_id, claim_id, None if choice == "all" else choice)
evidence = [e for e in evidence if e["ticker"] == ticker]
shown = quarters_desc if choice == "all" else [choice]
by_quarter = {s["quarter"]: s for s in scores}
for quarter in shown:
    score = by_quarter[quarter]
    items = [e for e in evidence if e["quarter"] == quarter]
    label = (f"{quarter} · {common.VERDICT_MARKS.get(score['verdict'], '')} {score['verdict']} "
             f"({score['score']:+.2f}) · {len(items)} sentences")
    with st.expander(label, expanded=choice != "all" or quarter == shown[0]):
        if score["reason"]:
            st.markdown(f"**Why:** {common.md_escape(score['reason'])}")
        if score["metric"]:
            st.caption("Reported numbers (the metric part of the verdict):")
            st.json(score["metric"], expanded=False)
        if not items:
            st.caption("No evidence sentences in this quarter.")
        for item in items:
            badge = STANCE_BADGE.get(item["stance"], "gray")
            stance = common.md_escape(item["stance"])
            st.markdown(f":{badge}-badge[{stance}] {common.md_escape(item['text'])}")
            context = " … ".join(common.md_escape(t) for t in (item["before"], item["after"]) if t)
            if context:
                st.caption(f"Context: {context}")
            st.caption(common.source_line(item))
