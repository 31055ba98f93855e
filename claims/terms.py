"""A claim's key terms, taken from its own sentence (never from a topic's vocabulary).

Terms name what the claim is about: products, segments, metric phrases, places ("Google
Cloud", "TPU", "ad revenue", "China"). Retrieval searches for them and stance reads the
direction next to them, so they must come from the claim itself. English sentences give
spaCy's entities and noun chunks; Korean ones give their Latin-script names (Trainium, TPU),
the English glossary terms of their Korean words (data/glossary.yaml) and the metric's name.
Company names are the claim's ticker, not a term; a segment that stands for a company (AWS)
stays a term.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from claims.companies import CompanyMention
from claims.extraction_rules import ExtractionRules, find_cues

MAX_TERMS = 8
_ENT_LABELS = {"ORG", "PRODUCT", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "WORK_OF_ART"}
_DROP_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
_DROP_POS = {"DET", "PRON", "NUM", "PUNCT", "PART", "ADP", "CCONJ", "SCONJ", "AUX", "SYM"}
#: A token mixing letters and digits: a product or process name (10nm, 3D, H20, B200).
_ALNUM = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9-]*$")
#: ... but not a period tag (Q2, 2Q, FY19, H1).
_PERIOD_TAG = re.compile(r"^(?:Q[1-4]|[1-4]Q|FY\d{2,4}|H[12]|\d{1,2}(?:st|nd|rd|th))$", re.I)


def _add(out: list[str], term: str, stop: set[str], company_names: set[str]) -> None:
    term = re.sub(r"\s+", " ", term).strip(" ’‘'\"“”*.,:;()")
    key = term.casefold()
    if (len(term) < 2 or key in stop or key in company_names or term.isdigit()
            or any(key == t.casefold() for t in out)):
        return
    out.append(term)


def _metric_name(metric: str | None) -> str | None:
    """The metric's first English name (claimtracker.metric_catalog)."""
    from claimtracker.metric_catalog import load_catalog

    return load_catalog().english_names(metric)[0] if metric else None


def _namey(doc: Any, i: int) -> bool:
    """Part of a name: a letter-and-digit token, a number glued to letters ("10" of "10nm"),
    the letters glued after it, or a capitalised word that does not open the sentence."""
    token = doc[i]
    if _PERIOD_TAG.match(token.text):
        return False
    if _ALNUM.match(token.text):
        return True
    after = doc[i + 1] if i + 1 < len(doc) else None
    if token.like_num and not token.whitespace_ and after is not None and after.is_alpha:
        return True
    before = doc[i - 1] if i > 0 else None
    if token.is_alpha and before is not None and before.like_num and not before.whitespace_:
        return True
    if not (token.is_alpha and token.text[:1].isupper()):
        return False
    # the sentence's first word only as the start of a longer name ("Google Cloud revenue"),
    # never a function word ("The PC ...", "On AI ...")
    function_word = token.pos_ in _DROP_POS or (token.is_stop and not token.is_upper)
    return not token.is_sent_start or (not function_word and after is not None
                                       and after.is_alpha and after.text[:1].isupper())


def _glued_number(token: Any) -> bool:
    """The "7" of "7nm": a number written together with the letters after it."""
    doc = token.doc
    return bool(token.like_num and not token.whitespace_ and token.i + 1 < len(doc)
                and doc[token.i + 1].is_alpha)


def _name_runs(doc: Any, skip: Any) -> list[str]:
    """Product and process names as written ("10nm Ice Lake", "3D XPoint", "7nm"): the small
    model splits "10nm" and may tag such a run as a date, so entities and noun chunks lose it."""
    runs: list[str] = []
    current: list[Any] = []
    for i in range(len(doc) + 1):
        if i < len(doc) and _namey(doc, i) and not skip(doc[i]):
            current.append(doc[i])
            continue
        if current and any(not t.is_alpha or len(current) > 1 or t.pos_ == "PROPN"
                           for t in current):
            runs.append(doc[current[0].i:current[-1].i + 1].text)
        current = []
    return runs


