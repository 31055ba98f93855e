"""Claim ledgers (data/claims/<article>.yaml): load and validate, with file:line errors.

A ledger is written by hand (or drafted by `claims extract` and edited), so every mistake is
reported as a ConfigError naming the file, the line and what to write instead; the scorer only
ever sees validated `Claim`s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE as _LINE
from claimtracker.yaml_lines import load_yaml

from .ledger_fields import (  # noqa: F401  (re-exported: PLACEHOLDERS, DIRECTIONS)
    DIRECTIONS,
    PLACEHOLDERS,
    _article_tickers,
    _choice,
    _compare,
    _cues,
    _fail,
    _flag,
    _not_placeholder,
    _quarter,
    _terms,
    _text,
    _ticker,
    _unknown_keys,
)

DEFAULT_LEDGER_DIR = REPO_DATA_DIR / "claims"
KINDS = ("narrative", "metric", "both")
HORIZONS = ("past", "forecast")
LANGUAGES = ("ko", "en")

_CLAIM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ARTICLE_KEYS = {"title", "source", "file", "language", "date", "ticker", "tickers",
                 "date_source"}
_CLAIM_KEYS = {"id", "quote", "statement", "topics", "kind", "metric", "direction", "horizon",
               "cues", "ticker", "mentions_support", "terms", "quarter", "compare"}


def metric_ids() -> tuple[str, ...]:
    """Metric ids a claim may name: the metric catalogue's (data/metrics.yaml)."""
    from claimtracker.metric_catalog import load_catalog

    return tuple(load_catalog().ids())


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    source: str
    language: str
    date: dt.date
    ticker: str
    file: str | None = None
    #: Every company the article names (claims may speak of any of them).
    tickers: tuple[str, ...] = ()
    #: Where the date came from: text, flag, file or today (said out loud by the drafter).
    date_source: str | None = None


@dataclass(frozen=True)
class Claim:
    """One checkable claim; `cues` maps a phrase to the direction of it that supports the claim.

    `terms` are the claim's own key phrases (products, segments, metrics, places) for retrieval
    and stance; `quarter` is the fiscal quarter it speaks of ("2025Q3"); `compare` holds
    `{with: [TICKER...], expect: higher|lower, basis: value|yoy}` for comparative claims.
    `statement` defaults to the quote and `topics` may be empty (a recall hint only).
    """

    claim_id: str
    quote: str
    statement: str = ""
    topics: tuple[str, ...] = ()
    kind: str = "narrative"
    direction: str = "up"
    horizon: str = "past"
    metric: str | None = None
    cues: dict[str, str] = field(default_factory=dict)
    ticker: str | None = None
    mentions_support: bool = False
    line: int = 0
    terms: tuple[str, ...] = ()
    quarter: str | None = None
    compare: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.statement:
            object.__setattr__(self, "statement", self.quote)

    def spec_json(self) -> str:
        """The claim as canonical JSON: stored in `claims.spec` and hashed for rescoring.

        The optional fields appear only when set, so a ledger that does not use them keeps
        the spec (and the stored scores' hashes) it had before they existed.
        """
        data = asdict(self)
        data.pop("line")
        data["topics"] = list(self.topics)
        for key, empty in (("terms", ()), ("quarter", None), ("compare", None)):
            if data[key] in (empty, [], None):
                data.pop(key)
        if "terms" in data:
            data["terms"] = list(self.terms)
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Ledger:
    article: Article
    claims: tuple[Claim, ...]
    path: Path
    digest: str

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.claim_id == claim_id:
                return claim
        raise KeyError(claim_id)


def _article(path: Path, raw: Any) -> Article:
    if not isinstance(raw, dict):
        raise _fail(path, 1, "expected `article:` with title, source, language, date, ticker.")
    _unknown_keys(path, raw, _ARTICLE_KEYS, "article")
    date = raw.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError as exc:
            raise _fail(path, raw[_LINE], f"article: date {date!r} is not YYYY-MM-DD.") from exc
    if not isinstance(date, dt.date):
        raise _fail(path, raw[_LINE], "article has no `date`; write e.g. `date: 2025-11-30`.")
    ticker = _ticker(path, raw, "article", required=False) or ""
    return Article(
        article_id=path.stem,
        title=_text(path, raw, "title", "article"),
        source=_text(path, raw, "source", "article"),
        language=_choice(path, raw, "language", "article", LANGUAGES),
        date=date,
        ticker=ticker,
        file=_text(path, raw, "file", "article", required=False) or None,
        tickers=_article_tickers(path, raw),
        date_source=_text(path, raw, "date_source", "article", required=False) or None,
    )



def _claim(path: Path, raw: Any, index: int, topic_ids: set[str] | None) -> Claim:
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"claim #{index + 1} is not a mapping of id, quote, statement, ...")
    line = raw[_LINE]
    claim_id = _text(path, raw, "id", f"claim #{index + 1}")
    what = f"claim {claim_id}"
    if not _CLAIM_ID.match(claim_id):
        raise _fail(path, line, f"{what}: id must be lower-case words joined by dashes.")
    _unknown_keys(path, raw, _CLAIM_KEYS, what)
    topics = raw.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise _fail(path, line, f"{what}: `topics` must be a list of topic ids (may be empty).")
    if topic_ids is not None:
        unknown = [t for t in topics if t not in topic_ids]
        if unknown:
            raise _fail(path, line, f"{what}: unknown topic(s) {unknown}; "
                                    f"known in data/topics.yaml: {sorted(topic_ids)}.")
    kind = _choice(path, raw, "kind", what, KINDS)
    metric = _text(path, raw, "metric", what, required=False) or None
    metrics = metric_ids()
    if kind in ("metric", "both") and metric is None:
        raise _fail(path, line, f"{what}: kind {kind} needs `metric:` ({', '.join(metrics)}).")
    if metric is not None and metric not in metrics:
        raise _fail(path, line, f"{what}: metric {metric!r} is not one of {', '.join(metrics)}.")
    if kind == "narrative" and metric is not None:
        raise _fail(path, line, f"{what}: a narrative claim has no metric; use kind: both.")
    ticker = _ticker(path, raw, what, required=False)
    quote = _not_placeholder(path, raw, "quote", what, _text(path, raw, "quote", what))
    statement = _text(path, raw, "statement", what, required=False) or quote
    return Claim(
        claim_id=claim_id,
        quote=quote,
        statement=_not_placeholder(path, raw, "statement", what, statement),
        topics=tuple(topics),
        kind=kind,
        direction=_choice(path, raw, "direction", what, DIRECTIONS),
        horizon=_choice(path, raw, "horizon", what, HORIZONS),
        metric=metric,
        cues=_cues(path, raw, what),
        ticker=ticker,
        mentions_support=_flag(path, raw, "mentions_support", what),
        line=line,
        terms=_terms(path, raw, what),
        quarter=_quarter(path, raw, what),
        compare=_compare(path, raw, what),
    )


def known_topic_ids() -> set[str]:
    """Topic ids of the taxonomy the NLP stage tags with (data/topics.yaml)."""
    from nlp.taxonomy import load_taxonomy

    return set(load_taxonomy().ids())


def load_ledger(path: str | Path, *, topic_ids: set[str] | None = None) -> Ledger:
    """Read and validate one ledger; topic ids are checked against data/topics.yaml."""
    file = Path(path)
    try:
        raw_bytes = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the claim ledger {file}: {exc.strerror}; "
                          "check the path (ledgers live in data/claims/).") from exc
    return parse_ledger(raw_bytes, file, topic_ids=topic_ids)


def parse_ledger(raw_bytes: bytes, file: Path, *, topic_ids: set[str] | None = None) -> Ledger:
    """Validate a ledger's text as if it were `file` (errors name file:line): what a writer
    checks before it replaces a file, with no temporary copy on disk."""
    data = load_yaml(raw_bytes, file)
    if not isinstance(data, dict):
        raise _fail(file, 1, "expected a mapping with `article:` and `claims:`.")
    article = _article(file, data.get("article"))
    raw_claims = data.get("claims")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise _fail(file, data.get(_LINE, 1), "expected `claims:` with at least one claim.")
    ids = known_topic_ids() if topic_ids is None else topic_ids
    claims = tuple(_claim(file, raw, i, ids) for i, raw in enumerate(raw_claims))
    if not article.ticker:
        missing = [c for c in claims if not c.ticker]
        if missing:
            raise _fail(file, missing[0].line,
                        f"claim {missing[0].claim_id} has no `ticker` and the article has none; "
                        "add `ticker: AMZN` to the claim or to `article:`.")
        article = replace(article, ticker=claims[0].ticker or "")
    seen: dict[str, int] = {}
    for claim in claims:
        if claim.claim_id in seen:
            raise _fail(file, claim.line, f"claim id {claim.claim_id!r} is already used on line "
                                          f"{seen[claim.claim_id]}; ids must be unique.")
        seen[claim.claim_id] = claim.line
    return Ledger(article=article, claims=claims, path=file,
                  digest=hashlib.sha256(raw_bytes).hexdigest())


def ledger_paths(paths: list[Path] | None = None) -> list[Path]:
    """The given ledgers, else every data/claims/*.yaml."""
    if paths:
        return [Path(p) for p in paths]
    found = sorted(DEFAULT_LEDGER_DIR.glob("*.yaml"))
    if not found:
        raise ConfigError(f"no claim ledgers in {DEFAULT_LEDGER_DIR}; write one or pass --claims.")
    return found


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def missing_quotes(ledger: Ledger, article_text: str) -> list[str]:
    """Ids of claims whose quote is not verbatim in the article (line breaks count as spaces)."""
    body = normalise_space(article_text)
    return [c.claim_id for c in ledger.claims if normalise_space(c.quote) not in body]
