"""What the store holds, per company and fiscal quarter, for `claimtracker status` and the app.

Works on a read-only store: a run whose process is gone (kill -9) is reported as interrupted
without writing (the next writer records it), and pending migrations are reported, not applied.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from claimtracker.db import Store
from claimtracker.runs import OWNER_MIGRATION, process_gone

_TOTAL_TABLES = (
    "companies",
    "filings",
    "documents",
    "sections",
    "facts",
    "calls",
    "turns",
    "sentences",
    "embeddings",
    "mentions",
    "claims",
    "claim_scores",
)


def status_report(store: Store, *, recent_runs: int = 10) -> dict[str, Any]:
    """Companies with their filings and calls per fiscal quarter, totals and the latest runs.

    Stable JSON shape (scripts rely on it):
    {"companies": [{"ticker", "cik", "name", "fiscal_year_end", "tracked",
                    "quarters": [{"fiscal_year", "fiscal_quarter", "quarter",
                                  "filings": [{"form", "accession", "status", "filed_date"}],
                                  "calls": [{"call_id", "date"}]}]}],
     "totals": {...}, "failed_filings": [...], "runs": [...], "notices": [...]}

    A run recorded as running whose process is gone has "status": "interrupted" and
    "recorded_status": "running".
    """
    con = store.con
    companies: dict[int | str, dict[str, Any]] = {
        row[0]: {
            "ticker": row[1],
            "cik": row[0],
            "name": row[2],
            "fiscal_year_end": row[3],
            "tracked": bool(row[4]),
        }
        for row in con.execute(
            "SELECT cik, ticker, name, fiscal_year_end, tracked FROM companies ORDER BY ticker, cik"
        ).fetchall()
    }
    quarters: dict[int | str, dict[tuple[Any, Any], dict[str, Any]]] = defaultdict(dict)

    def slot(cik: int | str, year: Any, quarter: Any) -> dict[str, Any]:
        key = (year, quarter)
        if key not in quarters[cik]:
            quarters[cik][key] = {
                "fiscal_year": year,
                "fiscal_quarter": quarter,
                "quarter": f"{year}Q{quarter}" if year and quarter else None,
                "filings": [],
                "calls": [],
            }
        return quarters[cik][key]

    for cik, form, accession, status, filed, year, quarter in con.execute(
        "SELECT cik, form, accession, status, filed_date, fiscal_year, fiscal_quarter "
        "FROM filings ORDER BY fiscal_year, fiscal_quarter, filed_date, accession"
    ).fetchall():
        slot(cik, year, quarter)["filings"].append(
            {"form": form, "accession": accession, "status": status, "filed_date": filed}
        )
    ticker_to_cik = {c["ticker"]: cik for cik, c in companies.items() if c["ticker"]}
    for call_id, ticker, cik, year, quarter, call_date in con.execute(
        "SELECT call_id, ticker, cik, fiscal_year, fiscal_quarter, call_date FROM calls "
        "ORDER BY fiscal_year, fiscal_quarter, call_date"
    ).fetchall():
        owner = cik or ticker_to_cik.get(ticker) or ticker  # a company known only from its calls
        if owner not in companies:
            companies[owner] = {
                "ticker": ticker,
                "cik": owner if isinstance(owner, int) else None,
                "name": None,
                "fiscal_year_end": None,
                "tracked": False,
            }
        slot(owner, year, quarter)["calls"].append({"call_id": call_id, "date": call_date})

    out = []
    for cik, company in companies.items():
        rows = sorted(
            quarters.get(cik, {}).values(),
            key=lambda q: (q["fiscal_year"] or 0, q["fiscal_quarter"] or 0),
        )
        out.append({**company, "quarters": rows})
    out.sort(key=lambda c: (c["ticker"] or "", c["cik"] or 0))

    totals = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in _TOTAL_TABLES}
    failed = [
        {"accession": a, "form": f, "status": s, "error": e, "source_path": p}
        for a, f, s, e, p in con.execute(
            "SELECT accession, form, status, error, source_path FROM filings "
            "WHERE status <> 'ok' ORDER BY accession"
        ).fetchall()
    ]
    runs = _recent_runs(store, recent_runs)
    pending = [m.name for m in store.pending_migrations()]
    notices = [f"{store.path} has migrations pending ({', '.join(pending)}); the next writing "
               "command (ingest, enrich, score, update) applies them."] if pending else []
    return {"companies": out, "totals": totals, "failed_filings": failed, "runs": runs,
            "notices": notices}


def _recent_runs(store: Store, limit: int) -> list[dict[str, Any]]:
    owned = store.has_migration(OWNER_MIGRATION)
    owner = (", o.pid, o.host, o.proc_start FROM runs r LEFT JOIN run_owners o USING (run_id)"
             if owned else " FROM runs r")
    runs = []
    for r in store.con.execute(
        "SELECT r.run_id, kind, started_at, finished_at, status, counts, errors" + owner
        + " ORDER BY r.run_id DESC LIMIT ?",
        [limit],
    ).fetchall():
        run = {
            "run_id": r[0],
            "kind": r[1],
            "started_at": r[2],
            "finished_at": r[3],
            "status": r[4],
            "counts": json.loads(r[5]) if r[5] else {},
            "errors": json.loads(r[6]) if r[6] else [],
        }
        pid, host, start = r[7:10] if owned else (None, None, None)
        if run["status"] == "running" and process_gone(pid, host, start):
            run["status"] = "interrupted"
            run["recorded_status"] = "running"
        runs.append(run)
    return runs


def render_status_text(report: dict[str, Any]) -> str:
    lines = []
    for company in report["companies"]:
        name = company["name"] or ""
        header = f"{company['ticker'] or '?'}  CIK {company['cik']}  {name}".rstrip()
        lines.append(header + ("  [tracked]" if company["tracked"] else ""))
        for q in company["quarters"]:
            forms = ", ".join(
                f"{f['form']}{'' if f['status'] == 'ok' else ' (' + f['status'] + ')'}"
                for f in q["filings"]
            )
            calls = f"  calls: {len(q['calls'])}" if q["calls"] else ""
            lines.append(f"  {q['quarter'] or 'unknown quarter':>8}  {forms}{calls}")
    totals = report["totals"]
    lines.append("")
    lines.append("Totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    if report["failed_filings"]:
        lines.append("Not fully parsed:")
        for f in report["failed_filings"]:
            lines.append(f"  {f['accession']} {f['form']} {f['status']}: {f['error']}")
    for notice in report.get("notices", []):
        lines.append(f"Note: {notice}")
    if report["runs"]:
        lines.append("Recent runs:")
        for r in report["runs"]:
            counts = ", ".join(f"{k} {v}" for k, v in r["counts"].items())
            gone = " (its process is gone)" if r.get("recorded_status") == "running" else ""
            lines.append(
                f"  #{r['run_id']} {r['kind']} {r['status']}{gone} started {r['started_at']}"
                + (f" ({counts})" if counts else "")
                + (f" errors: {len(r['errors'])}" if r["errors"] else "")
            )
    return "\n".join(lines)
