"""Write one call in one transaction, deduplicating by content and by (ticker, quarter, date).

Rules, in order:
1. Same call_id already stored (same words, e.g. one merged file vs. a presentation + Q&A
   pair): keep ONE row; its turns come from the better-structured source (identity.quality),
   and source_files lists every file the call was read from. The same layout read again
   but parsed differently (an improved parser) rewrites the row; an identical parse
   changes nothing.
2. Different call_id but same ticker, fiscal quarter and call date (two vendors' edits of
   one call): the same call too; keep the better-structured copy, drop the other.
3. Otherwise a new call.
"""

from __future__ import annotations

from claimtracker.db import Store
from ingest.transcripts.identity import call_id_for, parsed_quality, quality
from ingest.transcripts.model import ParsedCall


def _stored_quality(store: Store, call_id: str) -> tuple[tuple[int, ...], list[str]]:
    fmt, files = store.con.execute(
        "SELECT format, source_files FROM calls WHERE call_id = ?", [call_id]
    ).fetchone()
    unknown = store.con.execute(
        "SELECT count(*) FROM turns WHERE call_id = ? AND role = 'unknown'", [call_id]
    ).fetchone()[0]
    participants = store.con.execute(
        "SELECT count(*) FROM call_participants WHERE call_id = ?", [call_id]
    ).fetchone()[0]
    return quality(fmt, unknown, participants), list(files or [])


def _stored_shape(store: Store, call_id: str) -> tuple[list[tuple], list[tuple]]:
    participants = store.con.execute(
        "SELECT name, role, affiliation, title FROM call_participants WHERE call_id = ? "
        "ORDER BY ord", [call_id],
    ).fetchall()
    turns = store.con.execute(
        "SELECT speaker, role, section, is_boilerplate, text FROM turns WHERE call_id = ? "
        "ORDER BY ord", [call_id],
    ).fetchall()
    return [tuple(p) for p in participants], [tuple(t) for t in turns]


def _parsed_shape(call: ParsedCall) -> tuple[list[tuple], list[tuple]]:
    return (
        [(p.name, p.role, p.affiliation, p.title) for p in call.participants],
        [(t.speaker, t.role, t.section, t.is_boilerplate, t.text) for t in call.turns],
    )


def _delete(store: Store, call_id: str) -> None:
    for table in ("turns", "call_participants", "call_filings", "calls"):
        store.con.execute(f"DELETE FROM {table} WHERE call_id = ?", [call_id])


def _insert(store: Store, call: ParsedCall, call_id: str, files: list[str]) -> None:
    con = store.con
    con.execute(
        "INSERT INTO calls (call_id, ticker, cik, fiscal_year, fiscal_quarter, call_date, title, "
        "format, source_files, parse_notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            call_id, call.ticker, call.cik, call.fiscal_year, call.fiscal_quarter, call.call_date,
            call.title, call.format, files, "; ".join(call.notes) or None,
        ],
    )
    con.executemany(
        "INSERT INTO call_participants (call_id, name, role, affiliation, title, ord) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            [call_id, p.name, p.role, p.affiliation, p.title, i]
            for i, p in enumerate(call.participants)
        ],
    )
    con.executemany(
        "INSERT INTO turns (turn_id, call_id, ord, speaker, role, section, is_boilerplate, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [f"{call_id}:{i}", call_id, i, t.speaker, t.role, t.section, t.is_boilerplate, t.text]
            for i, t in enumerate(call.turns)
        ],
    )


def _with_others(own: list[str], stored: list[str]) -> list[str]:
    """source_files: the files the stored turns were parsed from first, then the others."""
    return own + sorted(set(stored) - set(own))


def write_call(store: Store, call: ParsedCall) -> tuple[str, str]:
    """Store the call; returns (call_id, outcome), outcome one of 'new', 'unchanged',
    'updated' (same source parsed differently), 'replaced' (a better-structured source
    for a stored call) or 'duplicate' (a worse or equal copy: only its file name is added)."""
    call_id = call_id_for(call)
    files = sorted(str(p) for p in call.source_files)
    new_quality = parsed_quality(call)
    with store.transaction() as con:
        stored_id = call_id
        if not con.execute("SELECT 1 FROM calls WHERE call_id = ?", [call_id]).fetchone():
            twin = con.execute(
                "SELECT call_id FROM calls WHERE ticker = ? "
                "AND fiscal_year IS NOT DISTINCT FROM ? AND fiscal_quarter IS NOT DISTINCT FROM ? "
                "AND call_date = ?",
                [call.ticker, call.fiscal_year, call.fiscal_quarter, call.call_date],
            ).fetchone()
            if not twin:
                _insert(store, call, call_id, files)
                return call_id, "new"
            stored_id = twin[0]
        old_quality, old_files = _stored_quality(store, stored_id)
        same_source = old_files[: len(files)] == files
        if new_quality > old_quality or (
            same_source
            and new_quality == old_quality
            and (stored_id != call_id or _stored_shape(store, stored_id) != _parsed_shape(call))
        ):
            outcome = "updated" if same_source else "replaced"
            _delete(store, stored_id)
            _insert(store, call, call_id, _with_others(files, old_files))
            return call_id, outcome
        if set(files) <= set(old_files):
            return stored_id, "unchanged"
        con.execute(
            "UPDATE calls SET source_files = ? WHERE call_id = ?",
            [old_files + sorted(set(files) - set(old_files)), stored_id],
        )
        return stored_id, "duplicate"
