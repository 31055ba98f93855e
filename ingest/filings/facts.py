"""Fact rows of a filing: XBRL facts with their fiscal slot, headcount stated in 10-K/10-Q text,
and the headline numbers of an earnings release's narrative.

Fiscal year and quarter of every row come from `claimtracker.quarters.fiscal_slot`, the one rule
for "which quarter is this period".
"""

from __future__ import annotations

import json
import re
from datetime import date

from claimtracker.quarters import fiscal_slot
from ingest.filings import release, xbrl
from ingest.filings.html_text import Block
from ingest.filings.model import FactRow, ParsedFiling
from ingest.filings.sections import Section

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



def add_text_facts(filing: ParsedFiling, fye_month: int,
                   release_blocks: list[Block] | None) -> None:
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

