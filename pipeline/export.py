"""Export the tables users analyse to Parquet or CSV, for pandas, polars or DuckDB.

Why flat, documented tables rather than a copy of the DB: a notebook user wants one file per
question (facts, sentences, claim scores...) with the joins a reader always needs done
(a sentence's company, quarter, speaker, whether it is management language and its source
link), in a format every tool reads. The rules are not copied: "management language" is
`nlp.provenance.MANAGEMENT_SQL` and the link is `nlp.provenance.source_link`, run inside DuckDB
as a function. Rows stream out of DuckDB in Arrow batches, so a large DB never sits in memory,
and each file is written beside its final name and renamed, so a failed export leaves the
previous file whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from claimtracker.db import Store
from claimtracker.errors import InputError, StorageError
from nlp.provenance import MANAGEMENT_SQL, source_link

FORMATS = ("parquet", "csv")
BATCH_ROWS = 100_000

_SENTENCES = f"""
SELECT s.sentence_id, s.ticker, s.cik, s.fiscal_year, s.fiscal_quarter, s.doc_type, s.section,
       s.speaker, s.role, {MANAGEMENT_SQL} AS is_management, s.accession, s.call_id,
       s.source_kind, s.source_id, s.ord, s.start_char, s.end_char, s.text, s.text_hash,
       ct_source_link(coalesce(d.url, f.url), c.source_files, s.section) AS link
