"""What `enrich` reads: narrative sections of filings and transcript turns, with their metadata.

A source is re-split only when its content hash (text plus the metadata copied onto its
sentences) changes, so reruns touch nothing and a corrected fiscal quarter still propagates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claimtracker.db import Store

#: How filing document types map onto the sentence vocabulary; other documents are skipped.
DOC_TYPES = {"10-Q": "10-Q", "10-Q/A": "10-Q", "10-K": "10-K", "10-K/A": "10-K"}
EARNINGS_RELEASE = "earnings_release"
ALL_DOC_TYPES = ("10-Q", "10-K", EARNINGS_RELEASE, "transcript")

_SECTION_DOC_TYPE = f"""
    CASE
      WHEN d.type IN ('10-Q', '10-Q/A') THEN '10-Q'
      WHEN d.type IN ('10-K', '10-K/A') THEN '10-K'
      WHEN f.form LIKE '8-K%' AND d.type LIKE 'EX-99%' THEN '{EARNINGS_RELEASE}'
    END"""

SECTIONS_SQL = f"""
SELECT 'section' AS source_kind, s.section_id AS source_id, f.cik, c.ticker,
       f.fiscal_year, f.fiscal_quarter, {_SECTION_DOC_TYPE} AS doc_type,
       coalesce(s.item_code, s.title) AS section, NULL AS speaker, NULL AS role,
       f.accession, NULL AS call_id, s.text
FROM sections s
JOIN documents d ON d.document_id = s.document_id
JOIN filings f ON f.accession = s.accession
LEFT JOIN companies c ON c.cik = f.cik
WHERE s.kind = 'narrative'
"""

TURNS_SQL = """
SELECT 'turn' AS source_kind, t.turn_id AS source_id, c.cik, c.ticker,
       c.fiscal_year, c.fiscal_quarter, 'transcript' AS doc_type,
       t.section, t.speaker, t.role, NULL AS accession, c.call_id, t.text
FROM turns t
JOIN calls c ON c.call_id = t.call_id
WHERE NOT t.is_boilerplate
"""

META_COLUMNS = ("cik", "ticker", "fiscal_year", "fiscal_quarter", "doc_type", "section",
                "speaker", "role", "accession", "call_id")


@dataclass(frozen=True)
class Scope:
    """Which sources enrich looks at (None = all)."""

    tickers: tuple[str, ...] | None = None
    doc_types: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, list[str] | None]:
        return {"tickers": list(self.tickers) if self.tickers else None,
                "doc_types": list(self.doc_types) if self.doc_types else None}


@dataclass(frozen=True)
class Source:
    source_kind: str
    source_id: str
    source_hash: str
    meta: dict[str, object]
    text: str


def _all_sources_sql(scope: Scope) -> tuple[str, list[object]]:
    sql = f"SELECT * FROM ({SECTIONS_SQL} UNION ALL {TURNS_SQL}) WHERE doc_type IS NOT NULL"
    params: list[object] = []
    if scope.tickers:
        sql += " AND upper(ticker) IN (SELECT unnest(?::VARCHAR[]))"
        params.append([t.upper() for t in scope.tickers])
    if scope.doc_types:
        sql += " AND doc_type IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(scope.doc_types))
    return sql, params


def hashed_sources_sql(scope: Scope) -> tuple[str, list[object]]:
    """Every source in scope with its content hash: what `plan` compares, and what the Ray
    engine exports as its work list (one hash rule for both engines)."""
    inner, params = _all_sources_sql(scope)
    meta = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in META_COLUMNS)
    return f"SELECT *, md5(concat_ws('\x1f', text, {meta})) AS source_hash FROM ({inner})", params


def plan(store: Store, scope: Scope) -> tuple[list[str], list[str]]:
    """(source ids to (re)split, source ids gone or out of date whose sentences must go)."""
    sql, params = hashed_sources_sql(scope)
    rows = store.con.execute(
        f"SELECT h.source_id, ss.source_id IS NOT NULL FROM ({sql}) h "
        "LEFT JOIN sentence_sources ss ON ss.source_id = h.source_id "
        "WHERE ss.source_hash IS DISTINCT FROM h.source_hash",
        params,
    ).fetchall()
    todo = [r[0] for r in rows]
    stale = [r[0] for r in rows if r[1]]
    # Sources deleted upstream (any scope: a source that no longer exists is gone for good).
    all_sql, all_params = _all_sources_sql(Scope())
    gone = store.con.execute(
        f"SELECT ss.source_id FROM sentence_sources ss WHERE ss.source_id NOT IN "
        f"(SELECT source_id FROM ({all_sql}))",
        all_params,
    ).fetchall()
    return todo, stale + [r[0] for r in gone]


def fetch(store: Store, scope: Scope, source_ids: Sequence[str]) -> list[Source]:
    """The sources with these ids, text and metadata included."""
    if not source_ids:
        return []
    sql, params = hashed_sources_sql(scope)
    cursor = store.con.execute(
        f"SELECT * FROM ({sql}) WHERE source_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY source_id",
        [*params, list(source_ids)],
    )
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        out.append(Source(
            source_kind=record["source_kind"],
            source_id=record["source_id"],
            source_hash=record["source_hash"],
            meta={c: record[c] for c in META_COLUMNS},
            text=record["text"] or "",
        ))
    return out
