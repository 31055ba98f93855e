"""Reported numbers from inline XBRL (`ix:nonFraction`) and XBRL instance files, exact periods kept.

Every numeric fact is kept (concept, value in units, unit, period, dimensions); the metrics
the claims need are a mapping on top (`METRIC_CONCEPTS`, read from the metric catalogue
data/metrics.yaml), so adding a metric never means re-parsing. Values are scaled to units
(`scale="6"` means millions) and signed (`sign="-"`), so a quarter is never confused with
year-to-date and thousands never with units: the period is the context's own start/end or
instant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import lxml.etree
import lxml.html

from claimtracker.errors import ParseError
from claimtracker.metric_catalog import load_catalog

#: metric -> concepts in order of preference (first found wins when a filing has several).
#: Read from the metric catalogue (data/metrics.yaml), the one owner of concept lists.
METRIC_CONCEPTS: dict[str, tuple[str, ...]] = load_catalog().concept_map()
CONCEPT_METRIC = {c: m for m, concepts in METRIC_CONCEPTS.items() for c in concepts}


def concept_rank(concept: str) -> int:
    """Preference of a concept within its metric (0 is best)."""
    return load_catalog().concept_rank(concept)


@dataclass(frozen=True)
class Context:
    start: date | None
    end: date | None  # the instant for instant contexts
    dimensions: tuple[tuple[str, str], ...] = ()

    @property
    def dimensions_json(self) -> str | None:
        return json.dumps(dict(self.dimensions), sort_keys=True) if self.dimensions else None


@dataclass(frozen=True)
class XbrlFact:
    concept: str
    value: float
    unit: str | None
    decimals: str | None
    context: Context


_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%d %B %Y", "%m/%d/%Y")


def parse_date(text: str | None) -> date | None:
    """ISO dates and the month-name forms inline XBRL displays ("December 31, 2024")."""
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().rstrip(".")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    if tag.startswith("{"):
        tag = tag.split("}", 1)[1]
    return tag.rsplit(":", 1)[-1].lower()


def _contexts(elements: Iterable[lxml.etree._Element]) -> dict[str, Context]:
    contexts: dict[str, Context] = {}
    for ctx in elements:
        start = end = None
        dims: list[tuple[str, str]] = []
        for el in ctx.iter():
            name = _local(el.tag)
            if name == "startdate":
                start = parse_date(el.text)
            elif name in ("enddate", "instant"):
                end = parse_date(el.text)
            elif name == "explicitmember":
                dims.append((el.get("dimension", ""), (el.text or "").strip()))
            elif name == "typedmember":
                dims.append((el.get("dimension", ""), " ".join(el.itertext()).strip()))
        contexts[ctx.get("id", "")] = Context(start, end, tuple(sorted(dims)))
    return contexts


def _units(elements: Iterable[lxml.etree._Element]) -> dict[str, str]:
    units: dict[str, str] = {}
    for unit in elements:
        measures = [_unit_name(m.text) for m in unit.iter() if _local(m.tag) == "measure"]
        units[unit.get("id", "")] = "/".join(measures)
    return units


def _unit_name(measure: str | None) -> str:
    """'iso4217:USD' -> 'USD', 'xbrli:shares' -> 'shares'; company units keep their prefix."""
    text = (measure or "").strip()
    prefix, _, local = text.rpartition(":")
    return local if prefix in ("iso4217", "xbrli") else text


_WORD_NUMBERS = {"no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
                 "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def ix_number(text: str, fmt: str | None) -> float | None:
    """The displayed number of an ix:nonFraction under its transformation format."""
    shown = text.strip()
    fmt_name = (fmt or "").rsplit(":", 1)[-1].lower()
    if fmt_name in ("fixed-zero", "zerodash", "fixedzero") or shown in ("", "—", "–", "-"):
        return 0.0
    if fmt_name.startswith("numword") or shown.lower() in _WORD_NUMBERS:
        return float(_WORD_NUMBERS.get(shown.lower(), 0)) if shown.lower() in _WORD_NUMBERS \
            else None
    if "comma-decimal" in fmt_name or "numcommadecimal" in fmt_name:
        shown = shown.replace(".", "").replace(" ", "").replace(",", ".")
    digits = re.sub(r"[^\d.]", "", shown)
    if not digits or digits.count(".") > 1:
        return None
    return float(digits)


def inline_facts(root: lxml.html.HtmlElement, *, name: str = "document") -> list[XbrlFact]:
    """Numeric facts of an inline XBRL document parsed by ingest.html_text.parse_html."""
    contexts = _contexts(root.iter("xbrli:context"))
    units = _units(root.iter("xbrli:unit"))
    facts: list[XbrlFact] = []
    for el in root.iter("ix:nonfraction"):
        concept = el.get("name")
        context = contexts.get(el.get("contextref", ""))
        if not concept or context is None:
            continue
        if el.get("xsi:nil") == "true":
            continue
        number = ix_number(el.text_content(), el.get("format"))
        if number is None:
            continue
        scale = el.get("scale")
        try:
            if scale:
                number *= 10 ** int(scale)
        except ValueError as exc:
            raise ParseError(f"{name}: fact {concept} has a bad scale {scale!r}.") from exc
        if el.get("sign") == "-":
            number = -number
        facts.append(XbrlFact(concept, number, units.get(el.get("unitref", "")),
                              el.get("decimals"), context))
    return facts


def dei_values(root: lxml.html.HtmlElement) -> dict[str, str]:
    """The dei: cover facts (DocumentType, DocumentFiscalYearFocus, ...) as displayed text."""
    values: dict[str, str] = {}
    for tag in ("ix:nonnumeric", "ix:nonfraction"):
        for el in root.iter(tag):
            name = el.get("name", "")
            if name.startswith("dei:") and name[4:] not in values:
                values[name[4:]] = re.sub(r"\s+", " ", el.text_content()).strip()
    return values


def has_inline_xbrl(root: lxml.html.HtmlElement) -> bool:
    return next(root.iter("ix:header"), None) is not None


# -- XBRL instance documents (e.g. amzn-20221231_htm.xml) ---------------------------------------

_XBRLI = "http://www.xbrl.org/2003/instance"


def parse_instance(raw: bytes, *, name: str = "instance") -> tuple[list[XbrlFact], dict[str, str]]:
    """Numeric facts and dei: values of an XBRL instance document."""
    parser = lxml.etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.fromstring(raw, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ParseError(f"{name}: not a well-formed XBRL instance ({exc}).") from exc
    if _local(root.tag) != "xbrl":
        raise ParseError(f"{name}: root element is <{_local(root.tag)}>, not an XBRL instance.")
    contexts = _contexts(root.iter(f"{{{_XBRLI}}}context"))
    units = _units(root.iter(f"{{{_XBRLI}}}unit"))
    facts: list[XbrlFact] = []
    dei: dict[str, str] = {}
    for el in root:
        context_ref = el.get("contextRef")
        if context_ref is None or not isinstance(el.tag, str):
            continue
        prefix = el.prefix or ""
        concept = f"{prefix}:{_local_case(el.tag)}"
        text = (el.text or "").strip()
        if prefix == "dei" and concept[4:] not in dei:
            dei[concept[4:]] = text
        unit_ref = el.get("unitRef")
        context = contexts.get(context_ref)
        if unit_ref is None or context is None or not text:
            continue
        try:
            value = float(text)
        except ValueError:
            continue
        facts.append(XbrlFact(concept, value, units.get(unit_ref), el.get("decimals"), context))
    return facts, dei


def _local_case(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def is_instance(head: bytes) -> bool:
    """True if the first bytes look like an XBRL instance (root <xbrli:xbrl> or <xbrl>)."""
    return re.search(rb"<(?:\w+:)?xbrl[\s>]", head) is not None


def _precision(decimals: str | None) -> float:
    if decimals is None:
        return float("-inf")
    if decimals.upper() == "INF":
        return float("inf")
    try:
        return float(decimals)
    except ValueError:
        return float("-inf")


def unique(facts: Iterable[XbrlFact]) -> Iterator[XbrlFact]:
    """Inline XBRL repeats facts (statements, MD&A, notes), sometimes rounded ("$15.3 billion",
    decimals=-8): keep the most precise of each concept, unit and context, in first-seen order."""
    best: dict[tuple[str, str | None, Context], XbrlFact] = {}
    for fact in facts:
        key = (fact.concept, fact.unit, fact.context)
        known = best.get(key)
        if known is None or _precision(fact.decimals) > _precision(known.decimals):
            best[key] = fact
    yield from best.values()
