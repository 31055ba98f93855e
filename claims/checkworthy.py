"""Check-worthiness: does a sentence assert something a filing or a call could confirm?

Following the ClaimBuster idea (factual, checkable assertions over opinions), a sentence
earns the weights of data/extraction.yaml for what makes it checkable: a company named in it,
a metric, a business word (demand, supply, customers, ads, China ...), a trend, a figure, a
forecast, a named product. The writer's feelings and biography cost points, and so does
share-price chatter unless the sentence also says something checkable; a first person that
only passes on a report about a named company ("I have read that X ...") is no opinion.
Questions and headings are never claims. Cues are Korean and English, so one rule set serves both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from claims.extraction_rules import ExtractionRules, find_cues, load_extraction_rules
from claims.grammar import load_grammar
from claims.sentences import Sentence
from claims.timeframe import has_forecast_cue


@lru_cache(maxsize=16)
def _figure_pattern(units: tuple[str, ...], percent: str) -> re.Pattern[str]:
    words = "|".join(re.escape(u) + ("(?![a-z])" if re.fullmatch(r"[a-z]", u) else "")
                     for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"\d[\d,.]*\s*(?:{percent}|{words})|[$€£₩]\s*\d"
                      r"|(?<!\d)(?:19|20)\d{2}(?!\d)", re.I)


def _figure(rules: ExtractionRules) -> re.Pattern[str]:
    """A figure: a number with a unit (`cues.figure_unit`) or a percent word, a currency
    amount, a year."""
    units = tuple(u for lang in ("en", "ko") for u in rules.cues["figure_unit"][lang])
    return _figure_pattern(units, load_grammar().percent_sign(word_end=False))


# A Latin-script name in a Korean sentence: capitalised (Blackwell, TPU) or a process or
# product code that starts with its figure (10nm, 7nm, 3D NAND)
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:[\-][A-Za-z0-9]+)*|(?<![\w.])\d+[A-Za-z]+\w*")
# A product-like name inside an English sentence: capitalised or camel-cased (iPhone), not the
# sentence's first word.
_ENGLISH_NAME = re.compile(r"(?<=[\s(\"'“‘])(?:[A-Z][A-Za-z0-9]+|[a-z][A-Z][A-Za-z0-9]*)"
                           r"(?:-[A-Za-z0-9]+)*")
# A sentence's first word is a name when an appositive explains it ("Rubin, the next platform,
# is ..."): a common word opening a sentence is not followed by ", the ...,".
_OPENING_NAME = re.compile(r"^[\"'“‘(]*[A-Z][A-Za-z0-9]+(?:-[A-Za-z0-9]+)*,"
                           r"\s+(?:the|its|our|a|an)\s[^,.;]+,\s")


def __getattr__(name: str) -> float:
    if name == "MIN_SCORE":  # kept for callers of the old constant: the data file's threshold
        return load_extraction_rules().threshold
    raise AttributeError(name)


@dataclass(frozen=True)
class Worthiness:
    score: float
    reasons: list[str] = field(default_factory=list)
    threshold: float = 2.0

    @property
    def checkable(self) -> bool:
        return self.score >= self.threshold


def _named_terms(text: str, rules: ExtractionRules,
                 company_spans: Sequence[tuple[int, int]] = ()) -> bool:
    """A Latin-script name inside a Korean sentence (Trainium, Blackwell, TPU), or a name inside
    an English one past its first word (Siri, Trainium3, iPhone) or explained by an appositive
    ("Rubin, the next platform, ...") that is no `term_stop` word (months, days), outside the
    companies' own names (`company_spans`: those count as `company`)."""
    if re.search(r"[\uac00-\ud7a3]", text):
        return any(len(m.group(0)) >= 2 for m in _LATIN_NAME.finditer(text))
    stop = set(rules.term_stop["en"])
    opening = _OPENING_NAME.match(text)
    if opening and opening.group(0).split(",")[0].strip("\"'“‘(").lower() not in stop:
        return True
    return any(m.group(0).lower() not in stop
               and not any(a < m.end() and m.start() < b for a, b in company_spans)
               for m in _ENGLISH_NAME.finditer(text))


def vague_subject(text: str, nlp: Any, spans: Sequence[tuple[int, int]],
                  rules: ExtractionRules) -> bool:
    """True when the main clause's subject names nothing checkable: no company or product
    (`spans`, their character spans), not the company itself ("management", `self_subject`),
    no proper name or figure, no metric or business word ("At Meta, the answer is the ads
    machine")."""
    doc = nlp(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) \
        if root is not None else None
    if subject is None or subject.pos_ == "PRON":
        return False  # no subject to judge ("It ..." refers back to a named one)
    span = doc[subject.left_edge.i:subject.right_edge.i + 1]
    if any(a < span.end_char and span.start_char < b for a, b in spans):
        return False
    if any(t.pos_ in ("PROPN", "NUM") for t in span):
        return False
    return not (find_cues(span.text, rules.cues["self_subject"])
                or find_cues(span.text, rules.cues["metric"])
                or find_cues(span.text, rules.cues["business"]))


def check_worthiness(sentence: Sentence, *, rules: ExtractionRules | None = None,
                     companies: Sequence[str] | None = None,
                     terms: Sequence[str] | None = None,
                     vague: bool = False,
                     company_spans: Sequence[tuple[int, int]] = ()) -> Worthiness:
    """Score a sentence; `companies` are the tickers named in it (resolved here if None),
    `terms` its named products/places (Latin names in Korean text if None), `vague` whether
    its subject names nothing checkable (see vague_subject), `company_spans` where the
    companies' names stand (no product name there)."""
    rules = rules or load_extraction_rules()
    text = sentence.text
    threshold = rules.threshold
    if sentence.heading or text.rstrip("*’”\"' )").endswith(("?", "？")):
        return Worthiness(0.0, ["heading or question"], threshold)
    if companies is None:
        from claims.companies import resolve_companies

        companies = [m.ticker for m in resolve_companies(text)]
    w = rules.weights
    found = {
        "company": bool(companies),
        "metric": bool(find_cues(text, rules.cues["metric"])),
        "business": bool(find_cues(text, rules.cues["business"])),
        "trend": any(find_cues(text, rules.direction[d]) for d in rules.direction),
        "number": bool(_figure(rules).search(text) or find_cues(text, rules.cues["figure"])),
        "forecast": has_forecast_cue(text, rules),
        "term": bool(terms) if terms is not None else _named_terms(text, rules, company_spans),
        "opinion": bool(find_cues(text, rules.cues["opinion"])),
        "valuation": bool(find_cues(text, rules.cues["valuation"])),
        "vague_subject": vague,
    }
    if found["valuation"] and (found["metric"] or found["business"]):
        found["valuation"] = False  # checkable despite the share-price talk
    if found["opinion"] and found["company"] and find_cues(text, rules.cues["reported"]):
        found["opinion"] = False  # "I have read that X is ...": X's claim, passed on
    reasons = [k for k, hit in found.items() if hit]
    score = sum(w[k] for k in reasons)
    return Worthiness(round(score, 2), reasons, threshold)
