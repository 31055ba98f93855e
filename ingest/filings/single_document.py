"""Filings that arrive as one document rather than a whole submission: a primary document
with inline XBRL (sec-edgar-downloader's `primary-document.html`, a mirror's `*.htm`) or a bare
XBRL instance. What the document cannot tell (filing date, form) comes from the catalog's
submissions JSON; the folder must name the accession.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from claimtracker.errors import ParseError
from claimtracker.limits import load_limits
from claimtracker.quarters import fiscal_year_end_month
from ingest.filings import xbrl
from ingest.filings.bounds import bound_sections, cap_blocks, oversize_note
from ingest.filings.context import (
    ParseContext,
    blocks_for,
    cik_of,
    company_bits,
    finish_current_report,
    finish_periodic,
    require_accession,
    sections_for,
)
from ingest.filings.facts import add_text_facts, fact_rows
from ingest.filings.html_text import html_blocks, parse_html
from ingest.filings.model import DocumentRow, ParsedFiling, folder_url, sha256


def parse_primary(ctx: ParseContext) -> ParsedFiling:
    """Parse a primary document (inline XBRL gives CIK, form and fiscal focus)."""
    unit = ctx.unit
    require_accession(unit)
    raw = unit.main.read_bytes()
    limits = load_limits()
    root = parse_html(raw[:limits.document_bytes], name=str(unit.main))
    dei = xbrl.dei_values(root)
    cik_text = dei.get("EntityCentralIndexKey", "")
    cik = unit.cik or (int(cik_text) if cik_text.isdigit() else None) or cik_of(ctx)
    if cik is None:
        raise ParseError(f"{unit.main}: no CIK in the path or the inline XBRL "
                         "(dei:EntityCentralIndexKey); put it under data/<cik>/<accession>/.")
    meta = ctx.catalog.filing_meta.get(unit.accession, {})
    form = dei.get("DocumentType") or meta.get("form") or unit.form_hint
    if not form:
        raise ParseError(f"{unit.main}: no form type (dei:DocumentType) in the document.")
    ticker, name, fye = company_bits(ctx, cik, dei)
    fye_month = fiscal_year_end_month(fye)
    folder = folder_url(cik, unit.accession)
    edgar_name = unit.main.name if unit.main.name != "primary-document.html" \
        else meta.get("primaryDocument")
    documents: list[DocumentRow] = []
    blocks, chars = cap_blocks(html_blocks(root), limits.document_chars)
    notes = [oversize_note(f"{unit.main.name}", size=len(raw) if len(raw) > limits.document_bytes
                           else None, max_bytes=limits.document_bytes, chars=chars or None,
                           max_chars=limits.document_chars, where=str(limits.file))
             ] if chars or len(raw) > limits.document_bytes else []
    main_row = DocumentRow(1, form, edgar_name, form, sha256(raw), bool(notes),
                           f"{folder}/{edgar_name}" if edgar_name else None,
                           "\n\n".join(b.text for b in blocks))
    main_row.sections = bound_sections(sections_for(form, blocks, False),
                                       limits.section_chars)
    documents.append(main_row)
    facts = xbrl.inline_facts(root, name=str(unit.main))
    for seq, path in enumerate(unit.extra, start=2):
        body = path.read_bytes()
        extra_blocks, _ = blocks_for(body, str(path))
        documents.append(DocumentRow(seq, "UNKNOWN", path.name, None, sha256(body), False,
                                     f"{folder}/{path.name}",
                                     "\n\n".join(b.text for b in extra_blocks)))
    filed = meta.get("filingDate")
    filing = ParsedFiling(
        accession=unit.accession, cik=cik, form=form,
        filed_date=date.fromisoformat(filed) if filed else None,
        period_of_report=date.fromisoformat(meta["reportDate"]) if meta.get("reportDate") else None,
        period_end=None, fiscal_year=None, fiscal_quarter=None, items=[],
        company_name=name, ticker=ticker, fiscal_year_end=fye,
        url=main_row.url or f"{folder}/{unit.accession}-index.htm",
        status="truncated" if notes else "ok", error="; ".join(notes) or None,
        documents=documents,
    )
    if form.upper().startswith(("10-Q", "10-K")):
        finish_periodic(filing, dei, fye_month)
    else:
        finish_current_report(filing, None, fye_month)
    filing.facts = fact_rows(facts, "inline_xbrl", fye_month)
    add_text_facts(filing, fye_month, None)
    return filing


def parse_instance(ctx: ParseContext) -> ParsedFiling:
    """Parse a bare XBRL instance: no text, only facts and the dei values."""
    unit = ctx.unit
    require_accession(unit)
    raw = unit.main.read_bytes()
    facts, dei = xbrl.parse_instance(raw, name=str(unit.main))
    cik_text = dei.get("EntityCentralIndexKey", "")
    cik = unit.cik or (int(cik_text) if cik_text.isdigit() else None) or cik_of(ctx)
    form = dei.get("DocumentType") or unit.form_hint
    if cik is None or not form:
        raise ParseError(f"{unit.main}: the instance names no CIK or DocumentType.")
    ticker, name, fye = company_bits(ctx, cik, dei)
    fye_month = fiscal_year_end_month(fye)
    folder = folder_url(cik, unit.accession)
    meta: dict[str, Any] = ctx.catalog.filing_meta.get(unit.accession, {})
    filed = meta.get("filingDate")
    filing = ParsedFiling(
        accession=unit.accession, cik=cik, form=form,
        filed_date=date.fromisoformat(filed) if filed else None,
        period_of_report=None, period_end=None, fiscal_year=None, fiscal_quarter=None, items=[],
        company_name=name, ticker=ticker, fiscal_year_end=fye,
        url=f"{folder}/{unit.accession}-index.htm", status="ok", error=None,
        documents=[DocumentRow(1, "EX-101.INS", unit.main.name, "XBRL instance", sha256(raw),
                               False, f"{folder}/{unit.main.name}", None)],
    )
    finish_periodic(filing, dei, fye_month)
    filing.facts = fact_rows(facts, "xbrl_instance", fye_month)
    return filing

