"""Alerts: what changed per company and quarter, newest first, each with its evidence and a
link into the page that shows it (a claim's timeline, a search, the two texts side by side).

Every alert text comes from filings and transcripts: rendered escaped, never as raw HTML.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from alerts.model import read_alerts
from app_pages import common
from app_pages.i18n import named, t, term
from claimtracker.quarters import FiscalQuarter

KINDS = ("verdict_flip", "metric_surprise", "went_quiet", "language_change", "tone_shift",
         "first_mention")

st.title(t("alerts.title"))
common.require_data(what=t("alerts.what"))

everything: list[dict[str, Any]] = common.query(read_alerts)
if not everything:
    st.info(t("alerts.none"))
    st.stop()

tickers = sorted({a["ticker"] for a in everything})
quarters = sorted({a["quarter"] for a in everything}, key=FiscalQuarter.parse, reverse=True)
cols = st.columns([2, 2, 1])
chosen_tickers = cols[0].multiselect(
    t("alerts.company"), tickers,
    default=[x for x in st.query_params.get_all("ticker") if x in tickers],
    placeholder=t("common.choose"))
chosen_kinds = cols[1].multiselect(
    t("alerts.kind"), list(KINDS),
    default=[k for k in st.query_params.get_all("kind") if k in KINDS],
    format_func=named({k: term("alert_kind", k) for k in KINDS}), placeholder=t("common.choose"))
since_options = ["all quarters", *quarters]
since = cols[2].selectbox(t("alerts.since"), since_options,
                          index=common.url_choice("since", since_options),
                          format_func=named({"all quarters": t("alerts.all_quarters")}))
common.set_url(ticker=chosen_tickers, kind=chosen_kinds,
               since=None if since == "all quarters" else since)

found: list[dict[str, Any]] = common.query(
    read_alerts, tickers=tuple(chosen_tickers) or None, kinds=tuple(chosen_kinds) or None,
    since=None if since == "all quarters" else FiscalQuarter.parse(since))
# `?claim=article/claim` (the Claims page's link): only that claim's alerts.
claim = st.query_params.get("claim")
if claim:
    found = [a for a in found if a["subject"] == claim]
    st.caption(t("alerts.only_claim", claim=common.md_escape(claim)))
st.caption(t("alerts.count", n=len(found)))


def _link(alert: dict[str, Any]) -> str | None:
    """Where the alert's subject is shown: the claim's timeline, or a search of the topic."""
    numbers = alert["numbers"]
    if alert["kind"] == "verdict_flip":
        query = {"article": numbers.get("article_id"), "claim": numbers.get("claim_id"),
                 "quarter": alert["quarter"]}
        return f"/?{urlencode(query)}"
    if alert["kind"] in ("went_quiet", "first_mention"):
        term = numbers.get("topic") or numbers.get("term") or ""
        query = {"query": str(term).replace("_", " "), "ticker": alert["ticker"]}
        return f"/search?{urlencode(query)}"
    return None


def _evidence(items: list[dict[str, Any]]) -> None:
    for item in items:
        st.markdown(f"> {common.md_escape(item.get('text'))}")
        st.caption(common.source_line({"document": item.get("source"), "url": item.get("url")}))


for alert in found[:200]:
    header = (f"**{common.md_escape(alert['ticker'])} {common.md_escape(alert['quarter'])}** · "
              f"{common.md_escape(alert['title'])}")
    with st.container(border=True):
        st.markdown(header)
        st.caption(t("alerts.kind_severity", kind=term("alert_kind", alert["kind"]),
                     severity=alert["severity"]))
        with st.expander(t("alerts.detail")):
            st.markdown(common.md_escape(alert["detail"]))
            link = _link(alert)
            if link:
                st.markdown(t("alerts.open", link=link))
            if alert["kind"] == "language_change":
                left, right = st.columns(2)
                with left:
                    before = alert["numbers"].get("compared_with")
                    st.markdown(t("alerts.removed", quarter=common.md_escape(before)))
                    _evidence([e for e in alert["evidence"] if "(removed)" in e["source"]])
                with right:
                    st.markdown(t("alerts.added", quarter=common.md_escape(alert["quarter"])))
                    _evidence([e for e in alert["evidence"] if "(added)" in e["source"]])
            else:
                _evidence(alert["evidence"])
if len(found) > 200:
    st.caption(t("alerts.first_200", n=len(found)))
