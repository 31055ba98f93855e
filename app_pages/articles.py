"""Articles: paste or upload an article, review the proposed claims, save them, score them."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, ledger_actions, updater
from claims.ledger import METRICS as METRIC_CHOICES
from claimtracker.errors import ConfigError

EDITABLE = ["id", "statement", "quote", "topics", "kind", "metric", "direction", "horizon"]

st.title("Articles")
st.caption("An article makes claims; claimtracker checks each one against what management says "
           "and reports, quarter by quarter. Korean and English articles both work.")

ledgers = ledger_actions.ledger_files()
if ledgers:
    with st.expander(f"Ledgers on disk ({len(ledgers)})"):
        st.dataframe(pd.DataFrame([{"file": str(p), "claims": n} for p, n in ledgers]),
                     hide_index=True)

uploaded = st.file_uploader("Upload an article (.txt or .md)", type=["txt", "md"])
pasted = st.text_area("…or paste it here", height=220, key="article_text")
text = pasted if pasted.strip() or not uploaded else uploaded.getvalue().decode(
    "utf-8", errors="replace")

cols = st.columns(4)
stem = re.sub(r"[^a-z0-9]+", "-", (uploaded.name.rsplit(".", 1)[0] if uploaded else "").lower())
article_id = cols[0].text_input("Article id (ledger file name)", value=stem.strip("-") or "")
title = cols[1].text_input("Title", value="")
ticker = cols[2].text_input("Company ticker", value="AMZN").strip().upper()
language = cols[3].selectbox("Language", ["auto", "ko", "en"])

propose = st.button("Propose claims", type="primary")
if propose and not text.strip():
    st.warning("Paste an article or upload a file first.")
elif propose:
    with st.spinner("Splitting sentences and finding check-worthy claims (the multilingual model "
                    "loads once)…"):
        st.session_state["draft"] = ledger_actions.propose(
            text, title=title or None, ticker=ticker or None,
            language=None if language == "auto" else language,
            source=uploaded.name if uploaded else None)
        st.session_state["draft_id"] = article_id or "article"

draft: dict[str, Any] | None = st.session_state.get("draft")
if not draft:
    st.stop()

st.subheader(f"Proposed claims ({len(draft['claims'])})")
st.caption("Write each claim's English statement (it is also the search query for evidence), "
           "check topics, metric and expected direction, delete rows that are not claims, add "
           "rows for claims the extractor missed. Topics are ids from data/topics.yaml, "
           "comma-separated; `why` says why a sentence was proposed.")
table = pd.DataFrame([
    {key: (", ".join(c.get(key) or []) if key == "topics" else c.get(key))
     for key in [*EDITABLE, "why"]}
    for c in draft["claims"]
], columns=[*EDITABLE, "why"])
edited = st.data_editor(
    table, num_rows="dynamic", hide_index=True, key="claims_editor", disabled=["why"],
    column_config={
        "kind": st.column_config.SelectboxColumn(options=["narrative", "metric", "both"]),
        "metric": st.column_config.SelectboxColumn(options=list(METRIC_CHOICES)),
        "direction": st.column_config.SelectboxColumn(options=["up", "down", "flat"]),
        "horizon": st.column_config.SelectboxColumn(options=["past", "forecast"]),
        "statement": st.column_config.TextColumn(width="large"),
        "quote": st.column_config.TextColumn(width="medium"),
    },
)

rows = []
for row in edited.to_dict("records"):
    if not (row.get("id") and row.get("statement")):
        continue
    claim = {k: v for k, v in row.items()
             if not (v is None or (isinstance(v, float) and pd.isna(v)))}
    claim["topics"] = [t.strip() for t in str(row.get("topics") or "").split(",") if t.strip()]
    rows.append(claim)
ledger = ledger_actions.ledger_for(draft, rows)
target = ledger_actions.ledger_path(article_id or st.session_state.get("draft_id", "article"))
st.caption(f"Ledger file: `{target}`")
todo = [c["id"] for c in rows if str(c.get("statement", "")).startswith("TODO")]
if todo:
    st.warning(f"{len(todo)} claims still have a TODO statement: write them before scoring.")

why_not = updater.why_app_cannot_write(common.db_path())
if why_not:
    st.info(f"The app does not write here: {why_not} Download the ledger, save it as "
            f"`{target}`, then run the command below.")
    st.download_button("Download ledger YAML", ledger_actions.dump(ledger),
                       file_name=target.name, mime="text/yaml")
    st.code(f"claimtracker score --claims {target}", language="bash")
    st.stop()

left, right = st.columns(2)
save_clicked = left.button("Save to ledger", disabled=not rows)
score_clicked = right.button("Save and score", disabled=not rows)
if save_clicked or score_clicked:
    try:
        saved = ledger_actions.save(ledger, target)
    except ConfigError as exc:
        st.error(f"Not saved: {exc}")
        st.stop()
    st.success(f"Saved {len(rows)} claims to {saved}.")
    if score_clicked:
        with st.spinner("Scoring every claim in every quarter with data…"):
            results = ledger_actions.score(common.db_path(), saved)
        st.cache_data.clear()
        st.success(f"Scored {len({r['claim_id'] for r in results})} claims over "
                   f"{len({r['quarter'] for r in results})} quarters: see the Claims page.")
        st.dataframe(pd.DataFrame([
            {"claim": r["claim_id"], "quarter": r["quarter"], "verdict": r["verdict"],
             "score": r["score"], "reason": r["reason"]} for r in results
        ]), hide_index=True)
