"""One filing (a discovered Unit) to the rows it becomes: filing, documents, sections, facts.

Pure parsing, no database: `parse_unit` returns a ParsedFiling that ingest.filings.writer
writes in one transaction. A whole submission is read by `submission`, a primary document or
an XBRL instance by `single_document`; both share `context` (company identity, fiscal quarter).
"""

from __future__ import annotations

from pathlib import Path

from ingest.filings.context import ParseContext
from ingest.filings.discover import Catalog, Unit
from ingest.filings.model import ParsedFiling
from ingest.filings.single_document import parse_instance, parse_primary
from ingest.filings.submission import parse_submission


def parse_unit(unit: Unit, catalog: Catalog, known_fye: dict[int, str]) -> ParsedFiling:
    """Parse one discovered filing; raise ParseError naming the file if it cannot be."""
    ctx = ParseContext(unit, catalog, known_fye)
    if unit.kind == "submission":
        return parse_submission(ctx)
    if unit.kind == "primary_document":
        return parse_primary(ctx)
    return parse_instance(ctx)


def source_kind(unit: Unit, path: Path) -> str:
    """What a file was to the ingest, for source_files.kind."""
    if path == unit.main:
        return unit.kind
    return "document" if path in unit.extra else "covered"
