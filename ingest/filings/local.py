"""`claimtracker ingest --from-dir PATH`: every filing in a local folder of EDGAR files into DuckDB.

Incremental and idempotent: each file's size, mtime and sha256 are kept in `source_files`;
a filing whose files are unchanged is not parsed again, a changed one is rewritten in one
transaction. One bad filing or file never stops the run: it is recorded (filings.status=
'failed' or source_files.status='failed'), named in the summary with its reason, and the rest
carry on. A copy of a filing worse than the stored one (cut short, fewer documents; see
ingest.filings.quality) is never stored over it, whatever the order the copies arrive in: the
summary names it under kept_better, and a better copy replacing a stored one under
replaced_worse.
The live-EDGAR sync feeds its downloads (sec-edgar-downloader layout) through here too.
companyfacts JSON files found in the folder are merged into facts (source 'companyfacts',
the least preferred), so companies without filings here still get quarterly series.
"""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from stat import S_ISREG
from typing import Any

from tqdm import tqdm

from claimtracker.db import Store
from claimtracker.errors import ClaimtrackerError, InputError
from claimtracker.runs import record_run
from ingest.edgar.companyfacts import merge_companyfacts_file
from ingest.filings.derive import derive_company
from ingest.filings.discover import Catalog, Unit, discover, unreadable_reason
from ingest.filings.model import ParsedFiling, file_sha256
from ingest.filings.parse import parse_unit, source_kind
from ingest.filings.quality import (
    Quality,
    StoredCopy,
    comparison,
    parsed_quality,
    stored_copy,
    stored_source,
)
from ingest.filings.summary import IngestSummary
from ingest.filings.writer import record_source_files, write_failure, write_filing
from ingest.transcripts.linking import recanonicalise

log = logging.getLogger(__name__)


def _state(store: Store) -> dict[str, tuple[str, int, float, str | None, str, str | None]]:
    """path -> (sha256, size, mtime, accession, status, kind) of every file seen before."""
    return {
        path: (digest, size, mtime, accession, status, kind)
        for path, digest, size, mtime, accession, status, kind in store.con.execute(
            "SELECT path, sha256, size, mtime, accession, status, kind FROM source_files"
        ).fetchall()
    }


def _file_row(path: Path, accession: str | None, kind: str, status: str,
              error: str | None = None) -> tuple:
    """A source_files row; what is not a readable regular file (a folder, a broken link, a
    file that vanished or lost its permissions) gets '-' for a digest instead of stopping."""
    try:
        stat = path.stat()
    except OSError:
        return (path, "-", None, None, accession, kind, status, error)
    digest = "-"
    if S_ISREG(stat.st_mode):
        with contextlib.suppress(OSError):
            digest = file_sha256(path)
    return (path, digest, stat.st_size, stat.st_mtime, accession, kind, status, error)


def _unchanged(store: Store, unit: Unit, state: dict[str, tuple]) -> bool:
    """True if every file of the unit was parsed before with the same size/mtime or content,
    and the filing stored now is the one read from it (or one it was found equal to): when a
    worse copy from elsewhere replaced it, the unit is parsed again to win back its place."""
    try:
        for path in unit.files:
            known = state.get(str(path))
            if known is None or known[4] != "parsed":
                return False
            stat = path.stat()
            if (known[1], known[2]) != (stat.st_size, stat.st_mtime) and \
                    known[0] != file_sha256(path):
                return False
    except OSError:
        return False  # parsing it names the problem
    main = state[str(unit.main)]
    stored = stored_source(store.con, unit.accession or main[3])
    if stored is None or stored[1] == "failed":
        return False
    return stored[0] == str(unit.main) or main[5] == "copy"


def _record_loose(store: Store, catalog: Catalog, state: dict[str, tuple]) -> None:
    """source_files rows for skipped and failed non-filing files (only when new or changed)."""
    rows = []
    for items, status in ((catalog.skipped, "skipped"), (catalog.failed, "failed")):
        for path, reason in items:
            known = state.get(str(path))
            try:
                stat = path.stat()
                now = (stat.st_size, stat.st_mtime, status)
            except OSError:
                now = (None, None, status)
            if known and (known[1], known[2], known[4]) == now:
                continue
            rows.append(_file_row(path, None, "other", status, reason))
    if rows:
        with store.transaction() as con:
            record_source_files(con, rows)