FROM sentences s
LEFT JOIN sections sec ON s.source_kind = 'section' AND sec.section_id = s.source_id
LEFT JOIN documents d ON d.document_id = sec.document_id
LEFT JOIN filings f ON f.accession = s.accession
LEFT JOIN calls c ON c.call_id = s.call_id
ORDER BY s.ticker, s.fiscal_year, s.fiscal_quarter, s.source_id, s.ord
"""

#: export name -> (query, what a row is). Only tables that exist in the DB are exported.
TABLES: dict[str, tuple[str, str]] = {
    "companies": ("SELECT cik, ticker, name, fiscal_year_end, tracked FROM companies "
                  "ORDER BY ticker", "one company (CIK), its ticker and fiscal year end"),
    "filings": ("SELECT accession, cik, form, filed_date, period_of_report, period_end, "
                "fiscal_year, fiscal_quarter, url FROM filings ORDER BY cik, filed_date",
                "one 10-K, 10-Q or 8-K with its fiscal quarter and EDGAR URL"),
    "calls": ("SELECT call_id, ticker, cik, fiscal_year, fiscal_quarter, call_date, title, "
              "format, source_files FROM calls ORDER BY ticker, fiscal_year, fiscal_quarter",
              "one earnings call and the transcript files it came from"),
    "facts": ("SELECT c.ticker, f.* FROM facts f LEFT JOIN companies c USING (cik) "
              "ORDER BY c.ticker, f.concept, f.period_end", "one reported XBRL value"),
    "sentences": (_SENTENCES, "one sentence with company, quarter, speaker and source link"),
    "mentions": ("SELECT s.ticker, s.fiscal_year, s.fiscal_quarter, m.* FROM mentions m "
                 "JOIN sentences s USING (sentence_id) ORDER BY m.sentence_id, m.start_char",
                 "one topic mention in a sentence"),
    "claim_scores": ("SELECT * FROM claim_scores ORDER BY article_id, claim_id, ticker, "
                     "fiscal_year, fiscal_quarter", "one claim's verdict in one quarter"),
    "claim_evidence": ("SELECT * FROM claim_evidence ORDER BY article_id, claim_id, ticker, "
                       "fiscal_year, fiscal_quarter, rank",
                       "one evidence sentence of a claim's quarter, as shown"),
    "alerts": ("SELECT * FROM alerts ORDER BY fiscal_year, fiscal_quarter, ticker, "
               "severity DESC", "one alert (what changed)"),
}
#: Tables whose source is missing from some DBs (built before the feature existed).
_OPTIONAL = {"alerts"}


@dataclass(frozen=True)
class Exported:
    table: str
    path: Path
    rows: int


def choose_tables(requested: Sequence[str]) -> list[str]:
    """Names from `--tables` (repeatable, comma-separated); all of TABLES when none."""
    names = [n.strip() for item in requested for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise InputError(f"--tables: unknown table(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(TABLES)}.")
    return list(dict.fromkeys(names)) or list(TABLES)


def _has_table(store: Store, name: str) -> bool:
    row = store.con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def _register_functions(store: Store) -> None:
    """nlp.provenance.source_link as the SQL function ct_source_link (once per connection)."""
    (known,) = store.con.execute("SELECT count(*) FROM duckdb_functions() "
                                 "WHERE function_name = 'ct_source_link'").fetchone()
    if not known:
        store.con.create_function(
            "ct_source_link", lambda url, files, section: source_link(url, files, section),
            ["VARCHAR", "VARCHAR[]", "VARCHAR"], "VARCHAR", null_handling="special")


def _json_text(column: pa.Array) -> pa.Array:
    return pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                     for v in column.to_pylist()], pa.string())


def _csv_safe(batch: pa.RecordBatch) -> pa.RecordBatch:
    """CSV has no lists or structs: such columns (a call's files) become JSON text."""
    columns = [_json_text(c) if pa.types.is_nested(c.type) else c for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _write(reader: pa.RecordBatchReader, path: Path, fmt: str) -> int:
    rows = 0
    tmp = path.with_name(path.name + ".partial")
    try:
        if fmt == "parquet":
            with pq.ParquetWriter(tmp, reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
        else:
            writer = None
            for batch in reader:
                batch = _csv_safe(batch)
                writer = writer or pa_csv.CSVWriter(tmp, batch.schema)
                writer.write_batch(batch)
                rows += batch.num_rows
            if writer is None:  # no rows: still a file with the header
                empty = pa.RecordBatch.from_pylist([], schema=reader.schema)
                writer = pa_csv.CSVWriter(tmp, _csv_safe(empty).schema)
            writer.close()
        os.replace(tmp, path)
    except OSError as exc:
        raise StorageError(f"{path}: could not write the export ({exc.strerror or exc}); "
                           "check the folder's permissions and free space.") from exc
    finally:
        tmp.unlink(missing_ok=True)  # gone after the rename; removed after a failure
    return rows


def export_tables(store: Store, out_dir: Path, *, fmt: str = "parquet",
                  tables: Sequence[str] = (),
                  on_table: Callable[[Exported], None] | None = None) -> list[Exported]:
    """Write each chosen table to OUT_DIR/<table>.<fmt>; tables the DB lacks are skipped."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: choose one of {', '.join(FORMATS)}.")
    names = choose_tables(tables)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"--out {out_dir}: cannot create the folder "
                           f"({exc.strerror or exc}); choose a writable folder.") from exc
    _register_functions(store)
    done: list[Exported] = []
    for name in names:
        if name in _OPTIONAL and not _has_table(store, name):
            continue
        sql, _ = TABLES[name]
        reader = store.con.execute(sql).fetch_record_batch(BATCH_ROWS)
        path = out_dir / f"{name}.{fmt}"
        item = Exported(name, path, _write(reader, path, fmt))
        done.append(item)
        if on_table:
            on_table(item)
    return done


def table_bytes(store: Store, table: str, fmt: str = "parquet") -> bytes:
    """One exported table as file content, for the app's download buttons."""
    with tempfile.TemporaryDirectory(prefix="claimtracker-export-") as folder:
        done = export_tables(store, Path(folder), fmt=fmt, tables=[table])
        return done[0].path.read_bytes() if done else b""


def exportable_tables(store: Store) -> list[str]:
    """The TABLES this DB can export (alerts only once the alerts table exists)."""
    return [t for t in TABLES if t not in _OPTIONAL or _has_table(store, t)]
