"""Articles: paste or upload an article, review the proposed claims, save them, score them."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, ledger_actions, updater

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
default_text = uploaded.getvalue().decode("utf-8", errors="replace") if uploaded else ""
text = st.text_area("…or paste it here", value=default_text, height=220, key="article_text")

cols = st.columns(4)
stem = re.sub(r"[^a-z0-9]+", "-", (uploaded.name.rsplit(".", 1)[0] if uploaded else "").lower())
article_id = cols[0].text_input("Article id (ledger file name)", value=stem.strip("-") or "")
title = cols[1].text_input("Title", value="")
ticker = cols[2].text_input("Company ticker", value="AMZN").strip().upper()
language = cols[3].selectbox("Language", ["auto", "ko", "en"])

if st.button("Propose claims", type="primary", disabled=not text.strip()):
    with st.spinner("Splitting sentences and finding check-worthy claims (the multilingual model "
                    "loads once)…"):
        st.session_state["draft"] = ledger_actions.propose(
            text, article_id=article_id or "article", title=title or None, ticker=ticker or None,
            language=None if language == "auto" else language)

draft: dict[str, Any] | None = st.session_state.get("draft")
if not draft:
    st.stop()

st.subheader(f"Proposed claims ({len(draft['claims'])})")
st.caption("Edit the statements, topics and expected directions; delete rows that are not "
           "claims; add rows for claims the extractor missed. Topics are ids from "
           "data/topics.yaml, comma-separated.")
table = pd.DataFrame([
    {key: (", ".join(c.get(key) or []) if key == "topics" else c.get(key)) for key in EDITABLE}
    for c in draft["claims"]
], columns=EDITABLE)
edited = st.data_editor(
    table, num_rows="dynamic", hide_index=True, key="claims_editor",
    column_config={
        "kind": st.column_config.SelectboxColumn(options=["narrative", "metric", "both"]),
        "direction": st.column_config.SelectboxColumn(options=["up", "down", "flat"]),
        "horizon": st.column_config.SelectboxColumn(options=["past", "forecast"]),
        "statement": st.column_config.TextColumn(width="large"),
        "quote": st.column_config.TextColumn(width="medium"),
    },
)

claims_out = []
for row in edited.to_dict("records"):
    if not (row.get("id") and row.get("statement")):
        continue
    claim = {k: v for k, v in row.items() if v not in (None, "") and not pd.isna(v)}
    claim["topics"] = [t.strip() for t in str(row.get("topics") or "").split(",") if t.strip()]
    claims_out.append(claim)
ledger = {**draft, "claims": claims_out}
target = ledger_actions.ledger_path(ledger.get("article", {}).get("id") or article_id or "article")
st.caption(f"Will be saved to `{target}`")

why_not = updater.why_app_cannot_write(common.db_path())
if why_not:
    st.info(f"The app does not write here: {why_not} Download the ledger, save it as "
            f"`{target}`, then run the command below.")
    st.download_button("Download ledger YAML", ledger_actions.dump(ledger),
                       file_name=target.name, mime="text/yaml")
    st.code(f"claimtracker score --claims {target}", language="bash")
    st.stop()

left, right = st.columns(2)
if left.button("Save to ledger", disabled=not claims_out):
    saved = ledger_actions.save(ledger, target)
    st.success(f"Saved {len(claims_out)} claims to {saved}.")
if right.button("Save and score", disabled=not claims_out):
    saved = ledger_actions.save(ledger, target)
    with st.spinner("Scoring every claim in every quarter with data…"):
        results = ledger_actions.score(common.db_path(), saved)
    st.cache_data.clear()
    st.success(f"Scored {len({r['claim_id'] for r in results})} claims over "
               f"{len({r['quarter'] for r in results})} quarters. See them on the Claims page.")
    st.dataframe(pd.DataFrame([
        {"claim": r["claim_id"], "quarter": r["quarter"], "verdict": r["verdict"],
         "score": r["score"], "reason": r["reason"]} for r in results
    ]), hide_index=True)
