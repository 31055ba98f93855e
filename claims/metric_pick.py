"""Which catalogue metric a claim's numbers are (data/metrics.yaml), read from its own words.

Why more than "the longest alias wins": a claim is checked against the series its metric
names, and the wrong series decides the verdict. So:
- a composite metric named beside its parts is the claim's metric ("capex rising faster than
  revenue, so the capex burden is heavier" is capex intensity, not capex);
- a company metric qualified by one of the company's segments or products ("OCI revenue",
  "네트워킹 매출") is that segment's metric, or no metric when the catalogue has no series for
  the segment (company revenue would judge the segment by the whole company);
- a metric qualified by a region ("China revenue", "중국 데이터센터 매출") has no series;
- a business that grows with no metric named ("Azure is growing 40%") means its sales: the
  company's revenue when the grammatical subject is the company, its segment's when it is a
  segment or product (the spaCy parse finds the subject; English only).
The cue words (regions, growth verbs) are data: data/extraction.yaml `metric_scope`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claims.companies import CompanyMention
from claims.extraction_rules import ExtractionRules, find_cues
from claimtracker.metric_catalog import MetricCatalog, load_catalog
from claimtracker.metric_formula import formula_inputs

_POSSESSIVE_GAP = re.compile(r"(?:['’]s)?\s*$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z0-9\-]*")  # a capitalised name or acronym
_PERIOD_LABEL = re.compile(r"(?:[QH][1-4]|FY\d*|CY\d*|\d.*)", re.I)  # Q3, H2, FY25, 2025


@dataclass(frozen=True)
class Found:
    """A metric alias found at text[start:end]."""

    metric: str
    alias: str
    start: int
    end: int


def _pattern(alias: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in alias.split())
    if alias.isascii():
        body = rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def found_metrics(text: str, catalog: MetricCatalog | None = None) -> list[Found]:
    """Every metric alias in the text, longest first; an alias inside a longer one found
    ("이익" inside "영업이익률") does not count."""
    catalog = catalog or load_catalog()
    aliases = sorted(((a, m.id) for m in catalog.metrics.values() for a in m.all_aliases()),
                     key=lambda item: -len(item[0]))
    out: list[Found] = []
    for alias, metric in aliases:
        for match in _pattern(alias).finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in out):
                out.append(Found(metric, alias, match.start(), match.end()))
    return out


def _composite(found: list[Found], catalog: MetricCatalog) -> Found | None:
    """The first (longest-named) metric whose formula reads another metric found."""
    ids = {f.metric for f in found}
    for f in found:
        formula = catalog.metrics[f.metric].formula
        if formula and ids & (set(formula_inputs(formula)) - {f.metric}):
            return f
    return None


def segment_metric(base: str, name: str, catalog: MetricCatalog | None = None) -> str | None:
    """The catalogue's segment metric of `base` (revenue, operating_income) for a segment or
    product name: one listing it as a member, else one with an alias naming it first."""
    catalog = catalog or load_catalog()
    key = name.casefold().strip()
    if not key:
        return None
    segments = [m for m in catalog.metrics.values() if m.of == base]
    for metric in segments:
        if any(key == member.casefold() for ms in metric.segments.values() for member in ms):
            return metric.id
    for metric in segments:  # "Azure grows", "OCI revenue": the name, then the metric word
        if any(alias.casefold().startswith(key + " ") for alias in metric.all_aliases()):
            return metric.id
    return None


def _has_segments(base: str, catalog: MetricCatalog) -> bool:
    return any(m.of == base for m in catalog.metrics.values())


def _word_before(text: str, start: int) -> str:
    match = re.search(r"(\S+)\s+$", text[:start])
    return match.group(1).strip("'’\"“”(),*") if match else ""


def _is_unit(word: str, rules: ExtractionRules) -> bool:
    units = rules.scope["units"]
    return word.casefold() in units["en"] or word in units["ko"]


def _unit_name(doc: Any, head: Any, rules: ExtractionRules) -> str | None:
    """The name of a business unit phrase headed by `head` ("client" of "its client
    business"), or None when `head` is no unit word."""
    if not _is_unit(head.lemma_, rules):
        return None
    words = [t.text for t in doc[head.left_edge.i:head.i]
             if t.dep_ not in ("poss", "case", "det", "punct") and t.head.dep_ != "poss"
             and t.pos_ != "PRON"]
    return " ".join(words)


def _parsed_unit(text: str, hit: Found, nlp: Any, rules: ExtractionRules) -> str | None:
    """English: the business unit the metric belongs to by the parse -- its compound ("cloud
    business revenue") or the subject of the verb it is the object of ("its client business
    posted record revenue")."""
    doc = nlp(text)
    span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
    if span is None:
        return None
    token = span.root
    for child in token.children:
        if child.dep_ == "compound" and _unit_name(doc, child, rules) is not None:
            # "cloud business revenue": the parse may hang "cloud" on revenue, not business
            before = [t.text for t in token.children
                      if t.dep_ in ("compound", "amod") and t.i < child.i]
            return " ".join([*before, _unit_name(doc, child, rules) or ""]).strip()
    if token.dep_ in ("dobj", "obj", "attr"):
        subject = next((c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")),
                       None)
        if subject is not None:
            return _unit_name(doc, subject, rules)
    return None


def _product_subject(text: str, hit: Found, mentions: Sequence[CompanyMention],
                     nlp: Any) -> CompanyMention | None:
    """English: the product or segment that is the subject of the verb the metric hangs
    from ("LinkedIn ... brings in about $1 billion of revenue a quarter"): the metric is
    that product's, not the company's total."""
    doc = nlp(text)
    span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
    if span is None:
        return None
    token = span.root
    while token.pos_ not in ("VERB", "AUX") and token.dep_ != "ROOT" and token.head is not token:
        token = token.head
    subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    start, end = doc[subject.left_edge.i].idx, subject.idx + len(subject.text)
    return next((m for m in mentions if m.source == "product" and m.start < end
                 and start < m.end), None)


def _scope(text: str, hit: Found, mentions: Sequence[CompanyMention], rules: ExtractionRules,
           catalog: MetricCatalog, nlp: Any = None) -> tuple[bool, str | None]:
    """(changed, metric) after reading what qualifies the metric's words."""
    if find_cues(text, rules.scope["shares"]) and catalog.metrics[hit.metric].kind == "flow":
        return True, None  # "HPC's share of revenue": a mix, not the amount
    before = _word_before(text, hit.start)
    if before and find_cues(before, rules.scope["places"]) and \
            len(before) <= max(len(c) for c in find_cues(before, rules.scope["places"])) + 3:
        return True, None  # "China revenue", "중국 매출은": no catalogue series
    base = hit.metric
    if catalog.metrics[base].is_segment or not _has_segments(base, catalog):
        return False, base
    for mention in mentions:
        if mention.source == "product" and mention.end <= hit.start \
                and _POSSESSIVE_GAP.fullmatch(text[mention.end:hit.start]):
            return True, segment_metric(base, mention.text, catalog)
    if before in rules.scope["units"]["ko"]:  # "클라우드 부문 매출": the unit's name before it
        before = _word_before(text, text.rfind(before, 0, hit.start))
        english = _glossary_subject(before) if before else None
        return True, segment_metric(base, english, catalog) if english else None
    if nlp is not None and not _HANGUL.search(text):
        unit = _parsed_unit(text, hit, nlp, rules)
        if unit is not None:
            return True, segment_metric(base, unit, catalog) if unit else None
        product = _product_subject(text, hit, mentions, nlp)
        if product is not None:
            return True, segment_metric(base, product.text, catalog)
    if _HANGUL.search(before):
        english = _glossary_subject(before)
        if english and not catalog.find(english):
            return True, segment_metric(base, english, catalog)
    elif _LATIN_NAME.fullmatch(before) and not _PERIOD_LABEL.fullmatch(before) \
            and before.casefold() not in rules.scope["qualifiers"]["en"] \
            and text[:hit.start].strip() != before \
            and not any(m.start <= text.rfind(before, 0, hit.start) < m.end for m in mentions):
        # "AI 매출", "Copilot revenue": a named line of business, not the company's total
        return True, segment_metric(base, before, catalog)
    return False, base


def _glossary_subject(word: str) -> str | None:
    """The English business noun of a Korean word ("네트워킹" -> networking), if the glossary
    has the word as a subject key (not as a longer phrase's part)."""
    try:
        from claims.query import load_glossary

        subjects, _ = load_glossary().translate(word)
    except Exception:  # no glossary: no Korean segment words
        return None
    return subjects[0] if subjects else None


def _growth_subject(text: str, mentions: Sequence[CompanyMention], rules: ExtractionRules,
                    nlp: Any, catalog: MetricCatalog) -> str | None:
    """Revenue (or a segment's) when a company or segment is the subject of a growth verb."""
    if nlp is None or not find_cues(text, rules.scope["growth"]):
        return None
    doc = nlp(text)
    growth = rules.scope["growth"]
    for token in doc:
        if token.pos_ != "VERB" or not find_cues(token.lemma_, growth) \
                or any(c.dep_ in ("dobj", "obj") for c in token.children):
            continue  # "X grows its Y" names what grows: Y, not X's sales
        verb = token
        while verb.dep_ == "conj" and not any(c.dep_.startswith("nsubj") for c in verb.children):
            verb = verb.head  # "... and has accelerated": the first verb's subject
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            continue
        span = doc[subject.left_edge.i:subject.i + 1]
        start, end = span.start_char, span.end_char
        inside = [m for m in mentions if m.start < end and start < m.end]
        if any(m.source == "product" for m in inside):
            product = next(m for m in inside if m.source == "product")
            return segment_metric("revenue", product.text, catalog)
        if any(m.start <= subject.idx < m.end for m in inside):
            return "revenue"  # the company itself grows
        unit = _unit_name(doc, subject, rules)
        if unit is not None:  # "its client business is growing": the unit's sales
            return segment_metric("revenue", unit, catalog) if unit else None
        if any(c.dep_ == "poss" for c in subject.children) and inside:
            # "Oracle's cloud infrastructure": a business of the company
            words = [t.text for t in span if t.dep_ != "poss" and t.dep_ != "case"
                     and not any(m.start <= t.idx < m.end for m in inside)]
            for name in (" ".join(words), *words):
                metric = segment_metric("revenue", name, catalog)
                if metric:
                    return metric
        return None
    return None


def pick_metric(text: str, *, mentions: Sequence[CompanyMention], rules: ExtractionRules,
                nlp: Any = None, catalog: MetricCatalog | None = None) -> str | None:
    """The catalogue metric the sentence's claim is about, or None (a narrative claim)."""
    catalog = catalog or load_catalog()
    found = found_metrics(text, catalog)
    if not found:
        return _growth_subject(text, mentions, rules, nlp, catalog)
    hit = _composite(found, catalog) or found[0]
    _, metric = _scope(text, hit, mentions, rules, catalog, nlp)
    return metric