def ingest_dir(store: Store, path: Path, *, progress: bool = True) -> IngestSummary:
    """Ingest every filing under `path` (a folder or one file); see the module docstring."""
    started = time.perf_counter()
    root = _resolve_root(Path(path))
    catalog = discover(root)
    summary = IngestSummary(root=root)
    summary.skipped = [(str(p), r) for p, r in catalog.skipped]
    summary.failed = [(str(p), r) for p, r in catalog.failed]
    state = _state(store)
    known_fye = {
        cik: fye for cik, fye in store.con.execute(
            "SELECT cik, fiscal_year_end FROM companies WHERE fiscal_year_end IS NOT NULL"
        ).fetchall()
    }
    for cik, ticker, name in store.con.execute(
        "SELECT cik, ticker, name FROM companies WHERE ticker IS NOT NULL"
    ).fetchall():
        catalog.tickers.setdefault(cik, (ticker, name))  # lets a bare document find its CIK
    with record_run(store, "ingest-dir", {"path": str(root)}) as run:
        _record_loose(store, catalog, state)
        for path, reason in catalog.failed:
            run.error(str(path), reason)
        # Two copies of one accession are both read: the better one is kept whatever the order.
        for unit in tqdm(catalog.units, desc="filings", unit="filing", disable=not progress):
            if _unchanged(store, unit, state):
                known = state[str(unit.main)]
                summary.unchanged.append(unit.accession or known[3] or str(unit.main))
                summary.skipped += [(str(p), f"covered by {unit.main.name}") for p in unit.covered]
                continue
            _ingest_unit(store, unit, catalog, known_fye, summary, run)
        # Unchanged filings too: a run killed before this point left their derivations undone.
        present = summary.parsed + [a for a in summary.unchanged if a]
        touched = sorted({cik for (cik,) in store.con.execute(
            "SELECT DISTINCT cik FROM filings WHERE list_contains(?, accession)",
            [present]).fetchall()}) if present else []
        for cik in touched:
            summary.rows["derived_facts"] = summary.rows.get("derived_facts", 0) + \
                derive_company(store, cik)
        _merge_companyfacts(store, catalog, state, summary, run)
        # Calls stored under another ticker of a company these filings just named move to
        # its canonical ticker now, not at the next transcript run (GOOGL and GOOG: one CIK).
        with store.transaction():
            moved = recanonicalise(store)
        if moved:
            summary.rows["calls_moved"] = moved
        seen = {u.accession for u in catalog.units if u.accession}
        seen.update(present, (a for a, *_ in summary.kept_better))
        summary.truncated = _truncated(store, sorted(seen))
        for key in ("parsed", "unchanged", "skipped", "failed"):
            run.count(key, len(getattr(summary, key)))
        for key in ("kept_better", "replaced_worse"):
            if getattr(summary, key):
                run.count(key, len(getattr(summary, key)))
        for key, n in summary.rows.items():
            run.count(key, n)
    summary.seconds = time.perf_counter() - started
    return summary


def _resolve_root(path: Path) -> Path:
    """Resolved: `../shared/edgar` and its absolute path are the same files to `source_files`.
    A root that is a broken symbolic link is an InputError naming it, not a traceback."""
    try:
        root = path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 reports a symlink loop as RuntimeError
        raise InputError(f"{path} is a symbolic link loop: fix the link or give the folder "
                         "itself to --from-dir.") from exc
    if path.is_symlink() and not root.exists():
        raise InputError(f"{path} is a dangling symbolic link to {root}: fix the link or give "
                         "the folder itself to --from-dir.")
    return root


def _merge_companyfacts(store: Store, catalog: Catalog, state: dict[str, tuple],
                        summary: IngestSummary, run: Any) -> None:
    """Merge the companyfacts JSON files found (after the filings: their companies' fiscal year
    ends are known by then); an unchanged file is not read again."""
    for path in catalog.companyfacts:
        known = state.get(str(path))
        try:
            stat = path.stat()
            if known and known[4] == "parsed" and \
                    (known[1], known[2]) == (stat.st_size, stat.st_mtime):
                summary.companyfacts_unchanged.append(str(path))
                continue
            cik, n = merge_companyfacts_file(store, path, catalog.tickers)
        except (ClaimtrackerError, OSError) as exc:
            reason = unreadable_reason(exc, path) if isinstance(exc, OSError) else str(exc)
            with store.transaction() as con:
                record_source_files(con, [_file_row(path, None, "companyfacts", "failed",
                                                    reason)])
            summary.failed.append((str(path), reason))
            run.error(str(path), reason)
            continue
        with store.transaction() as con:
            record_source_files(con, [_file_row(path, None, "companyfacts", "parsed")])
        summary.companyfacts.append((str(path), cik, n))
        summary.rows["companyfacts"] = summary.rows.get("companyfacts", 0) + n


