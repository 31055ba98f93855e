"""A whole EDGAR submission (`full-submission.txt`, `<accession>.txt`) to a ParsedFiling: every
document with its text and sections, inline XBRL or instance facts, release and text facts.

A submission cut short keeps its complete documents and is flagged truncated; a document
past data/limits.yaml is kept cut to the bound and said so in the filing's error.
"""

from __future__ import annotations

from typing import Any

from claimtracker.errors import ParseError
from claimtracker.limits import Limits, load_limits
from claimtracker.quarters import fiscal_year_end_month, normalise_fye
from ingest.filings import xbrl
from ingest.filings.bounds import bound_sections, cap_blocks, mapped, oversize_note
from ingest.filings.context import (
    ParseContext,
    blocks_for,
    company_bits,
    finish_current_report,
    finish_periodic,
    has_text,
    sections_for,
)
from ingest.filings.facts import add_text_facts, fact_rows
from ingest.filings.html_text import Block
from ingest.filings.model import DocumentRow, ParsedFiling, folder_url, sha256
from ingest.filings.sgml import SgmlDocument
from ingest.filings.sgml import parse_submission as parse_sgml


def _document_row(doc: SgmlDocument, folder: str | None, name: str, limits: Limits,
                  notes: list[str]) -> tuple[DocumentRow, list[Block], Any]:
    """The document's row, clean blocks and HTML root; an oversized one (bytes or text past
    data/limits.yaml) is kept cut to the bound, flagged truncated, and said in `notes`."""
    blocks: list[Block] = []
    root = None
    text = None
    chars = 0
    if has_text(doc.type, doc.filename) and not doc.is_uuencoded and doc.body.strip():
        blocks, root = blocks_for(doc.body, f"{name} document {doc.sequence} ({doc.filename})")
        blocks, chars = cap_blocks(blocks, limits.document_chars)
        text = "\n\n".join(b.text for b in blocks)
    if doc.oversized or chars:
        notes.append(oversize_note(
            f"document {doc.sequence} {doc.type} ({doc.filename or 'no file name'})",
            size=doc.size if doc.oversized else None, max_bytes=limits.document_bytes,
            chars=chars or None, max_chars=limits.document_chars, where=str(limits.file)))
    url = f"{folder}/{doc.filename}" if folder and doc.filename else None
    row = DocumentRow(doc.sequence, doc.type, doc.filename, doc.description,
                      doc.digest or sha256(doc.body), doc.truncated or doc.oversized or bool(chars),
                      url, text)
    return row, blocks, root


def parse_submission(ctx: ParseContext) -> ParsedFiling:
    """Parse one whole submission; raise ParseError naming the file if it cannot be."""
    unit = ctx.unit
    limits = load_limits()
    with mapped(unit.main) as raw:
        sub = parse_sgml(raw, name=str(unit.main), max_document_bytes=limits.document_bytes)
    cik = sub.cik or unit.cik
    if cik is None:
        raise ParseError(f"{unit.main}: the SEC header has no CENTRAL INDEX KEY.")
    folder = folder_url(cik, sub.accession)
    earnings = "2.02" in sub.items
    all_dei: dict[str, str] = {}
    inline: list[xbrl.XbrlFact] = []
    fye_month_guess = fiscal_year_end_month(normalise_fye(sub.fiscal_year_end)
                                            or ctx.known_fye.get(cik))
    documents: list[DocumentRow] = []
    release_blocks: list[Block] = []
    instance_docs: list[SgmlDocument] = []
    notes: list[str] = []
    for doc in sub.documents:
        if (doc.filename and doc.filename.lower().endswith("_htm.xml")) or doc.type == "EX-101.INS":
            instance_docs.append(doc)
        row, blocks, root = _document_row(doc, folder, str(unit.main), limits, notes)
        if root is not None and xbrl.has_inline_xbrl(root):
            for key, value in xbrl.dei_values(root).items():
                all_dei.setdefault(key, value)
            inline.extend(xbrl.inline_facts(root, name=str(unit.main)))
        row.sections = bound_sections(sections_for(doc.type, blocks, earnings),
                                      limits.section_chars)
        if earnings and doc.type.upper() in ("EX-99.1", "EX-99") and not release_blocks:
            release_blocks = blocks
        documents.append(row)
    ticker, name, fye = company_bits(ctx, cik, all_dei)
    fye = normalise_fye(sub.fiscal_year_end) or fye
    fye_month = fiscal_year_end_month(fye) if fye else fye_month_guess
    fallback = documents[0] if documents else None
    primary = next((d for d in documents if d.type == sub.form), fallback)
    filing = ParsedFiling(
        accession=sub.accession, cik=cik, form=sub.form, filed_date=sub.filed_date,
        period_of_report=sub.period_of_report, period_end=None, fiscal_year=None,
        fiscal_quarter=None, items=sub.items, company_name=sub.company_name or name,
        ticker=ticker, fiscal_year_end=fye,
        url=f"{folder}/{primary.filename}" if primary and primary.filename
        else f"{folder}/{sub.accession}-index.htm",
        status="truncated" if sub.truncated or notes else "ok",
        error="; ".join([*([_truncation_note(sub.documents)] if sub.truncated else []),
                         *notes]) or None,
        documents=documents,
    )
    if sub.form.upper().startswith(("10-Q", "10-K")):
        finish_periodic(filing, all_dei, fye_month)
    else:
        finish_current_report(filing, release_blocks if earnings else None, fye_month)
    if inline:
        filing.facts = fact_rows(inline, "inline_xbrl", fye_month)
    elif instance_docs and not instance_docs[0].oversized:  # a cut instance is no XML
        facts, _ = xbrl.parse_instance(instance_docs[0].body, name=f"{unit.main} instance")
        filing.facts = fact_rows(facts, "xbrl_instance", fye_month)
    add_text_facts(filing, fye_month, release_blocks if earnings else None)
    return filing


def _truncation_note(docs: list[SgmlDocument]) -> str:
    cut = [d for d in docs if d.truncated]
    names = ", ".join(f"{d.type} ({d.filename or 'seq ' + str(d.sequence)})" for d in cut)
    return f"submission cut short inside {names}; {len(docs) - len(cut)} complete document(s) kept"

