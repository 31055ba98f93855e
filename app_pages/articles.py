"""Articles: paste or upload an article, review the drafted claims, save them, score them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, ledger_actions, updater
from claims.ledger import metric_ids
from claimtracker.errors import ConfigError, InputError

EDITABLE = ["id", "ticker", "quote", "statement", "metric", "direction", "horizon", "quarter",
            "terms", "compare with", "kind"]

st.title("Articles")
st.caption("An article makes claims; claimtracker checks each one against what management says "
           "and reports, quarter by quarter. Korean and English articles both work: each claim "
           "gets its company, metric, direction and time frame, and scores as drafted.")

ledgers = ledger_actions.ledger_files()
if ledgers:
    with st.expander(f"Ledgers on disk ({len(ledgers)})"):
        st.dataframe(pd.DataFrame([{"file": str(p), "claims": n} for p, n in ledgers]),
                     hide_index=True)

uploaded = st.file_uploader("Upload an article (.txt or .md)", type=["txt", "md"])
pasted = st.text_area("…or paste it here", height=220, key="article_text")
text = pasted if pasted.strip() or not uploaded else uploaded.getvalue().decode(
    "utf-8", errors="replace")

cols = st.columns(3)
stem = re.sub(r"[^a-z0-9]+", "-", (uploaded.name.rsplit(".", 1)[0] if uploaded else "").lower())
article_id = cols[0].text_input("Article id (ledger file name)", value=stem.strip("-") or "")
tickers_text = cols[1].text_input("Companies (tickers, optional)", value="",
                                  help="Found in the text when empty: names, Korean names, "
                                       "'Name (TICKER)'. Give them when the article is unclear.")
date_value = cols[2].date_input("Published (optional)", value=None,
                                help="Read from the text when empty; never silently today.")
tickers = tuple(t for t in re.split(r"[\s,]+", tickers_text.upper()) if t)

propose = st.button("Propose claims", type="primary")
if propose and not text.strip():
    st.warning("Paste an article or upload a file first.")
elif propose:
    with st.spinner("Splitting sentences, resolving companies, finding check-worthy claims…"):
        try:
            st.session_state["draft"] = ledger_actions.propose(
                text, tickers=tickers, date=date_value if isinstance(date_value, dt.date)
                else None, source=uploaded.name if uploaded else None, db=common.db_path())
            st.session_state["draft_id"] = article_id or "article"
        except (InputError, ConfigError) as exc:
            st.session_state.pop("draft", None)
            # An unclear company is a question for the user, not a failure.
            st.warning(f"Which company? {common.md_escape(str(exc))}")  # quotes the article
            st.caption("Type the ticker(s) in **Companies** above and propose again.")

draft: dict[str, Any] | None = st.session_state.get("draft")
if not draft:
    st.stop()

st.subheader(f"Proposed claims ({len(draft['claims'])})")
st.caption(f"{common.md_escape(draft['summary'])}. Check each claim's company, metric, "
           "direction and time frame "
           "(`quarter`: the fiscal quarter it speaks of), delete rows that are not claims, add "
           "rows the drafter missed. `terms` and `compare with` are comma-separated; `why` says "
           "why a sentence was proposed.")


def _cell(claim: dict[str, Any], key: str) -> Any:
    if key == "terms":
        return ", ".join(claim.get("terms") or [])
    if key == "compare with":
        return ", ".join((claim.get("compare") or {}).get("with") or [])
    return claim.get(key)


table = pd.DataFrame([{key: _cell(c, key) for key in [*EDITABLE, "why"]}
                      for c in draft["claims"]], columns=[*EDITABLE, "why"])
edited = st.data_editor(
    table, num_rows="dynamic", hide_index=True, key="claims_editor", disabled=["why"],
    column_config={
        "kind": st.column_config.SelectboxColumn(options=["narrative", "metric", "both"]),
        "metric": st.column_config.SelectboxColumn(options=list(metric_ids())),
        "direction": st.column_config.SelectboxColumn(options=["up", "down", "flat"]),
        "horizon": st.column_config.SelectboxColumn(options=["past", "forecast"]),
        "statement": st.column_config.TextColumn(width="medium"),
        "quote": st.column_config.TextColumn(width="large"),
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
st.caption(f"Ledger file: `{target}`")
missing = len(edited) - len(rows)
if missing:
    st.warning(f"{missing} row(s) lack an id, a quote or a company (ticker) and are not saved.")

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
    except (ConfigError, InputError) as exc:
        st.error(f"Not saved: {exc}")
        st.stop()
    st.success(f"Saved {len(rows)} claims to {saved}.")
    if score_clicked:
        bar = st.progress(0, text="Scoring every claim in every quarter with data…")

        def advance(done: int, total: int, claim_id: str) -> None:
            bar.progress(int(100 * done / max(1, total)), text=f"Scoring {claim_id} "
                         f"({done + 1} of {total})…")

        results = ledger_actions.score(common.db_path(), saved, on_claim=advance)
        bar.progress(100, text="Scored.")
        st.cache_data.clear()
        st.success(f"Scored {len({r['claim_id'] for r in results})} claims over "
                   f"{len({r['quarter'] for r in results})} quarters: see the Claims page.")
        st.dataframe(pd.DataFrame([
            {"claim": r["claim_id"], "company": r["ticker"], "quarter": r["quarter"],
             "verdict": r["verdict"], "score": r["score"], "reason": r["reason"]}
            for r in results
        ]), hide_index=True)
