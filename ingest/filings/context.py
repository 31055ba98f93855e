"""What every filing parser shares: the context of a unit (catalog, known fiscal year ends),
company identity, document text blocks, and the fiscal quarter a filing reports.

Fiscal year/quarter come from the document's dei fiscal focus when it has one (10-Q/10-K),
else from dates through `claimtracker.quarters`; an earnings 8-K belongs to the quarter its
release reports, any other 8-K to the quarter it was filed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from claimtracker.errors import ParseError
from claimtracker.quarters import (
    calendar_quarter_end,
    event_quarter,
    fiscal_quarter_of,
    normalise_fye,
    periodic_quarter,
    quarter_before_date,
)
from ingest.filings import release, xbrl
from ingest.filings.discover import Catalog, Unit
from ingest.filings.html_text import Block, html_blocks, parse_html
from ingest.filings.model import ParsedFiling
from ingest.filings.sections import Section, split_sections

_NO_TEXT_TYPES = ("GRAPHIC", "ZIP", "EXCEL", "JSON", "PDF", "XML", "EX-101")
_HTML_SNIFF_RE = re.compile(rb"<(html|div|p|table|body|font)[\s>]", re.IGNORECASE)


@dataclass
class ParseContext:
    """What the unit, the catalog and the DB already know about the filing."""

    unit: Unit
    catalog: Catalog
    known_fye: dict[int, str]


def blocks_for(body: bytes, name: str) -> tuple[list[Block], Any]:
    """Clean blocks of a document body (HTML through lxml, plain text by blank lines) and the
    parsed HTML root (None for plain text), so inline XBRL is read from the same parse."""
    if _HTML_SNIFF_RE.search(body[:20000]):
        root = parse_html(body, name=name)
        return html_blocks(root), root
    text = body.decode("utf-8", errors="replace")
    blocks = [Block("text", " ".join(p.split())) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return blocks, None


def has_text(doc_type: str, filename: str | None) -> bool:
    if doc_type.upper().startswith(_NO_TEXT_TYPES):
        return False
    return not filename or filename.lower().endswith((".htm", ".html", ".txt"))


def company_bits(ctx: ParseContext, cik: int,
                 dei: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """(ticker, name, fiscal_year_end) from the folder, catalog JSON, dei values, the DB."""
    listed = ctx.catalog.tickers.get(cik, (None, None))
    submissions = ctx.catalog.companies.get(cik, {})
    ticker = ctx.unit.ticker or listed[0] or submissions.get("ticker") or dei.get("TradingSymbol")
    name = dei.get("EntityRegistrantName") or submissions.get("name") or listed[1]
    fye = (normalise_fye(dei.get("CurrentFiscalYearEndDate"))
           or normalise_fye(submissions.get("fiscal_year_end")) or ctx.known_fye.get(cik))
    return ticker, name, fye


def finish_periodic(filing: ParsedFiling, dei: dict[str, str], fye_month: int) -> None:
    """Period end and fiscal quarter of a 10-Q/10-K (or its XBRL instance)."""
    period_end = xbrl.parse_date(dei.get("DocumentPeriodEndDate")) or filing.period_of_report
    filing.period_end = period_end
    filing.period_of_report = filing.period_of_report or period_end
    fq = periodic_quarter(filing.form, dei.get("DocumentFiscalYearFocus"),
                          dei.get("DocumentFiscalPeriodFocus"), period_end, fye_month)
    if fq:
        filing.fiscal_year, filing.fiscal_quarter = fq.year, fq.quarter


def sections_for(doc_type: str, blocks: list[Block], earnings: bool) -> list[Section]:
    kind = doc_type.upper()
    if earnings and kind in ("EX-99.1", "EX-99"):
        return release.release_sections(blocks)
    if kind.startswith(("10-Q", "10-K", "8-K")):
        return split_sections(blocks, kind)
    if kind.startswith("EX-99"):
        return split_sections(blocks, kind, preamble_code="Exhibit")
    return []


def finish_current_report(filing: ParsedFiling, release_blocks: list[Block] | None,
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
        fq = event_quarter(when, fye_month)
        filing.period_end = calendar_quarter_end(fq, fye_month)
    else:
        return
    filing.fiscal_year, filing.fiscal_quarter = fq.year, fq.quarter



def require_accession(unit: Unit) -> None:
    """A bare document or XBRL instance is only a filing when its folder names the accession."""
    if unit.accession is None:
        raise ParseError(f"{unit.main}: cannot tell the accession; keep it in a folder named "
                         "after it.")


def cik_of(ctx: ParseContext) -> int | None:
    """CIK of the folder's ticker (sec-edgar-downloader layout) from the known tickers."""
    ticker = (ctx.unit.ticker or "").upper()
    return next((cik for cik, (t, _) in ctx.catalog.tickers.items() if t.upper() == ticker), None) \
        if ticker else None
