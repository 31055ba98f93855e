"""`claims extract` / `claims add`: draft a claim ledger from any article (Korean or English).

Pipeline: split sentences (claims.sentences); find every company the article names
(claims.companies); keep the check-worthy sentences (claims.checkworthy); give each its
company (named in it -- one claim per company for "Microsoft and Meta" --, else the one its
paragraph named most, else the nearest sentence before it naming exactly one company, else
the article's only company, else the one --ticker), its own key terms (claims.terms), metric
(the metric catalogue), direction, comparison, horizon and fiscal quarter
(claims.timeframe). Topics (multilingual-e5, claims.topic_map) are an optional recall hint.
The result loads with `claims.ledger.load_ledger` and scores without edits; a sentence whose
company cannot be told apart is an InputError naming it, never a TODO placeholder.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from claims.asides import aside_spans, korean_subject_first, outside_asides
from claims.checkworthy import Worthiness, check_worthiness, vague_subject
from claims.companies import CompanyBook, CompanyMention, load_company_book, resolve_companies
from claims.direction import guess_direction
from claims.extraction_rules import ExtractionRules, find_cues, load_extraction_rules
from claims.grammar import load_grammar
from claims.metric_pick import found_metrics, pick_metric
from claims.reported import quarter_reported
from claims.sentences import Sentence, is_korean, split_sentences
from claims.terms import claim_terms, slug_from_terms
from claims.timeframe import (
    ArticleDate,
    article_date,
    claim_quarter,
    horizon_of,
    last_quarter,
    main_clause_horizon,
)
from claimtracker.errors import InputError

T = TypeVar("T")
AUTO = "auto"  # mapper=AUTO loads the e5 TopicMapper; mapper=None drafts without topics
MIN_SENTENCES_FOR_Z = 12  # below this, topic z-scores over the article mean nothing


def detect_language(text: str) -> str:
    return "ko" if is_korean(text) else "en"


def guess_ticker(text: str) -> str | None:
    """The company the article names most often (None if it names none)."""
    counts = Counter(m.ticker for m in resolve_companies(text))
    return counts.most_common(1)[0][0] if counts else None


def guess_metric(text: str) -> str | None:
    """The metric catalogue's metric named in the text (longest alias wins)."""
    from claimtracker.metric_catalog import load_catalog

    return load_catalog().find(text)


@dataclass
class ArticleContext:
    """What the drafter knows about the whole article."""

    sentences: list[Sentence]
    mentions: list[list[CompanyMention]]  # per sentence
    language: str
    date: ArticleDate
    given: tuple[str, ...] = ()
    con: Any = None
    book: CompanyBook | None = None
    tickers: list[str] = field(default_factory=list)  # every company named, in order
    #: Check-worthy sentences left out because their company cannot be told: (line, text).
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: per sentence, its company mentions outside asides and examples (claims/asides.py)
    main_mentions: list[list[CompanyMention]] = field(default_factory=list)

    def main_company(self) -> str | None:
        """The company named in at least twice as many sentences as any other, if one is."""
        named = Counter(t for i in range(len(self.mentions))
                        for t in _distinct(_outside_asides(self, i)))
        ranked = named.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    def fye(self, ticker: str) -> str | None:
        if self.con is not None:
            try:
                row = self.con.execute("SELECT fiscal_year_end FROM companies "
                                       "WHERE upper(ticker) = ? LIMIT 1", [ticker]).fetchone()
                if row and row[0]:
                    return str(row[0])
            except Exception:  # no companies table: the data file's fiscal year end
                pass
        return self.book.fye(ticker) if self.book else None


def _distinct(mentions: Sequence[CompanyMention]) -> list[str]:
    return list(dict.fromkeys(m.ticker for m in mentions))




def _outside_asides(ctx: ArticleContext, index: int) -> list[CompanyMention]:
    """The sentence's company mentions outside its asides and examples (claims/asides.py)."""
    return ctx.main_mentions[index] if ctx.main_mentions else ctx.mentions[index]


def _subject_first(ctx: ArticleContext, index: int) -> list[CompanyMention]:
    """The sentence's company mentions outside its asides (aside_spans), the grammatical
    subject first: in Korean the one marked by a topic/subject particle or 도 ("A의 칩을
    만드는 B는 ...", "A를 의식한 듯 B도 ...": B)."""
    mentions = _outside_asides(ctx, index)
    if ctx.language != "ko":
        return mentions
    return korean_subject_first(ctx.sentences[index].text, mentions)




