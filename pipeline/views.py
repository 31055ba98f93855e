"""Read-only queries behind the Streamlit pages: the app's read model (shared and Data page).

Pages hold no SQL and no scoring logic: they call these functions with a read-only `Store`
and render what comes back. Every function returns plain lists/dicts (picklable, so the app
can cache them per DB version) and never writes. One module per page beside this one:
views_claims, views_metrics, views_topics; they own no rule either (metric values are
claims.metrics', management language and source links nlp.provenance's).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from pipeline.status import status_report


def db_fingerprint(path: str | os.PathLike[str]) -> tuple[str, int, int, int, int]:
    """Identity of the DB's current contents (file and WAL mtime/size): the app's cache key."""
    db = Path(path)

    def stat(p: Path) -> tuple[int, int]:
        try:
            st = p.stat()
        except FileNotFoundError:
            return (0, -1)
        return (st.st_mtime_ns, st.st_size)

    return (str(db.resolve()), *stat(db), *stat(db.with_name(db.name + ".wal")))


def quarter_label(year: int | None, quarter: int | None) -> str | None:
    return str(FiscalQuarter(year, quarter)) if year and quarter else None


# -- overview ------------------------------------------------------------------------------------
def table_counts(store: Store) -> dict[str, int]:
    """Row counts of the tables that decide what a page can show (empty-DB guidance)."""
    tables = ("filings", "calls", "facts", "sentences", "mentions", "claims", "claim_scores")
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def tickers(store: Store) -> list[str]:
    """Companies with any data (filings, calls or sentences), by ticker."""
    rows = store.con.execute(
        "SELECT DISTINCT ticker FROM ("
        " SELECT ticker FROM companies WHERE ticker IS NOT NULL"
        " UNION SELECT ticker FROM calls UNION SELECT ticker FROM sentences"
        ") WHERE ticker IS NOT NULL ORDER BY ticker"
    ).fetchall()
    return [r[0] for r in rows]


def quarters_with_sentences(store: Store, ticker: str | None = None) -> list[str]:
    """Fiscal quarters that have sentences (for quarter pickers), oldest first."""
    rows = store.con.execute(
        "SELECT DISTINCT fiscal_year, fiscal_quarter FROM sentences "
        "WHERE fiscal_year IS NOT NULL AND fiscal_quarter IS NOT NULL "
        "AND (? IS NULL OR ticker = ?) ORDER BY 1, 2",
        [ticker, ticker],
    ).fetchall()
    return [str(FiscalQuarter(y, q)) for y, q in rows]


def topic_ids(store: Store) -> list[str]:
    """Topics that have mentions in the DB (the taxonomy actually in use), sorted."""
    return [r[0] for r in store.con.execute(
        "SELECT DISTINCT topic FROM mentions ORDER BY topic").fetchall()]


# -- data ----------------------------------------------------------------------------------------
def coverage(store: Store) -> list[dict[str, Any]]:
    """Per company and fiscal quarter: filings by form, calls, sentences and mentions."""
    report = status_report(store, recent_runs=0)
    counts: dict[tuple[str, str], tuple[int, int]] = {
        (t, str(FiscalQuarter(y, q))): (n, m)
        for t, y, q, n, m in store.con.execute(
            "SELECT s.ticker, s.fiscal_year, s.fiscal_quarter, count(DISTINCT s.sentence_id), "
            "count(m.mention_id) FROM sentences s LEFT JOIN mentions m USING (sentence_id) "
            "WHERE s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL GROUP BY ALL"
        ).fetchall()
    }
    out = []
    for comp in report["companies"]:
        for q in comp["quarters"]:
            forms: dict[str, int] = defaultdict(int)
            problems = []
            for f in q["filings"]:
                forms[f["form"]] += 1
                if f["status"] != "ok":
                    problems.append(f"{f['accession']} {f['status']}")
            n_sent, n_ment = counts.get((comp["ticker"], q["quarter"]), (0, 0))
            out.append({
                "ticker": comp["ticker"], "quarter": q["quarter"] or "unknown",
                "10-K": forms.get("10-K", 0), "10-Q": forms.get("10-Q", 0),
                "8-K": forms.get("8-K", 0), "calls": len(q["calls"]),
                "sentences": n_sent, "mentions": n_ment, "not_ok": ", ".join(problems),
            })
    return out


def totals(store: Store) -> dict[str, int]:
    return status_report(store, recent_runs=0)["totals"]


def recent_runs(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their counts and error list."""
    return status_report(store, recent_runs=limit)["runs"]


def failed_filings(store: Store) -> list[dict[str, Any]]:
    return status_report(store, recent_runs=0)["failed_filings"]


# -- search --------------------------------------------------------------------------------------
def hit_counts_by_quarter(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search hits counted per fiscal quarter, oldest first (quarterless hits are skipped)."""
    counts: dict[str, int] = defaultdict(int)
    for hit in hits:
        label = quarter_label(hit.get("fiscal_year"), hit.get("fiscal_quarter"))
        if label:
            counts[label] += 1
    return [{"quarter": q, "hits": counts[q]} for q in sorted(counts, key=FiscalQuarter.parse)]
