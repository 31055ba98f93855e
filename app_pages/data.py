"""Data: what the DB holds per company and quarter, the last runs and their errors, and updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, updater
from app_pages.i18n import named, t
from pipeline import export, views


def _downloads() -> None:
    """Every table users analyse, as the file `claimtracker export` writes (same owner)."""
    with st.expander(t("data.downloads")):
        tables: list[str] = common.query(export.exportable_tables)
        left, right = st.columns(2)
        table = left.selectbox(t("data.table"), tables, key="export_table")
        fmt = right.radio(t("data.format"), ["parquet", "csv"], horizontal=True,
                          key="export_format")
        if table and st.button(t("data.prepare"), key="export_prepare"):
            data: bytes = common.query(export.table_bytes, table, fmt)
            st.download_button(t("data.download", file=f"{table}.{fmt}"), data,
                               file_name=f"{table}.{fmt}",
                               mime="text/csv" if fmt == "csv" else
                               "application/vnd.apache.parquet", key="export_download")


st.title(t("data.title"))
path = common.db_path()
st.caption(t("data.database", path=path))

if path.exists():
    totals: dict[str, int] = common.query(views.totals)
    shown = {"filings": t("data.n.filings"), "calls": t("data.n.calls"),
             "facts": t("data.n.facts"), "sentences": t("data.n.sentences"),
             "mentions": t("data.n.mentions"), "claims": t("data.n.claims"),
             "claim_scores": t("data.n.claim_scores")}
    for column, (table, label) in zip(st.columns(len(shown)), shown.items(), strict=True):
        column.metric(label, f"{totals.get(table, 0):,}")

    coverage: list[dict[str, Any]] = common.query(views.coverage)
    st.subheader(t("data.coverage"))
    if coverage:
        tickers = sorted({r["ticker"] or "?" for r in coverage})
        chosen = st.multiselect(t("data.companies"), tickers, placeholder=t("common.choose"),
                                default=[x for x in st.query_params.get_all("ticker")
                                         if x in tickers])
        common.set_url(ticker=chosen or None)
        rows = [r for r in coverage if not chosen or (r["ticker"] or "?") in chosen]
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="coverage_table",
                     column_config={  # headers only: the columns keep the read model's names
                         "ticker": st.column_config.TextColumn(t("data.col.ticker")),
                         "quarter": st.column_config.TextColumn(t("data.col.quarter")),
                         "calls": st.column_config.NumberColumn(t("data.n.calls")),
                         "sentences": st.column_config.NumberColumn(t("data.n.sentences")),
                         "mentions": st.column_config.NumberColumn(t("data.n.mentions")),
                         "not_ok": st.column_config.TextColumn(t("data.not_ok"))})
    else:
        st.info(t("data.no_coverage", path=path))
        st.markdown(common.load_data_howto(path))

    failed: list[dict[str, Any]] = common.query(views.failed_filings)
    if failed:
        with st.expander(t("data.failed", n=len(failed))):
            st.dataframe(pd.DataFrame(failed), hide_index=True)

    _downloads()

    st.subheader(t("data.runs"))
    runs: list[dict[str, Any]] = common.query(views.recent_runs, 20)
    if runs:
        st.dataframe(pd.DataFrame([
            {t("data.col.run"): r["run_id"], t("data.col.kind"): r["kind"],
             t("data.col.status"): r["status"], t("data.col.started"): r["started_at"],
             t("data.col.finished"): r["finished_at"],
             t("data.col.counts"): ", ".join(f"{k} {v}" for k, v in r["counts"].items()),
             t("data.col.errors"): len(r["errors"])}
            for r in runs
        ]), hide_index=True, key="runs_table")
        errors = [{"run": r["run_id"], "kind": r["kind"], **e} for r in runs for e in r["errors"]]
        if errors:
            with st.expander(t("data.errors", n=len(errors)), expanded=True):
                st.dataframe(pd.DataFrame(errors), hide_index=True, key="errors_table")
    else:
        st.caption(t("data.no_runs"))
else:
    st.info(t("data.no_db", path=path))
    st.markdown(common.load_data_howto(path))

st.subheader(t("data.update"))
st.caption(t("data.update_caption"))
shared = Path("..") / "shared"
source = st.radio(t("data.source"), ["live", "local"], horizontal=True,
                  index=1 if shared.exists() else 0,
                  format_func=named({"live": t("data.source_live"),
                                     "local": t("data.source_local")}))
args: list[str] = []
if source == "local":
    cols = st.columns(2)
    edgar_dir = cols[0].text_input(t("data.edgar_dir"), value=str(shared / "edgar"))
    transcripts_dir = cols[1].text_input(t("data.transcripts_dir"),
                                         value=str(shared / "transcripts"))
    args = ["--no-fetch", "--from-dir", edgar_dir] + (["--transcripts", transcripts_dir]
                                                      if transcripts_dir.strip() else [])
command = updater.update_command(path, [*args, "--progress"])
st.code(updater.shell_line(command), language="bash")

why_not = updater.why_app_cannot_write(path)
if why_not:
    st.info(t("data.readonly", why=why_not))
elif st.button(t("data.run_update"), type="primary"):
    bar = st.progress(0.0, text=t("data.starting"))
    log_box = st.empty()
    result = updater.run_with_progress(
        command, on_progress=lambda frac, label: bar.progress(frac, text=label),
        on_line=lambda tail: log_box.code(tail),
    )
    bar.progress(1.0, text=t("data.finished") if result.ok else t("data.failed_run"))
    st.cache_data.clear()
    if result.ok:
        st.success(result.summary or t("data.update_done"))
    else:
        st.error(t("data.update_failed", code=result.exit_code))
    st.button(t("data.reload"), key="reload_after_update")
