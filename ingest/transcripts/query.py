"""Read calls back out: the stable JSON of `claimtracker calls` and its text rendering."""

from __future__ import annotations

from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from claimtracker.tickers import cik_of, same_company_tickers


def calls_for(
    store: Store, *, ticker: str | None = None, quarter: str | FiscalQuarter | None = None
) -> list[dict[str, Any]]:
    """Calls as dicts: {call_id, ticker, fiscal_year, fiscal_quarter, date, participants:
    [{name, role, affiliation, title}], turns: [{order, speaker, role, section, text}]}
    plus extra keys (title, format, source_files, filings, is_boilerplate per turn)."""
    where: list[str] = []
    params: list[Any] = []
    if ticker:  # any ticker of the company: 'GOOG' finds calls stored under GOOGL and back
        cik = cik_of(store.con, ticker)
        where.append("(upper(c.ticker) IN (SELECT unnest(?::VARCHAR[])) "
                     "OR c.cik = ?)")
        params += [same_company_tickers(store.con, ticker), cik if cik is not None else -1]
    if quarter is not None:
        fq = quarter if isinstance(quarter, FiscalQuarter) else FiscalQuarter.parse(quarter)
        where.append("c.fiscal_year = ? AND c.fiscal_quarter = ?")
        params += [fq.year, fq.quarter]
    sql = (
        "SELECT call_id, ticker, fiscal_year, fiscal_quarter, call_date, title, format, "
        "source_files, cik, parse_notes FROM calls c"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY ticker, fiscal_year, fiscal_quarter, call_date, call_id"
    )
    con = store.con
    out = []
    for row in con.execute(sql, params).fetchall():
        call_id = row[0]
        participants = [
            {"name": n, "role": r, "affiliation": a, "title": t}
            for n, r, a, t in con.execute(
                "SELECT name, role, affiliation, title FROM call_participants WHERE call_id = ? "
                "ORDER BY ord, name",
                [call_id],
            ).fetchall()
        ]
        turns = [
            {"order": o, "speaker": s, "role": r, "section": sec, "text": txt,
             "is_boilerplate": b, "turn_id": tid}
            for o, s, r, sec, txt, b, tid in con.execute(
                "SELECT ord, speaker, role, section, text, is_boilerplate, turn_id FROM turns "
                "WHERE call_id = ? ORDER BY ord",
                [call_id],
            ).fetchall()
        ]
        filings = [
            {"accession": a, "form": f}
            for a, f in con.execute(
                "SELECT l.accession, f.form FROM call_filings l "
                "LEFT JOIN filings f ON f.accession = l.accession WHERE l.call_id = ? "
                "ORDER BY l.accession",
                [call_id],
            ).fetchall()
        ]
        out.append(
            {
                "call_id": call_id,
                "ticker": row[1],
                "fiscal_year": row[2],
                "fiscal_quarter": row[3],
                "date": row[4],
                "participants": participants,
                "turns": turns,
                "title": row[5],
                "format": row[6],
                "source_files": list(row[7] or []),
                "cik": row[8],
                "parse_notes": row[9],
                "filings": filings,
            }
        )
    return out


def render_calls(calls: list[dict[str, Any]], *, full: bool = False) -> str:
    """One block per call: header and participants; with `full`, every turn too."""
    if not calls:
        return "No calls stored (ingest some with `claimtracker ingest-transcripts PATH`)."
    lines = []
    for c in calls:
        quarter = f"{c['fiscal_year']}Q{c['fiscal_quarter']}" if c["fiscal_year"] else "?"
        by_role: dict[str, int] = {}
        for t in c["turns"]:
            by_role[t["role"]] = by_role.get(t["role"], 0) + 1
        roles = ", ".join(f"{k} {v}" for k, v in sorted(by_role.items()))
        lines.append(
            f"{c['ticker']} {quarter}  {c['date'] or ''}  {c['call_id']}  [{c['format']}]  "
            f"{len(c['turns'])} turns ({roles})"
        )
        if c["title"]:
            lines.append(f"  {c['title']}")
        for p in c["participants"]:
            extra = ", ".join(x for x in (p["title"], p["affiliation"]) if x)
            lines.append(f"  - {p['name']} ({p['role']}){': ' + extra if extra else ''}")
        if c["filings"]:
            lines.append("  filings: " + ", ".join(f"{f['form']} {f['accession']}"
                                                  for f in c["filings"]))
        if c["parse_notes"]:
            lines.append(f"  notes: {c['parse_notes']}")
        if full:
            for t in c["turns"]:
                lines.append(f"  [{t['order']}] {t['section']:8} {t['role']:18} {t['speaker']}: "
                             f"{t['text']}")
        lines.append("")
    return "\n".join(lines).rstrip()
