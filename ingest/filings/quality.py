"""How complete one copy of a filing is, so a worse copy never replaces a better stored one.

An accession's content is fixed once EDGAR accepts it, so two copies of the same accession
that differ are the same filing read more or less completely (a download cut short, a
primary document saved without its exhibits). Copies are ranked by status (ok beats
truncated beats failed), then number of documents, then characters of extracted text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.filings.model import ParsedFiling

_STATUS_RANK = {"failed": 0, "truncated": 1, "ok": 2}


@dataclass(frozen=True, order=True)
class Quality:
    """Comparable completeness of one copy: higher is better."""

    rank: int
    documents: int
    characters: int

    @property
    def status(self) -> str:
        return next((s for s, r in _STATUS_RANK.items() if r == self.rank), "unknown")

    def describe(self) -> str:
        return f"{self.status}, {self.documents} documents, {self.characters:,} characters"


@dataclass(frozen=True)
class StoredCopy:
    """The copy of a filing the DB holds now, and the file it was parsed from."""

    source_path: str | None
    quality: Quality

    @property
    def failed(self) -> bool:
        return self.quality.rank == 0


def parsed_quality(filing: ParsedFiling) -> Quality:
    """Quality of a freshly parsed copy."""
    return Quality(_STATUS_RANK.get(filing.status, 0), len(filing.documents),
                   sum(len(doc.text or "") for doc in filing.documents))


def stored_copy(con, accession: str | None) -> StoredCopy | None:
    """The stored copy of `accession` with its quality, or None when the DB has none."""
    if not accession:
        return None
    row = con.execute(
        "SELECT f.source_path, f.status, count(d.document_id), "
        "coalesce(sum(length(coalesce(d.text, ''))), 0) "
        "FROM filings f LEFT JOIN documents d USING (accession) "
        "WHERE f.accession = ? GROUP BY f.source_path, f.status",
        [accession],
    ).fetchone()
    if row is None:
        return None
    source_path, status, documents, characters = row
    return StoredCopy(source_path, Quality(_STATUS_RANK.get(status, 0), int(documents),
                                           int(characters)))


def stored_source(con, accession: str | None) -> tuple[str | None, str] | None:
    """(source_path, status) of the stored filing, or None: the cheap check for unchanged files."""
    if not accession:
        return None
    return con.execute("SELECT source_path, status FROM filings WHERE accession = ?",
                       [accession]).fetchone()


def comparison(new: Quality, stored: StoredCopy) -> str:
    """'truncated, 2 documents, … vs the stored copy (ok, 15 documents, …) from PATH'."""
    return (f"this copy is {new.describe()}; the stored copy is {stored.quality.describe()}"
            f" (from {stored.source_path or 'an unknown file'})")
