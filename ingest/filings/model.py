"""The rows one filing becomes (filing, documents with sections, facts) and their digests.

Pure data, no parsing: the parsers build a ParsedFiling, `writer` stores it in one transaction,
`quality` ranks two copies of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.filings.sections import Section

EDGAR_ARCHIVES = "https://www.sec.gov/Archives/edgar/data"

@dataclass
class DocumentRow:
    sequence: int
    type: str
    filename: str | None
    description: str | None
    sha256: str
    truncated: bool
    url: str | None
    text: str | None
    sections: list[Section] = field(default_factory=list)


@dataclass
class FactRow:
    concept: str
    metric: str | None
    value: float
    unit: str | None
    decimals: str | None
    period_start: date | None
    period_end: date | None
    fiscal_year: int | None
    fiscal_quarter: int | None
    duration_months: int | None
    dimensions: str | None
    source: str
    evidence: str | None = None


@dataclass
class ParsedFiling:
    accession: str
    cik: int
    form: str
    filed_date: date | None
    period_of_report: date | None
    period_end: date | None
    fiscal_year: int | None
    fiscal_quarter: int | None
    items: list[str]
    company_name: str | None
    ticker: str | None
    fiscal_year_end: str | None
    url: str
    status: str  # ok | truncated
    error: str | None
    documents: list[DocumentRow] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)



def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file read in chunks: a 50 MB submission is never held whole for its digest."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_url(cik: int, accession: str) -> str:
    """The filing's folder on EDGAR."""
    return f"{EDGAR_ARCHIVES}/{cik}/{accession.replace('-', '')}"