def _decide(unit: Unit, new: Quality, stored: StoredCopy | None) -> str:
    """write (first or same-file copy), replace (better than another file's), keep (worse:
    not stored) or copy (as good as the stored copy of another file: nothing to write)."""
    if stored is None or stored.failed:
        return "write"
    same_file = stored.source_path == str(unit.main)
    if new < stored.quality:
        return "keep"
    if same_file:
        return "write"
    return "replace" if new > stored.quality else "copy"


def _ingest_unit(store: Store, unit: Unit, catalog: Catalog, known_fye: dict[int, str],
                 summary: IngestSummary, run: Any) -> None:
    covered = [_file_row(p, unit.accession, "covered", "skipped",
                         f"covered by {unit.main.name}") for p in unit.covered]
    try:
        filing = parse_unit(unit, catalog, known_fye)
        new = parsed_quality(filing)
        stored = stored_copy(store.con, filing.accession)
        decision = _decide(unit, new, stored)
        if decision in ("keep", "copy"):
            _not_written(store, unit, filing, new, stored, decision, covered, summary)
            return
        rows = [_file_row(p, filing.accession, source_kind(unit, p), "parsed")
                for p in unit.files] + covered
        written = write_filing(store, filing, unit.main, rows)
    except (ClaimtrackerError, OSError) as exc:
        reason = unreadable_reason(exc, unit.main) if isinstance(exc, OSError) else str(exc)
        _fail(store, unit, reason, covered, summary, run)
        return
    except Exception as exc:  # a bug in a parser must not stop the other filings
        log.exception("unexpected error on %s", unit.main)
        _fail(store, unit, f"unexpected {type(exc).__name__}: {exc} (a bug; please report it)",
              covered, summary, run)
        return
    if decision == "replace" and stored is not None:
        summary.replaced_worse.append((
            filing.accession, str(unit.main), stored.source_path or "?",
            f"better copy stored: {comparison(new, stored)}"))
    if filing.fiscal_year_end:
        known_fye.setdefault(filing.cik, filing.fiscal_year_end)
    summary.parsed.append(filing.accession)
    for key, n in written.items():
        summary.rows[key] = summary.rows.get(key, 0) + n
    summary.skipped += [(str(p), f"covered by {unit.main.name}") for p in unit.covered]


def _not_written(store: Store, unit: Unit, filing: ParsedFiling, new: Quality,
                 stored: StoredCopy | None, decision: str, covered: list[tuple],
                 summary: IngestSummary) -> None:
    """Leave the stored copy alone; record why this copy's files were not stored."""
    assert stored is not None
    kept = stored.source_path or "?"
    if decision == "keep":
        reason = (f"worse copy of {filing.accession}, not stored: {comparison(new, stored)}; "
                  "the stored copy is kept")
        rows = [_file_row(p, filing.accession, source_kind(unit, p), "skipped", reason)
                for p in unit.files]
        summary.kept_better.append((filing.accession, str(unit.main), kept, reason))
    else:
        reason = f"same filing as {kept} ({new.describe()}), already stored"
        rows = [_file_row(p, filing.accession, "copy" if p == unit.main
                          else source_kind(unit, p), "parsed", reason) for p in unit.files]
        summary.skipped.append((str(unit.main), reason))
    with store.transaction() as con:
        record_source_files(con, rows + covered)
    summary.skipped += [(str(p), f"covered by {unit.main.name}") for p in unit.covered]


def _fail(store: Store, unit: Unit, reason: str, covered: list[tuple], summary: IngestSummary,
          run: Any) -> None:
    """Record a unit that could not be read or parsed; a good stored copy of it stays."""
    stored = stored_copy(store.con, unit.accession)
    if stored is not None and not stored.failed:
        reason = f"{reason.rstrip('.')}; the stored copy ({stored.quality.describe()}, " \
                 f"from {stored.source_path}) is kept"
    rows = [_file_row(path, unit.accession, source_kind(unit, path), "failed", reason)
            for path in unit.files]
    keep = stored is not None and not stored.failed
    write_failure(store, accession=None if keep else unit.accession, cik=unit.cik,
                  form=unit.form_hint, source_path=unit.main, error=reason,
                  source_rows=rows + covered)
    summary.failed.append((str(unit.main), reason))
    run.error(str(unit.main), reason)


def _truncated(store: Store, accessions: list[str]) -> list[tuple[str, str, str]]:
    if not accessions:
        return []
    return [tuple(r) for r in store.con.execute(
        "SELECT accession, source_path, error FROM filings WHERE status = 'truncated' "
        "AND list_contains(?, accession) ORDER BY accession",
        [accessions],
    ).fetchall()]
