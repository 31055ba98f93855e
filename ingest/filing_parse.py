"""One filing (a discovered Unit) to the rows it becomes: filing, documents, sections, facts.

Pure parsing, no database: `parse_unit` returns a ParsedFiling that ingest.store_writer
writes in one transaction. Fiscal year/quarter come from the document's dei fiscal focus
when it has one (10-Q/10-K), else from dates through claimtracker.quarters; an earnings 8-K
belongs to the quarter its release reports, any other 8-K to the quarter it was filed in.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from claimtracker.errors import ParseError
from claimtracker.limits import Limits, load_limits
from claimtracker.quarters import (
    FiscalQuarter,
    calendar_quarter_end,
    fiscal_quarter_of,
    fiscal_year_end_month,
    quarter_before_date,
    snap_to_month_end,
)
from ingest import release, xbrl
from ingest.bounds import bound_sections, cap_blocks, mapped, oversize_note
from ingest.discover import Catalog, Unit
from ingest.html_text import Block, html_blocks, parse_html
from ingest.sections import Section, split_sections
from ingest.sgml import SgmlDocument, parse_submission

EDGAR_ARCHIVES = "https://www.sec.gov/Archives/edgar/data"
_NO_TEXT_TYPES = ("GRAPHIC", "ZIP", "EXCEL", "JSON", "PDF", "XML", "EX-101")
_FOCUS_QUARTER = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4, "FY": 4}
_EMPLOYEES_RES = (
    # "As of December 31, 2024, we employed approximately 1,556,000 full-time and part-time
    # employees" (Amazon), "the Company had approximately 164,000 full-time equivalent
    # employees" (Apple), "we had 182,502 employees" (Alphabet)
    re.compile(
        r"(?:As of (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}),\s+)?(?:we|the Company|[A-Z][a-z]+)\s+"
        r"(?:had|employed)\s+(?:approximately\s+)?(?P<count>\d{1,3}(?:,\d{3})+)\s+"
        r"(?:full-time(?: and part-time)?(?: equivalent)?\s+)?employees"
    ),
    # "We had a global workforce of 67,317 employees as of December 31, 2023" (Meta)
    re.compile(
        r"(?:workforce|headcount) of (?:approximately\s+)?(?P<count>\d{1,3}(?:,\d{3})+)"
        r"(?: employees)?(?: as of (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}))?"
    ),
)
_HTML_SNIFF_RE = re.compile(rb"<(html|div|p|table|body|font)[\s>]", re.IGNORECASE)


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


def normalise_fye(value: str | None) -> str | None:
    """'--12-31', 'December 31', '12/31', '1231' -> '1231' (EDGAR's MMDD)."""
    if not value:
        return None
    text = value.strip()
    match = re.fullmatch(r"-*(\d{1,2})[-/](\d{1,2})", text)
    if match:
        return f"{int(match.group(1)):02d}{int(match.group(2)):02d}"
    if re.fullmatch(r"\d{4}", text):
        return text
    parsed = xbrl.parse_date(f"{text}, 2001")
    return parsed.strftime("%m%d") if parsed else None


def _folder_url(cik: int, accession: str) -> str:
    return f"{EDGAR_ARCHIVES}/{cik}/{accession.replace('-', '')}"


def _blocks_for(body: bytes, name: str) -> tuple[list[Block], Any]:
    """Clean blocks of a document body (HTML through lxml, plain text by blank lines) and the
    parsed HTML root (None for plain text), so inline XBRL is read from the same parse."""
    if _HTML_SNIFF_RE.search(body[:20000]):
        root = parse_html(body, name=name)
        return html_blocks(root), root
    text = body.decode("utf-8", errors="replace")
    blocks = [Block("text", " ".join(p.split())) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return blocks, None


def _has_text(doc_type: str, filename: str | None) -> bool:
    if doc_type.upper().startswith(_NO_TEXT_TYPES):
        return False
    return not filename or filename.lower().endswith((".htm", ".html", ".txt"))


def _months(start: date | None, end: date | None) -> int | None:
    if start is None or end is None:
        return None
    return max(1, round(((end - start).days + 1) / 30.44))


def fiscal_slot(start: date | None, end: date | None,
                fye_month: int) -> tuple[int | None, int | None, int | None]:
    """(fiscal_year, fiscal_quarter, duration_months) of a fact's period.

    Quarter only for three-month periods; fiscal year for periods ending at a fiscal quarter
    end; instants at a quarter end (not the year end) get that quarter.
    """
    if end is None:
        return None, None, None
    months = _months(start, end)
    fq = fiscal_quarter_of(end, fye_month)
    if months == 3:
        return fq.year, fq.quarter, months
    if months is None:  # instant
        at_quarter_end = (snap_to_month_end(end).month - fye_month) % 3 == 0
        return fq.year, (fq.quarter if at_quarter_end and fq.quarter != 4 else None), None
    return fq.year, None, months


def fact_rows(facts: list[xbrl.XbrlFact], source: str, fye_month: int) -> list[FactRow]:
    rows = []
    for fact in xbrl.unique(facts):
        ctx = fact.context
        year, quarter, months = fiscal_slot(ctx.start, ctx.end, fye_month)
        rows.append(FactRow(
            concept=fact.concept, metric=xbrl.CONCEPT_METRIC.get(fact.concept), value=fact.value,
            unit=fact.unit, decimals=fact.decimals, period_start=ctx.start, period_end=ctx.end,
            fiscal_year=year, fiscal_quarter=quarter, duration_months=months,
            dimensions=ctx.dimensions_json, source=source,
        ))
    return rows


def employee_fact(sections: list[Section], default_date: date | None,
                  fye_month: int) -> FactRow | None:
    """Headcount stated in the text ("we employed approximately 1,556,000 ... employees")."""
    for section in sections:
        if section.kind != "narrative":
            continue
        for pattern in _EMPLOYEES_RES:
            match = pattern.search(section.text)
            if match:
                break
        else:
            continue
        as_of = xbrl.parse_date(match.group("date")) or default_date
        year, quarter, _ = fiscal_slot(None, as_of, fye_month)
        return FactRow(
            concept="text:NumberOfEmployees", metric="employees",
            value=float(match.group("count").replace(",", "")), unit="employees", decimals=None,
            period_start=None, period_end=as_of, fiscal_year=year, fiscal_quarter=quarter,
            duration_months=None, dimensions=None, source="filing_text",
            evidence=sentence_around(section.text, match.start(), match.end()),
        )
    return None


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (within its paragraph) holding text[start:end], for evidence."""
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(stops) + 1 if stops else len(text)
    return text[left:right].strip().lstrip("•").strip()


@dataclass
class _Context:
    """What the unit, the catalog and the DB already know about the filing."""

    unit: Unit
    catalog: Catalog
    known_fye: dict[int, str]


def _company_bits(ctx: _Context, cik: int,
                  dei: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """(ticker, name, fiscal_year_end) from the folder, catalog JSON, dei values, the DB."""
    listed = ctx.catalog.tickers.get(cik, (None, None))
    submissions = ctx.catalog.companies.get(cik, {})
    ticker = ctx.unit.ticker or listed[0] or submissions.get("ticker") or dei.get("TradingSymbol")
    name = dei.get("EntityRegistrantName") or submissions.get("name") or listed[1]
    fye = (normalise_fye(dei.get("CurrentFiscalYearEndDate"))
           or normalise_fye(submissions.get("fiscal_year_end")) or ctx.known_fye.get(cik))
    return ticker, name, fye


def _periodic_quarter(form: str, dei: dict[str, str], period_end: date | None,
                      fye_month: int) -> FiscalQuarter | None:
    year_text = dei.get("DocumentFiscalYearFocus", "")
    focus = dei.get("DocumentFiscalPeriodFocus", "").upper()
    if year_text.isdigit() and focus in _FOCUS_QUARTER:
        return FiscalQuarter(int(year_text), _FOCUS_QUARTER[focus])
    if period_end is None:
        return None
    fq = fiscal_quarter_of(period_end, fye_month)
    return FiscalQuarter(fq.year, 4) if form.upper().startswith("10-K") else fq


def _event_quarter(day: date, fye_month: int) -> FiscalQuarter:
    """The fiscal quarter a date falls in (for 8-Ks that report no results)."""
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return fiscal_quarter_of(month_end, fye_month)


def parse_unit(unit: Unit, catalog: Catalog, known_fye: dict[int, str]) -> ParsedFiling:
    """Parse one discovered filing; raise ParseError naming the file if it cannot be."""
    ctx = _Context(unit, catalog, known_fye)
    if unit.kind == "submission":
        return _parse_submission(ctx)
    if unit.kind == "primary_document":
        return _parse_primary(ctx)
    return _parse_instance(ctx)


def _finish_periodic(filing: ParsedFiling, dei: dict[str, str], fye_month: int) -> None:
    period_end = xbrl.parse_date(dei.get("DocumentPeriodEndDate")) or filing.period_of_report
    filing.period_end = period_end
    filing.period_of_report = filing.period_of_report or period_end
    fq = _periodic_quarter(filing.form, dei, period_end, fye_month)
    if fq:
        filing.fiscal_year, filing.fiscal_quarter = fq.year, fq.quarter


def _document_row(doc: SgmlDocument, folder_url: str | None, name: str, limits: Limits,
                  notes: list[str]) -> tuple[DocumentRow, list[Block], Any]:
    """The document's row, clean blocks and HTML root; an oversized one (bytes or text past
    data/limits.yaml) is kept cut to the bound, flagged truncated, and said in `notes`."""
    blocks: list[Block] = []
    root = None
    text = None
    chars = 0
    if _has_text(doc.type, doc.filename) and not doc.is_uuencoded and doc.body.strip():
        blocks, root = _blocks_for(doc.body, f"{name} document {doc.sequence} ({doc.filename})")
        blocks, chars = cap_blocks(blocks, limits.document_chars)
        text = "\n\n".join(b.text for b in blocks)
    if doc.oversized or chars:
        notes.append(oversize_note(
            f"document {doc.sequence} {doc.type} ({doc.filename or 'no file name'})",
            size=doc.size if doc.oversized else None, max_bytes=limits.document_bytes,
            chars=chars or None, max_chars=limits.document_chars, where=str(limits.file)))
    url = f"{folder_url}/{doc.filename}" if folder_url and doc.filename else None
    row = DocumentRow(doc.sequence, doc.type, doc.filename, doc.description,
                      doc.digest or sha256(doc.body), doc.truncated or doc.oversized or bool(chars),
                      url, text)
    return row, blocks, root


def _sections_for(doc_type: str, form: str, blocks: list[Block], earnings: bool) -> list[Section]:
    kind = doc_type.upper()
    if earnings and kind in ("EX-99.1", "EX-99"):
        return release.release_sections(blocks)
    if kind.startswith(("10-Q", "10-K", "8-K")):
        return split_sections(blocks, kind)
    if kind.startswith("EX-99"):
        return split_sections(blocks, kind, preamble_code="Exhibit")
    return []


def _parse_submission(ctx: _Context) -> ParsedFiling:
    unit = ctx.unit
    limits = load_limits()
    with mapped(unit.main) as raw:
        sub = parse_submission(raw, name=str(unit.main), max_document_bytes=limits.document_bytes)
    cik = sub.cik or unit.cik
    if cik is None:
        raise ParseError(f"{unit.main}: the SEC header has no CENTRAL INDEX KEY.")
    folder_url = _folder_url(cik, sub.accession)
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
        row, blocks, root = _document_row(doc, folder_url, str(unit.main), limits, notes)
        if root is not None and xbrl.has_inline_xbrl(root):
            for key, value in xbrl.dei_values(root).items():
                all_dei.setdefault(key, value)
            inline.extend(xbrl.inline_facts(root, name=str(unit.main)))
        row.sections = bound_sections(_sections_for(doc.type, sub.form, blocks, earnings),
                                      limits.section_chars)
        if earnings and doc.type.upper() in ("EX-99.1", "EX-99") and not release_blocks:
            release_blocks = blocks
        documents.append(row)
    ticker, name, fye = _company_bits(ctx, cik, all_dei)
    fye = normalise_fye(sub.fiscal_year_end) or fye
    fye_month = fiscal_year_end_month(fye) if fye else fye_month_guess
    fallback = documents[0] if documents else None
    primary = next((d for d in documents if d.type == sub.form), fallback)
    filing = ParsedFiling(
        accession=sub.accession, cik=cik, form=sub.form, filed_date=sub.filed_date,
        period_of_report=sub.period_of_report, period_end=None, fiscal_year=None,
        fiscal_quarter=None, items=sub.items, company_name=sub.company_name or name,
        ticker=ticker, fiscal_year_end=fye,
        url=f"{folder_url}/{primary.filename}" if primary and primary.filename
        else f"{folder_url}/{sub.accession}-index.htm",
        status="truncated" if sub.truncated or notes else "ok",
        error="; ".join([*([_truncation_note(sub.documents)] if sub.truncated else []),
                         *notes]) or None,
        documents=documents,
    )
    if sub.form.upper().startswith(("10-Q", "10-K")):
        _finish_periodic(filing, all_dei, fye_month)
    else:
        _finish_current_report(filing, release_blocks if earnings else None, fye_month)
    if inline:
        filing.facts = fact_rows(inline, "inline_xbrl", fye_month)
    elif instance_docs and not instance_docs[0].oversized:  # a cut instance is no XML
        facts, _ = xbrl.parse_instance(instance_docs[0].body, name=f"{unit.main} instance")
        filing.facts = fact_rows(facts, "xbrl_instance", fye_month)
    _text_facts(filing, fye_month, release_blocks if earnings else None)
    return filing


def _truncation_note(docs: list[SgmlDocument]) -> str:
    cut = [d for d in docs if d.truncated]
    names = ", ".join(f"{d.type} ({d.filename or 'seq ' + str(d.sequence)})" for d in cut)
    return f"submission cut short inside {names}; {len(docs) - len(cut)} complete document(s) kept"


def _finish_current_report(filing: ParsedFiling, release_blocks: list[Block] | None,
                           fye_month: int) -> None:
    """Fiscal quarter of an 8-K: the quarter its release reports, else the one it falls in."""
    when = filing.period_of_report or filing.filed_date
    if release_blocks is not None:
        reported_end = release.reported_quarter_end(release_blocks)
        if reported_end:
            fq = fiscal_quarter_of(reported_end, fye_month)
            filing.period_end = reported_end
        elif when:
            fq = quarter_before_date(when, fye_month)
            filing.period_end = calendar_quarter_end(fq, fye_month)
        else:
            return
    elif when:
        fq = _event_quarter(when, fye_month)
        filing.period_end = calendar_quarter_end(fq, fye_month)
    else:
        return
    filing.fiscal_year, filing.fiscal_quarter = fq.year, fq.quarter


def _text_facts(filing: ParsedFiling, fye_month: int, release_blocks: list[Block] | None) -> None:
    """Employees from 10-K/10-Q text; headline numbers from an earnings release narrative."""
    if filing.form.upper().startswith(("10-Q", "10-K")) and not any(
        f.metric == "employees" and f.source != "filing_text" for f in filing.facts
    ):
        sections = [s for d in filing.documents for s in d.sections]
        fact = employee_fact(sections, filing.period_end, fye_month)
        if fact:
            filing.facts.append(fact)
    if release_blocks is None or filing.period_end is None:
        return
    ex = next((d for d in filing.documents if d.type.upper() in ("EX-99.1", "EX-99")), None)
    if ex is None:
        return
    end = filing.period_end
    for fact in release.release_facts(ex.sections):
        months = 12 if fact.annual else 3
        start = release.period_start(end, months)
        year, quarter, _ = fiscal_slot(start, end, fye_month)
        filing.facts.append(FactRow(
            concept=fact.concept, metric=fact.metric, value=round(fact.value), unit="USD",
            decimals=None, period_start=start, period_end=end, fiscal_year=year,
            fiscal_quarter=None if fact.annual else quarter, duration_months=months,
            dimensions=json.dumps({"segment": fact.segment}) if fact.segment else None,
            source="release_text", evidence=fact.evidence,
        ))


def _require_accession(unit: Unit) -> None:
    """A bare document or XBRL instance is only a filing when its folder names the accession."""
    if unit.accession is None:
        raise ParseError(f"{unit.main}: cannot tell the accession; keep it in a folder named "
                         "after it.")


def _parse_primary(ctx: _Context) -> ParsedFiling:
    unit = ctx.unit
    _require_accession(unit)
    raw = unit.main.read_bytes()
    limits = load_limits()
    root = parse_html(raw[:limits.document_bytes], name=str(unit.main))
    dei = xbrl.dei_values(root)
    cik_text = dei.get("EntityCentralIndexKey", "")
    cik = unit.cik or (int(cik_text) if cik_text.isdigit() else None) or _cik_of(ctx)
    if cik is None:
        raise ParseError(f"{unit.main}: no CIK in the path or the inline XBRL "
                         "(dei:EntityCentralIndexKey); put it under data/<cik>/<accession>/.")
    meta = ctx.catalog.filing_meta.get(unit.accession, {})
    form = dei.get("DocumentType") or meta.get("form") or unit.form_hint
    if not form:
        raise ParseError(f"{unit.main}: no form type (dei:DocumentType) in the document.")
    ticker, name, fye = _company_bits(ctx, cik, dei)
    fye_month = fiscal_year_end_month(fye)
    folder_url = _folder_url(cik, unit.accession)
    edgar_name = unit.main.name if unit.main.name != "primary-document.html" \
        else meta.get("primaryDocument")
    documents: list[DocumentRow] = []
    blocks, chars = cap_blocks(html_blocks(root), limits.document_chars)
    notes = [oversize_note(f"{unit.main.name}", size=len(raw) if len(raw) > limits.document_bytes
                           else None, max_bytes=limits.document_bytes, chars=chars or None,
                           max_chars=limits.document_chars, where=str(limits.file))
             ] if chars or len(raw) > limits.document_bytes else []
    main_row = DocumentRow(1, form, edgar_name, form, sha256(raw), bool(notes),
                           f"{folder_url}/{edgar_name}" if edgar_name else None,
                           "\n\n".join(b.text for b in blocks))
    main_row.sections = bound_sections(_sections_for(form, form, blocks, False),
                                       limits.section_chars)
    documents.append(main_row)
    facts = xbrl.inline_facts(root, name=str(unit.main))
    for seq, path in enumerate(unit.extra, start=2):
        body = path.read_bytes()
        extra_blocks, _ = _blocks_for(body, str(path))
        documents.append(DocumentRow(seq, "UNKNOWN", path.name, None, sha256(body), False,
                                     f"{folder_url}/{path.name}",
                                     "\n\n".join(b.text for b in extra_blocks)))
    filed = meta.get("filingDate")
    filing = ParsedFiling(
        accession=unit.accession, cik=cik, form=form,
        filed_date=date.fromisoformat(filed) if filed else None,
        period_of_report=date.fromisoformat(meta["reportDate"]) if meta.get("reportDate") else None,
        period_end=None, fiscal_year=None, fiscal_quarter=None, items=[],
        company_name=name, ticker=ticker, fiscal_year_end=fye,
        url=main_row.url or f"{folder_url}/{unit.accession}-index.htm",
        status="truncated" if notes else "ok", error="; ".join(notes) or None,
        documents=documents,
    )
    if form.upper().startswith(("10-Q", "10-K")):
        _finish_periodic(filing, dei, fye_month)
    else:
        _finish_current_report(filing, None, fye_month)
    filing.facts = fact_rows(facts, "inline_xbrl", fye_month)
    _text_facts(filing, fye_month, None)
    return filing


def _cik_of(ctx: _Context) -> int | None:
    """CIK of the folder's ticker (sec-edgar-downloader layout) from the known tickers."""
    ticker = (ctx.unit.ticker or "").upper()
    return next((cik for cik, (t, _) in ctx.catalog.tickers.items() if t.upper() == ticker), None) \
        if ticker else None


def _parse_instance(ctx: _Context) -> ParsedFiling:
    unit = ctx.unit
    _require_accession(unit)
    raw = unit.main.read_bytes()
    facts, dei = xbrl.parse_instance(raw, name=str(unit.main))
    cik_text = dei.get("EntityCentralIndexKey", "")
    cik = unit.cik or (int(cik_text) if cik_text.isdigit() else None) or _cik_of(ctx)
    form = dei.get("DocumentType") or unit.form_hint
    if cik is None or not form:
        raise ParseError(f"{unit.main}: the instance names no CIK or DocumentType.")
    ticker, name, fye = _company_bits(ctx, cik, dei)
    fye_month = fiscal_year_end_month(fye)
    folder_url = _folder_url(cik, unit.accession)
    meta: dict[str, Any] = ctx.catalog.filing_meta.get(unit.accession, {})
    filed = meta.get("filingDate")
    filing = ParsedFiling(
        accession=unit.accession, cik=cik, form=form,
        filed_date=date.fromisoformat(filed) if filed else None,
        period_of_report=None, period_end=None, fiscal_year=None, fiscal_quarter=None, items=[],
        company_name=name, ticker=ticker, fiscal_year_end=fye,
        url=f"{folder_url}/{unit.accession}-index.htm", status="ok", error=None,
        documents=[DocumentRow(1, "EX-101.INS", unit.main.name, "XBRL instance", sha256(raw),
                               False, f"{folder_url}/{unit.main.name}", None)],
    )
    _finish_periodic(filing, dei, fye_month)
    filing.facts = fact_rows(facts, "xbrl_instance", fye_month)
    return filing


def source_kind(unit: Unit, path: Path) -> str:
    """What a file was to the ingest, for source_files.kind."""
    if path == unit.main:
        return unit.kind
    return "document" if path in unit.extra else "covered"
