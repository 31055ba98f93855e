"""Articles: paste or upload an article, review the drafted claims, save them, score them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, ledger_actions, updater
from app_pages.i18n import metric_name, named, t, term
from claims.ledger import metric_ids
from claimtracker.errors import ConfigError, InputError

EDITABLE = ["id", "ticker", "quote", "statement", "metric", "direction", "horizon", "quarter",
            "terms", "compare with", "kind"]

st.title(t("articles.title"))
st.caption(t("articles.intro"))

ledgers = ledger_actions.ledger_files()
if ledgers:
    with st.expander(t("articles.ledgers", n=len(ledgers))):
        st.dataframe(pd.DataFrame([{t("articles.col_file"): str(p), t("articles.col_claims"): n}
                                   for p, n in ledgers]), hide_index=True)

uploaded = st.file_uploader(t("articles.upload"), type=["txt", "md"])
pasted = st.text_area(t("articles.paste"), height=220, key="article_text")
text = pasted if pasted.strip() or not uploaded else uploaded.getvalue().decode(
    "utf-8", errors="replace")

cols = st.columns(3)
stem = re.sub(r"[^a-z0-9]+", "-", (uploaded.name.rsplit(".", 1)[0] if uploaded else "").lower())
article_id = cols[0].text_input(t("articles.article_id"), value=stem.strip("-") or "")
tickers_text = cols[1].text_input(t("articles.companies"), value="",
                                  help=t("articles.companies_help"))
date_value = cols[2].date_input(t("articles.published"), value=None,
                                help=t("articles.published_help"))
tickers = tuple(t for t in re.split(r"[\s,]+", tickers_text.upper()) if t)

propose = st.button(t("articles.propose"), type="primary")
if propose and not text.strip():
    st.warning(t("articles.nothing"))
elif propose:
    with st.spinner(t("articles.proposing")):
        try:
            st.session_state["draft"] = ledger_actions.propose(
                text, tickers=tickers, date=date_value if isinstance(date_value, dt.date)
                else None, source=uploaded.name if uploaded else None, db=common.db_path())
            st.session_state["draft_id"] = article_id or "article"
        except (InputError, ConfigError) as exc:
            st.session_state.pop("draft", None)
            # An unclear company is a question for the user, not a failure.
            st.warning(t("articles.which_company", error=common.md_escape(str(exc))))
            st.caption(t("articles.which_company_how"))

draft: dict[str, Any] | None = st.session_state.get("draft")
if not draft:
    st.stop()

st.subheader(t("articles.proposed", n=len(draft["claims"])))
st.caption(t("articles.proposed_how", summary=common.md_escape(draft["summary"])))


def _cell(claim: dict[str, Any], key: str) -> Any:
    if key == "terms":
        return ", ".join(claim.get("terms") or [])
    if key == "compare with":
        return ", ".join((claim.get("compare") or {}).get("with") or [])
    return claim.get(key)


headers = {"id": t("articles.col.id"), "ticker": t("articles.col.ticker"),
           "quote": t("articles.col.quote"), "statement": t("articles.col.statement"),
           "metric": t("articles.col.metric"), "direction": t("articles.col.direction"),
           "horizon": t("articles.col.horizon"), "quarter": t("articles.col.quarter"),
           "terms": t("articles.col.terms"), "compare with": t("articles.col.compare"),
           "kind": t("articles.col.kind"), "why": t("articles.col.why")}
table = pd.DataFrame([{key: _cell(c, key) for key in [*EDITABLE, "why"]}
                      for c in draft["claims"]], columns=[*EDITABLE, "why"])
edited = st.data_editor(
    table, num_rows="dynamic", hide_index=True, key="claims_editor", disabled=["why"],
    # Headers and choices read in the reader's language; the values stay the ledger's.
    column_config={
        **{name: st.column_config.Column(header) for name, header in headers.items()},
        "kind": st.column_config.SelectboxColumn(
            headers["kind"], options=["narrative", "metric", "both"],
            format_func=named({v: term("kind", v) for v in ("narrative", "metric", "both")})),
        "metric": st.column_config.SelectboxColumn(
            headers["metric"], options=list(metric_ids()),
            format_func=named({m: metric_name(m, m) for m in metric_ids()})),
        "direction": st.column_config.SelectboxColumn(
            headers["direction"], options=["up", "down", "flat"],
            format_func=named({v: term("direction", v) for v in ("up", "down", "flat")})),
        "horizon": st.column_config.SelectboxColumn(
            headers["horizon"], options=["past", "forecast"],
            format_func=named({v: term("horizon", v) for v in ("past", "forecast")})),
        "statement": st.column_config.TextColumn(headers["statement"], width="medium"),
        "quote": st.column_config.TextColumn(headers["quote"], width="large"),
    },
)

drafted = {c.get("id"): c for c in draft["claims"]}
rows = []
for row in edited.to_dict("records"):
    if not (row.get("id") and row.get("quote") and row.get("ticker")):
        continue
    claim = {k: v for k, v in row.items() if k not in ("terms", "compare with")
             and not (v is None or (isinstance(v, float) and pd.isna(v)))}
    claim["ticker"] = str(claim["ticker"]).strip().upper()
    claim["terms"] = [t.strip() for t in str(row.get("terms") or "").split(",") if t.strip()]
    peers = [t.strip().upper() for t in str(row.get("compare with") or "").split(",")
             if t.strip()]
    if peers:
        base = dict((drafted.get(row["id"]) or {}).get("compare") or {"expect": "higher"})
        claim["compare"] = {**base, "with": peers}
    rows.append(claim)
ledger = ledger_actions.ledger_for(draft, rows)
target = ledger_actions.ledger_path(article_id or st.session_state.get("draft_id", "article"))
st.caption(t("articles.ledger_file", path=target))
missing = len(edited) - len(rows)
if missing:
    st.warning(t("articles.incomplete", n=missing))

why_not = updater.why_app_cannot_write(common.db_path())
if why_not:
    st.info(t("articles.readonly", why=why_not, path=target))
    st.download_button(t("articles.download"), ledger_actions.dump(ledger),
                       file_name=target.name, mime="text/yaml")
    st.code(f"claimtracker score --claims {target}", language="bash")
    st.stop()

left, right = st.columns(2)
save_clicked = left.button(t("articles.save"), disabled=not rows)
score_clicked = right.button(t("articles.save_score"), disabled=not rows)
if save_clicked or score_clicked:
    try:
        saved = ledger_actions.save(ledger, target)
    except (ConfigError, InputError) as exc:
        st.error(t("articles.not_saved", error=exc))
        st.stop()
    st.success(t("articles.saved", n=len(rows), path=saved))
    if score_clicked:
        bar = st.progress(0, text=t("articles.scoring"))

        def advance(done: int, total: int, claim_id: str) -> None:
            bar.progress(int(100 * done / max(1, total)),
                         text=t("articles.scoring_one", claim=claim_id, n=done + 1, total=total))

        results = ledger_actions.score(common.db_path(), saved, on_claim=advance)
        bar.progress(100, text=t("articles.scored"))
        st.cache_data.clear()
        st.success(t("articles.scored_summary", claims=len({r["claim_id"] for r in results}),
                     quarters=len({r["quarter"] for r in results})))
        st.dataframe(pd.DataFrame([
            {t("claims.col.claim"): r["claim_id"], t("claims.col.company"): r["ticker"],
             t("claims.tip_quarter"): r["quarter"],
             t("articles.col_verdict"): common.verdict_name(r["verdict"]),
             t("articles.col_score"): r["score"], t("claims.tip_reason"): r["reason"]}
            for r in results
        ]), hide_index=True)
