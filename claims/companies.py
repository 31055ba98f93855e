"""Which companies does an article name, and where? (`claims extract` / `claims add`)

An article names companies as "Name (TICKER)", "(NASDAQ: TICKER)", by English name
(NVIDIA, Google), by the Korean names investors write (엔비디아, 구글) or by a segment
that stands for its company (AWS, Azure). Names come from data/companies.yaml (aliases, Korean
names, products) and from EDGAR's company_tickers.json titles ("NVIDIA CORP" -> "NVIDIA"),
plus the `companies` table when a DB is given (claims.company_titles reads both). Titles that
are ordinary words (Target, Block) would fire on every other sentence, so a one-word title
counts only when it looks like a name (CamelCase, a possessive, spaCy's ORG) and never when it
is in the stoplist. A name used for a thing ("every new Tesla") names no company.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from claims.company_titles import db_titles, edgar_titles, listing_files
from claims.company_titles import ensure_listing as ensure_listing
from claims.company_titles import normalise_title as normalise_title
from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_yaml

DEFAULT_COMPANIES = REPO_DATA_DIR / "companies.yaml"
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: "Name (TICKER)", "(NASDAQ: TICKER)", "(Name, TICKER)", "$TICKER".
_PAREN = re.compile(r"[(（]\s*(?:(NASDAQ|NYSE|NYSEARCA|AMEX|OTC)\s*[:：]\s*)?"
                    r"(?:[^()（）,]{1,40},\s*)?\$?([A-Z][A-Z0-9.\-]{0,5})\s*[)）]")
_CASHTAG = re.compile(r"(?<![A-Za-z0-9])\$([A-Z]{1,5})(?![A-Za-z0-9])")
_CAP_WORD = re.compile(r"[A-Z0-9][A-Za-z0-9&.\-']*")


@dataclass(frozen=True)
class Company:
    ticker: str
    cik: int | None
    fye: str | None
    tickers: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    #: (Hangul spelling, English name) of products: a Korean claim about 애저 searches Azure
    product_en: tuple[tuple[str, str], ...] = ()

    def english_product(self, name: str) -> str | None:
        """The English name of a product written in Hangul (애저 -> Azure), else None."""
        return next((en for ko, en in self.product_en if ko == name), None)


@dataclass(frozen=True)
class CompanyMention:
    """A company named at text[start:end]; `source` says how it was recognised."""

    ticker: str
    text: str
    start: int
    end: int
    source: str  # alias | product | ticker | edgar | db
    cik: int | None = None


@dataclass(frozen=True)
class CompanyBook:
    companies: dict[str, Company]
    stoplist: frozenset[str]
    ko_exclude: tuple[str, ...]
    acronyms: frozenset[str]
    path: Path
    by_ticker: dict[str, Company] = field(default_factory=dict)
    #: words before an English name that make it a thing bought or built ("every new Tesla")
    product_determiners: frozenset[str] = frozenset()
    product_modifiers: frozenset[str] = frozenset()

    def company(self, ticker: str) -> Company | None:
        return self.by_ticker.get(ticker.upper())

    def fye(self, ticker: str) -> str | None:
        company = self.company(ticker)
        return company.fye if company else None


def _fail(path: Path, line: Any, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _names(path: Path, raw: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise _fail(path, raw[LINE], f"{what}: `{key}` must be a list of names.")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _company(path: Path, raw: Any, index: int) -> Company:
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"company #{index + 1} must be a mapping {{ticker, cik, en, ko}}.")
    ticker = str(raw.get("ticker") or "").strip().upper()
    if not _TICKER.match(ticker):
        raise _fail(path, raw[LINE], f"company #{index + 1}: `ticker: {ticker}` is not a ticker "
                                     "like AMZN.")
    unknown = sorted(str(k) for k in raw
                     if k != LINE and k not in {"ticker", "cik", "fye", "tickers", "en", "ko",
                                                "products", "product_en"})
    if unknown:
        raise _fail(path, raw[LINE], f"company {ticker}: unknown key(s) {unknown}.")
    cik = raw.get("cik")
    if cik is not None and not isinstance(cik, int):
        raise _fail(path, raw[LINE], f"company {ticker}: `cik` must be a number.")
    fye = raw.get("fye")
    if fye is not None and not re.fullmatch(r"(0[1-9]|1[0-2])[0-3]\d", str(fye)):
        raise _fail(path, raw[LINE], f"company {ticker}: `fye: {fye}` must be MMDD, quoted "
                                     "(e.g. \"1231\").")
    products = _names(path, raw, "products", ticker)
    return Company(ticker, cik, str(fye) if fye else None,
                   tuple(t.upper() for t in _names(path, raw, "tickers", ticker)),
                   _names(path, raw, "en", ticker), _names(path, raw, "ko", ticker),
                   products, _product_en(path, raw, ticker, products))


def _product_en(path: Path, raw: Any, ticker: str,
                products: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`product_en: {애저: Azure}`: each key one of the company's products, each value its
    English name."""
    value = raw.get("product_en") or {}
    if not isinstance(value, dict):
        raise _fail(path, raw[LINE], f"company {ticker}: `product_en` must map a Hangul "
                                     "product name to its English name ({애저: Azure}).")
    pairs = []
    for ko, en in value.items():
        if ko == LINE:
            continue
        if str(ko) not in products or not isinstance(en, str) or not en.strip():
            raise _fail(path, raw[LINE], f"company {ticker}: `product_en: {{{ko}: {en}}}` needs "
                                         f"{ko} in `products` and an English name.")
        pairs.append((str(ko), en.strip()))
    return tuple(pairs)


