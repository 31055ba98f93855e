"""Write one parsed filing to the store, whole or not at all, replacing what it held before.

Re-ingesting a changed file deletes the filing's old documents, sections and facts and
inserts the new ones inside the same transaction, so readers never see a half-written filing
and a second run with unchanged input writes nothing (ingest.local skips it before parsing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from claimtracker.db import Store
from ingest.filings.model import FactRow, ParsedFiling

#: Fact sources this parser writes (companyfacts rows belong to the EDGAR sync).
PARSER_SOURCES = ("inline_xbrl", "xbrl_instance", "release_text", "filing_text")
_DOCUMENT_COLUMNS = ("document_id", "accession", "sequence", "type", "filename", "description",
                     "sha256", "truncated", "url", "text")
_SECTION_COLUMNS = ("section_id", "document_id", "accession", "item_code", "title", "ord", "kind",
                    "text")
_FACT_COLUMNS = ("fact_id", "cik", "accession", "concept", "metric", "value", "unit", "decimals",
                 "period_start", "period_end", "fiscal_year", "fiscal_quarter", "duration_months",
                 "dimensions", "source", "derived", "evidence")
_ROWS_PER_STATEMENT = 400


def _insert_many(con, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row parameterised INSERTs: DuckDB's executemany runs one statement per row."""
    placeholder = "(" + ", ".join("?" * len(columns)) + ")"
    for i in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[i:i + _ROWS_PER_STATEMENT]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
               + ", ".join([placeholder] * len(chunk)))
        con.execute(sql, [value for row in chunk for value in row])


def fact_id(accession: str, fact: FactRow) -> str:
    """Natural key of a fact: source, filing, concept, exact period, dimensions, unit."""
    key = "|".join(str(part) for part in (
        fact.source, accession, fact.concept, fact.period_start, fact.period_end,
        fact.dimensions, fact.unit,
    ))
    return hashlib.sha1(key.encode()).hexdigest()[:24]


def _delete_filing(con, accession: str) -> None:
    """Drop what an earlier parse of this filing wrote (companyfacts rows are not ours)."""
    con.execute(
        "DELETE FROM facts WHERE accession = ? AND source IN (?, ?, ?, ?)",
        [accession, *PARSER_SOURCES],
    )
    for table in ("sections", "documents", "filings"):
        con.execute(f"DELETE FROM {table} WHERE accession = ?", [accession])


def upsert_company(con, cik: int, ticker: str | None, name: str | None,
                   fiscal_year_end: str | None) -> None:
    """Insert a company or fill in what was missing; never blank a known value."""
    con.execute(
        "INSERT INTO companies (cik, ticker, name, fiscal_year_end) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (cik) DO UPDATE SET "
        "ticker = COALESCE(companies.ticker, excluded.ticker), "
        "name = COALESCE(companies.name, excluded.name), "
        "fiscal_year_end = COALESCE(companies.fiscal_year_end, excluded.fiscal_year_end)",
        [cik, ticker, name, fiscal_year_end],
    )


def record_source_files(con, rows: Iterable[tuple[Path, str, int, float, str | None, str, str,
                                                    str | None]]) -> None:
    """Upsert source_files rows: (path, sha256, size, mtime, accession, kind, status, error)."""
    for path, digest, size, mtime, accession, kind, status, error in rows:
        con.execute(
            "INSERT INTO source_files (path, sha256, size, mtime, accession, kind, status, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET "
            "sha256 = excluded.sha256, size = excluded.size, mtime = excluded.mtime, "
            "accession = excluded.accession, kind = excluded.kind, status = excluded.status, "
            "error = excluded.error, parsed_at = now()",
            [str(path), digest, size, mtime, accession, kind, status, error],
        )


def write_filing(store: Store, filing: ParsedFiling, source_path: Path,
                 source_rows: list[tuple]) -> dict[str, int]:
    """Replace the filing's rows in one transaction; return the row counts written."""
    facts: dict[str, tuple] = {}
    for fact in filing.facts:
        fid = fact_id(filing.accession, fact)
        facts.setdefault(fid, (
            fid, filing.cik, filing.accession, fact.concept, fact.metric, fact.value, fact.unit,
            fact.decimals, fact.period_start, fact.period_end, fact.fiscal_year,
            fact.fiscal_quarter, fact.duration_months, fact.dimensions, fact.source, False,
            fact.evidence,
        ))
    documents = []
    sections = []
    for doc in filing.documents:
        document_id = f"{filing.accession}/{doc.sequence}"
        documents.append((document_id, filing.accession, doc.sequence, doc.type, doc.filename,
                          doc.description, doc.sha256, doc.truncated, doc.url, doc.text))
        for section in doc.sections:
            sections.append((f"{document_id}#{section.ord}", document_id, filing.accession,
                             section.item_code, section.title, section.ord, section.kind,
                             section.text))
    with store.transaction() as con:
        _delete_filing(con, filing.accession)
        upsert_company(con, filing.cik, filing.ticker, filing.company_name,
                       filing.fiscal_year_end)
        con.execute(
            "INSERT INTO filings (accession, cik, form, filed_date, period_of_report, period_end, "
            "fiscal_year, fiscal_quarter, items, company_name, url, source_path, status, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [filing.accession, filing.cik, filing.form, filing.filed_date,
             filing.period_of_report, filing.period_end, filing.fiscal_year,
             filing.fiscal_quarter, filing.items, filing.company_name, filing.url,
             str(source_path), filing.status, filing.error],
        )
        _insert_many(con, "documents", _DOCUMENT_COLUMNS, documents)
        _insert_many(con, "sections", _SECTION_COLUMNS, sections)
        _insert_many(con, "facts", _FACT_COLUMNS, list(facts.values()))
        record_source_files(con, source_rows)
    return {"filings": 1, "documents": len(documents), "sections": len(sections),
            "facts": len(facts)}


def write_failure(store: Store, *, accession: str | None, cik: int | None, form: str | None,
                  source_path: Path, error: str, source_rows: list[tuple]) -> None:
    """Record a filing that could not be parsed: no partial rows, a 'failed' marker instead."""
    with store.transaction() as con:
        if accession:
            _delete_filing(con, accession)
            if cik is not None and form:
                con.execute(
                    "INSERT INTO filings (accession, cik, form, source_path, status, error) "
                    "VALUES (?, ?, ?, ?, 'failed', ?)",
                    [accession, cik, form, str(source_path), error],
                )
        record_source_files(con, source_rows)