def sentence_subjects(ctx: ArticleContext, index: int) -> list[str]:
    """The companies a sentence is about: its first named company, plus the ones coordinated
    with it ("Microsoft and Meta", "엔비디아/MS/메타"); [] when it names none."""
    mentions = _subject_first(ctx, index)
    if not mentions:
        return []
    if mentions[0] is not next(iter(ctx.mentions[index]), None):
        return [mentions[0].ticker]  # a subject other than the first name: not coordinated
    text = ctx.sentences[index].text
    subjects = [mentions[0].ticker]
    previous = mentions[0]
    for mention in mentions[1:]:
        if mention.ticker == previous.ticker and mention.start - previous.end <= 3:
            previous = mention  # "Meta Platforms (NASDAQ: META)": one mention
            continue
        if not load_grammar().coordinated.match(text[previous.end:mention.start]):
            break
        if mention.ticker not in subjects:
            subjects.append(mention.ticker)
        previous = mention
    return subjects


def claim_ticker(ctx: ArticleContext, index: int) -> tuple[str | None, str]:
    """(ticker, how it was found) for sentence `index`; None when it cannot be told.

    A sentence naming no company speaks of the company its paragraph named most so far (a
    unique leader), else of the company the article is about (named in at least twice as many
    sentences as any other: an aside naming another company does not change the subject),
    else of the nearest sentence before it that names exactly one company (a list of several
    is a comparison set, not a subject), else of the article's only company, else of the one
    --ticker.
    """
    own = _distinct(_subject_first(ctx, index))
    if own:
        return own[0], "named in the sentence"
    block = ctx.sentences[index].block
    counts: Counter[str] = Counter()
    for back in range(index - 1, -1, -1):
        if ctx.sentences[back].block != block:
            break
        counts.update(_distinct(_outside_asides(ctx, back)))
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0], "named most in its paragraph"
    leader = ctx.main_company()
    if leader:  # an aside ("reminds me of Intel in 2000") does not change the subject
        return leader, "the company the article is about (named in most sentences)"
    for back in range(index - 1, -1, -1):
        named = _distinct(_outside_asides(ctx, back))
        if len(named) == 1:
            return named[0], f"named on line {ctx.sentences[back].line}"
    if len(ctx.tickers) == 1:
        return ctx.tickers[0], "the article's only company"
    if len(ctx.given) == 1:
        return ctx.given[0], "--ticker"
    return None, "ambiguous"


def claim_compare(ctx: ArticleContext, index: int, ticker: str,
                  rules: ExtractionRules) -> dict[str, Any] | None:
    """`{with, expect, basis}` for "X grows faster than Y", "Y보다", "than peers"."""
    text = ctx.sentences[index].text
    others = [t for t in _distinct(ctx.mentions[index]) if t != ticker]
    higher = bool(find_cues(text, rules.compare["higher"]))
    lower = bool(find_cues(text, rules.compare["lower"]))
    if not others and find_cues(text, rules.compare["peers"]) and (higher or lower):
        others = [t for t in ctx.tickers if t != ticker]
    if not others or not (higher or lower):
        return None
    falling = bool(find_cues(text, rules.compare["falling"]))
    basis = "yoy" if falling or find_cues(text, rules.compare["growth"]) else "value"
    expect = "lower" if lower and not higher else "higher"
    if falling and higher and not lower:  # falls faster: its change is the lower one
        expect = "lower"
    return {"with": others, "expect": expect, "basis": basis}


def _topics(mapper: Any, ctx: ArticleContext, chosen: list[int]) -> dict[int, list]:
    if mapper is None or not chosen:
        return {}
    if mapper == AUTO:
        from claims.topic_map import TopicMapper

        mapper = TopicMapper()
    texts = [s.text for s in ctx.sentences]
    # Scores are standardised over the whole article; a short article has too few sentences
    # for that, so it keeps only the topics whose own terms the sentence contains.
    z_min = None if len(texts) >= MIN_SENTENCES_FOR_Z else 99.0
    mapped = mapper.map(texts) if z_min is None else mapper.map(texts, z_min=z_min)
    return {i: [(t.topic, t.z) for t in mapped[i]] for i in chosen}


def build_context(text: str, *, tickers: Sequence[str] = (), date: dt.date | None = None,
                  con: Any = None, rules: ExtractionRules | None = None,
                  today: dt.date | None = None, nlp: Any = None, progress: bool = False,
                  sentences: list[Sentence] | None = None) -> ArticleContext:
    """What the drafter knows about the article; `progress` shows a bar on stderr (a TTY
    only) over the per-sentence company resolution, the slow part (spaCy, ~25 ms a sentence).
    `sentences` are the text's, when the caller has split it already."""
    from claims.companies import ensure_listing

    rules = rules or load_extraction_rules()
    ensure_listing()
    book = load_company_book()
    language = detect_language(text)
    sentences = split_sentences(text) if sentences is None else sentences
    mentions = [resolve_companies(s.text, con, language=language, book=book, nlp=nlp)
                for s in _bar(sentences, "reading sentences", "sentence", progress)]
    given = _given_tickers(tickers, con)
    named = list(dict.fromkeys(m.ticker for ms in mentions for m in ms))
    _check_unknown(mentions, con, book, sentences)
    main = [outside_asides(s.text, ms, aside_spans(s.text, nlp)
                           if nlp is not None and language == "en" else []) if ms else []
            for s, ms in zip(sentences, mentions, strict=True)]
    return ArticleContext(sentences, mentions, language, article_date(text, rules, date, today),
                          given, con, book, named, main_mentions=main)


def _given_tickers(tickers: Sequence[str], con: Any) -> tuple[str, ...]:
    """--ticker values, checked and made canonical (GOOG and GOOGL are one company)."""
    from claims.companies import canonical
    from claims.ledger import PLACEHOLDERS

    out = []
    for raw in tickers:
        ticker = raw.strip().upper()
        if ticker in PLACEHOLDERS or not re.fullmatch(r"[A-Z][A-Z0-9.\-]{0,9}", ticker):
            raise InputError(f"--ticker {raw!r} is not a ticker; write the company's ticker, "
                             "e.g. --ticker NVDA.")
        out.append(canonical(con, ticker))
    return tuple(dict.fromkeys(out))


def _check_unknown(mentions: list[list[CompanyMention]], con: Any, book: CompanyBook,
                   sentences: list[Sentence]) -> None:
    from claims.companies import known_ticker

    for sentence, found in zip(sentences, mentions, strict=True):
        for mention in found:
            if mention.source == "ticker" and not known_ticker(mention.ticker, con, book):
                raise InputError(
                    f"line {sentence.line}: {mention.text!r} names ticker {mention.ticker}, which "
                    "is neither in EDGAR's company list nor in data/companies.yaml; add the "
                    "company to data/companies.yaml (ticker, cik, names) or run `claimtracker "
                    "ingest --ticker` so the companies table knows it.")


def propose_claims(sentences: list[Sentence] | None = None, *, text: str | None = None,
                   mapper: Any = None, min_score: float | None = None,
                   tickers: Sequence[str] = (), date: dt.date | None = None, con: Any = None,
                   nlp: Any = None, strict: bool = False,
                   ctx: ArticleContext | None = None,
                   progress: bool = False) -> list[dict[str, Any]]:
    """Draft claim dicts (ledger keys, plus `line`, `worthiness`, `topic_scores`, `why`).

    Give the article `text` (better: paragraphs are kept) or its `sentences` (joined back,
    one paragraph each), or a built `ctx`. `strict` raises InputError for
    a claim whose company cannot be told; otherwise such a claim goes without a ticker.
    """
    rules = load_extraction_rules()
    if ctx is None:
        body = text if text is not None else "\n\n".join(s.text for s in sentences or [])
        ctx = build_context(body, tickers=tickers, date=date, con=con, rules=rules, nlp=nlp)
    threshold = rules.threshold if min_score is None else min_score
    scored: list[tuple[int, Worthiness]] = []
    for i, sentence in enumerate(_bar(ctx.sentences, "finding claims", "sentence", progress)):
        spans = [(m.start, m.end) for m in ctx.mentions[i]]
        tickers_here = [m.ticker for m in ctx.mentions[i]]
        worth = check_worthiness(sentence, rules=rules, companies=tickers_here,
                                 company_spans=spans)
        borderline = threshold <= worth.score < threshold - rules.weights["vague_subject"]
        if nlp is not None and ctx.language == "en" and borderline and \
                vague_subject(sentence.text, nlp, spans, rules):
            worth = check_worthiness(sentence, rules=rules, vague=True,
                                     companies=tickers_here, company_spans=spans)
        if worth.score >= threshold and not sentence.heading:
            scored.append((i, worth))
    if strict:
        unclear = _unclear(ctx, [i for i, _ in scored])
        ctx.skipped = [(ctx.sentences[i].line, ctx.sentences[i].text) for i in unclear]
        scored = [(i, w) for i, w in scored if i not in unclear]
    topic_scores = _topics(mapper, ctx, [i for i, _ in scored])
    used: set[str] = set()
    drafts = []
    for i, worth in _bar(scored, "drafting claims", "claim", progress):
        subjects = sentence_subjects(ctx, i)
        if len(subjects) < 2 or claim_compare(ctx, i, subjects[0], rules):
            subjects = [None]  # one claim: its ticker from claim_ticker
        for subject in subjects:
            drafts.append(_draft(ctx, i, worth, rules, topic_scores.get(i, []), used, nlp,
                                 subject))
    return drafts


def _bar(items: Sequence[T], desc: str, unit: str, progress: bool) -> Iterable[T]:
    """`items`, with a tqdm bar on stderr when asked and stderr is a terminal."""
    if not progress or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit, file=sys.stderr, leave=False)


def _unclear(ctx: ArticleContext, chosen: list[int]) -> list[int]:
    """The claim sentences whose company cannot be told. Left out of the draft (and named in
    it) when others can be placed; when none can, one InputError names them and the fix."""
    unclear = [i for i in chosen if claim_ticker(ctx, i)[0] is None]
    if unclear and len(unclear) == len(chosen):
        _refuse_ambiguous(ctx, unclear)
    return unclear


def _refuse_ambiguous(ctx: ArticleContext, chosen: list[int]) -> None:
    """One InputError naming every claim sentence whose company cannot be told."""
    unknown = [ctx.sentences[i] for i in chosen]
    listed = "; ".join(f"line {s.line}: {s.text[:80]!r}" for s in unknown[:5])
    more = f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
    raise InputError(
        f"cannot tell which company {len(unknown)} claim(s) are about: {listed}{more}. The "
        f"article names {', '.join(ctx.tickers) or 'no company'} and none of these sentences "
        "(nor one before them) names exactly one; pass the company with --ticker T, or add "
        "its names (English, Korean) to data/companies.yaml.")


def _draft(ctx: ArticleContext, i: int, worth: Worthiness, rules: ExtractionRules,
           topics: list, used: set[str], nlp: Any, subject: str | None) -> dict[str, Any]:
    sentence = ctx.sentences[i]
    ticker, how = (subject, "named with others") if subject else claim_ticker(ctx, i)
    parse = nlp if ctx.language == "en" else None
    metric = pick_metric(sentence.text, mentions=ctx.mentions[i], rules=rules, nlp=parse)
    terms = claim_terms(sentence.text, language=ctx.language, mentions=ctx.mentions[i],
                        rules=rules, metric=metric, nlp=parse, ticker=ticker)
    fye = ctx.fye(ticker) if ticker else None
    parsed = main_clause_horizon(sentence.text, rules, parse) if parse is not None else None
    quarter = claim_quarter(sentence.text, ctx.date.date, rules, fiscal_year_end=fye,
                            forecast=None if parsed is None else parsed == "forecast",
                            reported=lambda q: quarter_reported(ctx.con, ticker, q,
                                                                ctx.date.date))
    horizon = horizon_of(sentence.text, ctx.date.date, quarter, rules, fiscal_year_end=fye,
                         parsed=parsed)
    if horizon == "past" and quarter and quarter > str(last_quarter(ctx.date.date, fye)):
        quarter = str(last_quarter(ctx.date.date, fye))  # done already: the quarter reported
    compare = claim_compare(ctx, i, ticker, rules) if ticker else None
    named = [f.alias for f in found_metrics(sentence.text) if f.metric == metric]
    focus = named[0] if named else (terms[0] if terms else None)  # what rises or falls
    direction = guess_direction(sentence.text, rules, ctx.language, nlp=parse, subject=focus)
    if compare:
        direction = "up" if compare["expect"] == "higher" else "down"
    draft: dict[str, Any] = {
        "id": slug_from_terms([*([ticker] if subject else []), *terms],
                              metric or f"{ticker or 'claim'}-line-{sentence.line}", used),
        "quote": sentence.text,
        "statement": sentence.text,  # an English gist is optional: the quote is the default
        **({"ticker": ticker} if ticker else {}),
        "terms": list(terms),
        **({"metric": metric} if metric else {}),
        "kind": "both" if metric else "narrative",
        "direction": direction,
        "horizon": horizon,
        **({"quarter": quarter} if quarter else {}),
        **({"compare": compare} if compare else {}),
        "topics": [t for t, _ in topics],
        "line": sentence.line,
        "worthiness": worth,
        "topic_scores": topics,
        "why": f"check-worthiness {worth.score:g} ({', '.join(worth.reasons)}); "
               f"company {ticker or '?'} ({how})",
    }
    return draft