@lru_cache(maxsize=4)
def _load_book(path: Path, mtime_ns: int) -> CompanyBook:
    data = load_yaml(path.read_bytes(), path)
    if not isinstance(data, dict) or not isinstance(data.get("companies"), list):
        raise _fail(path, 1, "expected `companies:` (a list) with `stoplist:` and `ko_exclude:`.")
    companies = [_company(path, raw, i) for i, raw in enumerate(data["companies"])]
    book: dict[str, Company] = {}
    by_ticker: dict[str, Company] = {}
    for company in companies:
        if company.ticker in book:
            raise _fail(path, "?", f"company {company.ticker} is listed twice.")
        book[company.ticker] = company
        for ticker in (company.ticker, *company.tickers):
            by_ticker[ticker] = company
    return CompanyBook(
        companies=book,
        stoplist=frozenset(s.casefold() for s in _names(path, data, "stoplist", "stoplist")),
        ko_exclude=_names(path, data, "ko_exclude", "ko_exclude"),
        acronyms=frozenset(a.upper() for a in _names(path, data, "acronyms", "acronyms")),
        path=path, by_ticker=by_ticker,
        product_determiners=frozenset(d.casefold() for d in _names(
            path, data, "product_determiners", "product_determiners")),
        product_modifiers=frozenset(d.casefold() for d in _names(
            path, data, "product_modifiers", "product_modifiers")))


def load_company_book(path: str | Path | None = None) -> CompanyBook:
    """data/companies.yaml, validated (ConfigError with file:line), cached per version."""
    file = Path(path) if path else DEFAULT_COMPANIES
    try:
        mtime = file.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"cannot read the company list {file}: {exc.strerror}; restore "
                          "data/companies.yaml.") from exc
    return _load_book(file, mtime)


def canonical(con: Any, ticker: str) -> str:
    """One ticker per company (claimtracker.tickers: GOOG/GOOGL -> one)."""
    from claimtracker.tickers import canonical_ticker

    return canonical_ticker(con, ticker)


def _word_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")


def _alias_mentions(text: str, book: CompanyBook, korean: bool,
                    modifiers: frozenset[int] = frozenset()) -> list[CompanyMention]:
    found = []
    excluded = [m.span() for ex in book.ko_exclude for m in re.finditer(re.escape(ex), text)]
    for company in book.companies.values():
        names = [(n, "alias") for n in company.en] + [(n, "product") for n in company.products]
        if korean:
            names += [(n, "alias") for n in company.ko]
        for name, source in names:
            if _HANGUL.search(name):
                spans = [m.span() for m in re.finditer(re.escape(name), text)]
                spans = [(a, b) for a, b in spans
                         if not any(x <= a and b <= y for x, y in excluded)]
            else:
                spans = [m.span() for m in _word_re(name).finditer(text)]
                if source == "alias":
                    spans = [(a, b) for a, b in spans
                             if not _as_product(text, a, b, book, modifiers)]
            found += [CompanyMention(company.ticker, text[a:b], a, b, source, company.cik)
                      for a, b in spans]
    return found


def _as_product(text: str, start: int, end: int, book: CompanyBook,
                modifiers: frozenset[int]) -> bool:
    """The name is a thing, not the company: a determiner right before it, or with one of
    the modifiers between ("every new Tesla leaves the factory", "a used Tesla"). A
    possessive ("a Tesla's") or a name the parse puts before a noun ("an Nvidia chip";
    `modifiers` holds such names' ends) stays the company."""
    if text[end:end + 2] in ("'s", "\u2019s") or end in modifiers:
        return False
    words = [w.casefold() for w in re.findall(r"[A-Za-z]+", text[max(0, start - 24):start])]
    if words and words[-1] in book.product_modifiers:
        words.pop()
    return bool(words) and words[-1] in book.product_determiners