def _english(text: str, nlp: Any, stop: set[str], names: set[str], out: list[str],
             company_spans: list[tuple[int, int]], line_nouns: set[str]) -> None:
    def in_company(start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in company_spans)

    doc = nlp(text)
    for run in _name_runs(doc, lambda t: t.text.casefold() in names
                          or in_company(t.idx, t.idx + len(t.text))):
        _add(out, run, stop, names)
    for ent in doc.ents:
        if ent.label_ in _ENT_LABELS and not in_company(ent.start_char, ent.end_char):
            _add(out, ent.text.removesuffix("'s").removesuffix("’s"), stop, names)
    for chunk in doc.noun_chunks:
        tokens = [t for t in chunk if (t.pos_ not in _DROP_POS or _glued_number(t))
                  and t.tag_ != "POS"
                  and t.text.casefold() not in names and t.dep_ != "poss"
                  and t.head.dep_ != "poss"  # "Google" of "Google Cloud's backlog"
                  and t.ent_type_ not in _DROP_ENTS
                  and not in_company(t.idx, t.idx + len(t.text))]
        while tokens and tokens[0].pos_ == "ADJ" and tokens[0].i < chunk.root.i - 1:
            tokens = tokens[1:]  # "strong demand" -> keep; "very strong ad demand" -> trimmed
        if (chunk.root.lemma_.casefold() in stop or chunk.root.text.casefold() in stop) \
                and all(t.pos_ == "ADJ" for t in tokens if t.i != chunk.root.i):
            continue  # "the same story", "a big round": a vague head, only adjectives
        line = len(tokens) > 1 and tokens[-1].i == chunk.root.i \
            and chunk.root.lemma_.casefold() in line_nouns
        if line:
            tokens = tokens[:-1]  # "the gaming franchise" -> gaming: the line, not its kind
        if tokens and (line or any(t.pos_ in ("NOUN", "PROPN") for t in tokens)):
            _add(out, "".join(t.text + ("" if _glued_number(t) else " ") for t in tokens),
                 stop, names)


def _korean(text: str, stop: set[str], names: set[str], out: list[str]) -> None:
    from claims.query import latin_names

    for name in latin_names(text):  # without the glossary's `latin_stop` words
        _add(out, name, stop, names)
    try:
        from claims.query import load_glossary

        subjects, _ = load_glossary().translate(text)
    except Exception:  # glossary absent: the Latin names and the metric still serve
        subjects = []
    for term in subjects:
        _add(out, term, stop, names)


def _book() -> Any:
    """The company book (data/companies.yaml), or None when it cannot be read."""
    from claims.companies import load_company_book

    try:
        return load_company_book()
    except Exception:  # terms still come from the sentence itself
        return None


def claim_terms(text: str, *, language: str, mentions: Sequence[CompanyMention],
                rules: ExtractionRules, metric: str | None = None, nlp: Any = None,
                ticker: str | None = None) -> tuple[str, ...]:
    """The sentence's own key terms, most specific first, at most MAX_TERMS. A product of
    another company than the claim's `ticker` ("faster than Azure" in an Oracle claim) is the
    comparison's, not the claim's subject: it is left out like a company name."""
    stop = set(rules.term_stop["en"]) | set(rules.term_stop["ko"])
    own = [m for m in mentions
           if m.source == "product" and (ticker is None or m.ticker == ticker)]
    names = {m.text.casefold() for m in mentions if m not in own}
    names |= {m.ticker.casefold() for m in mentions}
    out: list[str] = []
    book = _book()
    for mention in own:
        company = book.company(mention.ticker) if book else None
        english = company.english_product(mention.text) if company else None
        if english:  # 애저 -> Azure: management's word first, the article's after
            _add(out, english, stop, set())
        _add(out, mention.text, stop, set())
    if language == "en" and nlp is not None:
        spans = [(m.start, m.end) for m in mentions if m not in own]
        _english(text, nlp, stop, names, out, spans, set(rules.cues["line_noun"]["en"]))
    else:
        _korean(text, stop, names, out)
    metric_name = _metric_name(metric)
    if metric_name:
        _add(out, metric_name, stop, names)
    if language != "en" and len(out) < 2:
        # No English for its words yet: the sentence's own Korean metric and business words
        # (retrieval is cross-lingual; the glossary can add English later).
        for family in ("metric", "business"):
            for cue in find_cues(text, rules.cues[family]):
                if re.search(r"[\uac00-\ud7a3]", cue):
                    _add(out, cue, stop, names)
    return tuple(out[:MAX_TERMS])


def slug_from_terms(terms: Sequence[str], fallback: str, used: set[str]) -> str:
    """A stable lower-case id from the first terms ("google-cloud-tpu"), unique in `used`."""
    words: list[str] = []
    for term in terms:
        words += re.findall(r"[a-z0-9]+", term.lower())
        if len(words) >= 3:
            break
    base = "-".join(words[:4]) or re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-")
    base = base or "claim"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug
