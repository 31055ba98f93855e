"""Data: what the DB holds per company and quarter, the last runs and their errors, and updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, updater
from pipeline import export, views


def _downloads() -> None:
    """Every table users analyse, as the file `claimtracker export` writes (same owner)."""
    with st.expander("Download tables (Parquet or CSV, as `claimtracker export` writes them)"):
        tables: list[str] = common.query(export.exportable_tables)
        left, right = st.columns(2)
        table = left.selectbox("Table", tables, key="export_table")
        fmt = right.radio("Format", ["parquet", "csv"], horizontal=True, key="export_format")
        if table and st.button("Prepare the file", key="export_prepare"):
            data: bytes = common.query(export.table_bytes, table, fmt)
            st.download_button(f"Download {table}.{fmt}", data, file_name=f"{table}.{fmt}",
                               mime="text/csv" if fmt == "csv" else
                               "application/vnd.apache.parquet", key="export_download")


st.title("Data")
path = common.db_path()
st.caption(f"Database: `{path}`")

if path.exists():
    totals: dict[str, int] = common.query(views.totals)
    shown = ("filings", "calls", "facts", "sentences", "mentions", "claims", "claim_scores")
    for column, table in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(table.replace("_", " "), f"{totals.get(table, 0):,}")

    coverage: list[dict[str, Any]] = common.query(views.coverage)
    st.subheader("Filings and calls per company and fiscal quarter")
    if coverage:
        tickers = sorted({r["ticker"] or "?" for r in coverage})
        chosen = st.multiselect("Companies", tickers,
                                default=[t for t in st.query_params.get_all("ticker")
                                         if t in tickers])
        common.set_url(ticker=chosen or None)
        rows = [r for r in coverage if not chosen or (r["ticker"] or "?") in chosen]
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="coverage_table",
                     column_config={"not_ok": st.column_config.TextColumn("not parsed fully")})
    else:
        st.info(f"`{path}` has no filings or calls yet.")
        st.markdown(common.LOAD_DATA_HOWTO.format(db=path))

    failed: list[dict[str, Any]] = common.query(views.failed_filings)
    if failed:
        with st.expander(f"{len(failed)} filings not fully parsed"):
            st.dataframe(pd.DataFrame(failed), hide_index=True)

    _downloads()

    st.subheader("Last runs")
    runs: list[dict[str, Any]] = common.query(views.recent_runs, 20)
    if runs:
        st.dataframe(pd.DataFrame([
            {"run": r["run_id"], "kind": r["kind"], "status": r["status"],
             "started": r["started_at"], "finished": r["finished_at"],
             "counts": ", ".join(f"{k} {v}" for k, v in r["counts"].items()),
             "errors": len(r["errors"])}
            for r in runs
        ]), hide_index=True, key="runs_table")
        errors = [{"run": r["run_id"], "kind": r["kind"], **e} for r in runs for e in r["errors"]]
        if errors:
            with st.expander(f"Errors of these runs ({len(errors)})", expanded=True):
                st.dataframe(pd.DataFrame(errors), hide_index=True, key="errors_table")
    else:
        st.caption("No runs recorded yet.")
else:
    st.info(f"No database at `{path}` yet.")
    st.markdown(common.LOAD_DATA_HOWTO.format(db=path))

st.subheader("Quarterly update")
st.caption("Fetches what is new, ingests it, then enriches and rescores: the same "
           "`claimtracker update` that cron runs.")
shared = Path("..") / "shared"
source = st.radio("Source", ["Live EDGAR (tracked companies)", "Local folders"], horizontal=True,
                  index=1 if shared.exists() else 0)
args: list[str] = []
if source == "Local folders":
    cols = st.columns(2)
    edgar_dir = cols[0].text_input("EDGAR folder", value=str(shared / "edgar"))
    transcripts_dir = cols[1].text_input("Transcripts folder", value=str(shared / "transcripts"))
    args = ["--no-fetch", "--from-dir", edgar_dir] + (["--transcripts", transcripts_dir]
                                                      if transcripts_dir.strip() else [])
command = updater.update_command(path, [*args, "--progress"])
st.code(updater.shell_line(command), language="bash")

why_not = updater.why_app_cannot_write(path)
if why_not:
    st.info(f"The app does not run updates here: {why_not} Run the command above in a shell.")
elif st.button("Run update now", type="primary"):
    bar = st.progress(0.0, text="Starting…")
    log_box = st.empty()
    result = updater.run_with_progress(
        command, on_progress=lambda frac, label: bar.progress(frac, text=label),
        on_line=lambda tail: log_box.code(tail),
    )
    bar.progress(1.0, text="Finished" if result.ok else "Failed")
    st.cache_data.clear()
    if result.ok:
        st.success(result.summary or "Update finished.")
    else:
        st.error(f"The update exited with code {result.exit_code}. Its last lines are shown above; "
                 "runs and their errors are listed under Last runs after a reload.")
    st.button("Reload", key="reload_after_update")
