"""Earnings releases (8-K Item 2.02, exhibit 99.1): narrative parts, tables, headline numbers.

A release reads: dateline naming the quarter, results bullets, a CEO quote, highlights,
guidance, boilerplate, then financial tables. Users check claims against the narrative, so
each part becomes its own section ('Release: Results', 'Release: CEO quote',
'Release: Highlights', 'Release: Guidance', 'Release: Other') and every table its own
'table' section. The results bullets state the headline numbers ("Operating income increased
to $17.4 billion in the third quarter"); they are kept as facts with source 'release_text'
and the sentence as evidence, because truncated releases lose their tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimtracker.quarters import snap_to_month_end
from ingest.filings.html_text import Block
from ingest.filings.sections import Section
from ingest.filings.xbrl import parse_date

RESULTS = "Release: Results"
QUOTE = "Release: CEO quote"
HIGHLIGHTS = "Release: Highlights"
GUIDANCE = "Release: Guidance"
OTHER = "Release: Other"
TABLES = "Release: Financial tables"

_QUARTER_ENDED_RE = re.compile(
    r"\b(first|second|third|fourth)\s+quarter\b[^.]{0,60}?\bended\s+"
    r"([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})"
)
_METRIC_RE = re.compile(
    r"^(?:(?P<segment>[A-Z][\w&.\- ]{0,40}?) segment )?(?:GAAP )?"
    r"(?P<what>net sales|sales|revenue|operating income|operating loss|net income|net loss)"
    r"(?: in the \w+ quarter)?\s+"
    r"(?:increased|decreased|grew|declined|rose|fell|was|were)\b[^$]{0,40}?"
    r"\$(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<multiplier>billion|million|thousand)?",
    re.IGNORECASE,
)
#: "Adobe achieved revenue of $4.66 billion in its first quarter"
_ACHIEVED_RE = re.compile(
    r"^(?:[A-Z][\w.&]+ )?(?:achieved|reported) (?:record )?(?:total )?"
    r"(?P<what>revenue|net sales|net income|operating income) of "
    r"\$(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<multiplier>billion|million|thousand)?",
)
_SENTENCE_END_RE = re.compile(r"(?<=[a-z0-9%)])\.\s+(?=[A-Z])")
_MULTIPLIERS = {"billion": 1e9, "million": 1e6, "thousand": 1e3, None: 1.0}
_CONCEPTS = {
    "net sales": ("release:NetSales", "revenue"),
    "sales": ("release:NetSales", "revenue"),
    "revenue": ("release:Revenue", "revenue"),
    "operating income": ("release:OperatingIncome", "operating_income"),
    "operating loss": ("release:OperatingIncome", "operating_income"),
    "net income": ("release:NetIncome", "net_income"),
    "net loss": ("release:NetIncome", "net_income"),
}
_BULLETS = "•●◦▪■· "


@dataclass(frozen=True)
class ReleaseFact:
    """A headline number: `annual` ones cover the fiscal year, the others the quarter."""

    concept: str
    metric: str
    value: float
    segment: str | None
    annual: bool
    evidence: str


def reported_quarter_end(blocks: list[Block]) -> date | None:
    """The end date of the quarter a release reports ("its third quarter ended September 30")."""
    for block in blocks[:40]:
        match = _QUARTER_ENDED_RE.search(block.text)
        if match:
            return parse_date(match.group(2))
    return None


def _heading_kind(text: str) -> str | None:
    lowered = text.lower()
    if "financial highlights" in lowered or "segment highlights" in lowered:
        return RESULTS
    if "guidance" in lowered or "outlook" in lowered or "targets" in lowered:
        return GUIDANCE
    if "highlight" in lowered:
        return HIGHLIGHTS
    if any(k in lowered for k in ("conference call", "forward-looking", "about ",
                                  "additional information", "non-gaap", "contact")):
        return OTHER
    return None


def _is_heading(text: str) -> bool:
    short_title = len(text) <= 100 and not text.endswith(".")
    return short_title or (len(text) <= 200 and text.endswith(":"))


def _is_quote(text: str) -> bool:
    return text[:1] in "“\"" and " said " in text


def _period_heading(text: str) -> bool | None:
    """True for 'Full Year 2022', False for 'Fourth Quarter 2022', None otherwise."""
    lowered = text.lower()
    if len(text) > 60:
        return None
    if "full year" in lowered or ("fiscal year" in lowered and "quarter" not in lowered):
        return True
    if "quarter" in lowered:
        return False
    return None


def release_sections(blocks: list[Block]) -> list[Section]:
    """The narrative parts and the financial tables of an earnings release."""
    sections: list[Section] = []
    state, title = RESULTS, None
    prose: list[str] = []

    def flush() -> None:
        if prose:
            sections.append(Section(state, title, len(sections), "narrative", "\n\n".join(prose)))
            prose.clear()

    for block in blocks:
        text = block.text.lstrip(_BULLETS)
        if block.kind == "table":
            flush()
            if state != TABLES:
                state, title = TABLES, None
            sections.append(Section(TABLES, title, len(sections), "table", block.text))
            continue
        if state != TABLES and _is_quote(text):
            flush()
            sections.append(Section(QUOTE, None, len(sections), "narrative", text))
            continue
        if state == TABLES:
            if _is_heading(text) and not text.isupper():
                flush()
                title = text
            prose.append(text)
            continue
        kind = _heading_kind(text) if _is_heading(text) or "highlights" in text.lower() else None
        if kind is not None and kind != state:
            flush()
            state, title = kind, text
        prose.append(text)
    flush()
    return sections


def release_facts(sections: list[Section]) -> list[ReleaseFact]:
    """Headline results stated in the narrative (results sections only, not guidance)."""
    facts: list[ReleaseFact] = []
    seen: set[tuple[str, str | None, bool]] = set()
    for section in sections:
        if section.item_code != RESULTS:
            continue
        annual = False
        for paragraph in section.text.split("\n\n"):
            period = _period_heading(paragraph)
            if period is not None:
                annual = period
                continue
            for sentence in _SENTENCE_END_RE.split(paragraph):
                fact = _sentence_fact(sentence, annual)
                if fact is None or (fact.concept, fact.segment, fact.annual) in seen:
                    continue
                seen.add((fact.concept, fact.segment, fact.annual))
                facts.append(fact)
    return facts


def _sentence_fact(sentence: str, annual_heading: bool) -> ReleaseFact | None:
    """A headline result stated at the start of one sentence, else None."""
    match = _METRIC_RE.match(sentence) or _ACHIEVED_RE.match(sentence)
    if not match:
        return None
    what = match.group("what").lower()
    segment = match.groupdict().get("segment")
    if what == "sales" and not segment:
        return None
    concept, metric = _CONCEPTS[what]
    value = float(match.group("number").replace(",", ""))
    value *= _MULTIPLIERS[(match.group("multiplier") or "").lower() or None]
    if "loss" in what:
        value = -value
    annual = annual_heading or bool(
        re.search(r"\b(?:in|for) (?:fiscal )?(?:year )?\d{4}\b", sentence[: match.end() + 30]))
    evidence = sentence.strip().rstrip(".") + "."
    return ReleaseFact(concept, metric, value, segment, annual, evidence)


def period_start(end: date, months: int) -> date:
    """First day of a period of `months` calendar months ending on (or near) `end`."""

    last = snap_to_month_end(end)
    month_index = last.year * 12 + (last.month - 1) - months + 1
    return date(month_index // 12, month_index % 12 + 1, 1)