def _ticker_mentions(text: str, book: CompanyBook, listed: frozenset[str],
                     ) -> list[CompanyMention]:
    found = []
    for match in _PAREN.finditer(text):
        exchange, ticker = match.group(1), match.group(2)
        known = ticker in book.by_ticker or (ticker in listed and ticker not in book.acronyms)
        if exchange or known:
            company = book.by_ticker.get(ticker)
            found.append(CompanyMention(company.ticker if company else ticker, match.group(0),
                                        match.start(), match.end(), "ticker",
                                        company.cik if company else None))
    for match in _CASHTAG.finditer(text):
        ticker = match.group(1)
        if ticker in listed or ticker in book.by_ticker:
            company = book.by_ticker.get(ticker)
            found.append(CompanyMention(company.ticker if company else ticker, match.group(0),
                                        match.start(), match.end(), "ticker"))
    return found


def _title_mentions(text: str, book: CompanyBook, titles: dict[str, tuple[str, int]],
                    source: str, org_spans: list[tuple[int, int]]) -> list[CompanyMention]:
    words = list(_CAP_WORD.finditer(text))
    found = []
    for i in range(len(words)):
        for n in (4, 3, 2, 1):
            group = words[i:i + n]
            if len(group) < n or any(text[a.end():b.start()] not in (" ", "-")
                                     for a, b in itertools.pairwise(group)):
                continue
            start, end = group[0].start(), group[-1].end()
            phrase = text[start:end].rstrip(".'").removesuffix("'s")
            key = phrase.casefold()
            if key not in titles or key in book.stoplist or len(phrase) < 3:
                continue
            if n == 1 and source == "edgar" and not _name_like(text, phrase, start, org_spans):
                continue
            ticker, cik = titles[key]
            found.append(CompanyMention(ticker, phrase, start, start + len(phrase), source, cik))
            break
    return found


def _name_like(text: str, word: str, start: int, org_spans: list[tuple[int, int]]) -> bool:
    """A one-word title counts when it is written as a name, not as an ordinary word."""
    camel = bool(re.search(r"[a-z][A-Z]|\d", word)) or (word.isupper() and len(word) >= 3)
    after = text[start + len(word):start + len(word) + 2]
    possessive = after in ("'s", "’s")
    org = any(a <= start < b for a, b in org_spans)
    return camel or possessive or org


def _parsed(text: str, nlp: Any) -> tuple[list[tuple[int, int]], frozenset[int]]:
    """spaCy's ORG spans, and the end offsets of words that modify a later noun ("an Nvidia
    chip"); nothing without a pipeline."""
    if nlp is None:
        return [], frozenset()
    doc = nlp(text)
    orgs = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORG"]
    modifiers = frozenset(t.idx + len(t.text) for t in doc
                          if t.dep_ in ("compound", "amod", "nmod") and t.head.i > t.i)
    return orgs, modifiers


def resolve_companies(text: str, con: Any = None, *, language: str | None = None,
                      book: CompanyBook | None = None, nlp: Any = None,
                      ) -> list[CompanyMention]:
    """Every company mention in `text`, in order, non-overlapping (longest first wins).

    `con` (a DuckDB connection) adds the companies table's names and makes tickers
    canonical the way the DB stores them; `nlp` (spaCy) lets one-word EDGAR titles count
    when tagged ORG. `language` "ko" also enables the Korean names.
    """
    book = book or load_company_book()
    korean = language == "ko" if language else bool(_HANGUL.search(text))
    titles, listed = edgar_titles(tuple(listing_files()))
    orgs, modifiers = _parsed(text, nlp)
    candidates = _alias_mentions(text, book, korean, modifiers)
    candidates += _ticker_mentions(text, book, listed)
    candidates += _title_mentions(text, book, db_titles(con), "db", [])
    candidates += _title_mentions(text, book, titles, "edgar", orgs)
    rank = {"ticker": 0, "alias": 1, "product": 2, "db": 3, "edgar": 4}
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start), rank[m.source]))
    chosen: list[CompanyMention] = []
    for mention in candidates:
        if chosen and mention.start < chosen[-1].end:
            continue
        chosen.append(mention)
    return [CompanyMention(_canonical_cached(con, m.ticker), m.text, m.start, m.end, m.source,
                           m.cik) for m in chosen]


def _canonical_cached(con: Any, ticker: str) -> str:
    if con is None:
        return _canonical_no_db(ticker)
    return canonical(con, ticker)


@lru_cache(maxsize=512)
def _canonical_no_db(ticker: str) -> str:
    return canonical(None, ticker)


def known_ticker(ticker: str, con: Any = None, book: CompanyBook | None = None) -> bool:
    """Is `ticker` a company we know (data file, EDGAR's list or the companies table)?"""
    book = book or load_company_book()
    key = ticker.upper()
    if key in book.by_ticker or key in edgar_titles(tuple(listing_files()))[1]:
        return True
    if con is not None:
        try:
            return bool(con.execute("SELECT 1 FROM companies WHERE upper(ticker) = ?",
                                    [key]).fetchone())
        except Exception:  # no companies table yet
            return False
    return False
