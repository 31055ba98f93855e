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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE as _LINE
from claimtracker.yaml_lines import load_yaml

DEFAULT_LEDGER_DIR = REPO_DATA_DIR / "claims"
KINDS = ("narrative", "metric", "both")
DIRECTIONS = ("up", "down", "flat")
HORIZONS = ("past", "forecast")
#: Metrics read from the facts table, and the ones derived from them (claims.metrics).
FACT_METRICS = ("revenue", "operating_income", "net_income", "capex", "employees")
DERIVED_METRICS = ("operating_margin", "operating_leverage")
METRICS = FACT_METRICS + DERIVED_METRICS
LANGUAGES = ("ko", "en")

_CLAIM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ARTICLE_KEYS = {"title", "source", "file", "language", "date", "ticker"}
_CLAIM_KEYS = {"id", "quote", "statement", "topics", "kind", "metric", "direction", "horizon",
               "cues", "ticker", "mentions_support"}


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    source: str
    language: str
    date: dt.date
    ticker: str
    file: str | None = None


@dataclass(frozen=True)
class Claim:
    """One checkable claim; `cues` maps a phrase to the direction of it that supports the claim."""

    claim_id: str
    quote: str
    statement: str
    topics: tuple[str, ...]
    kind: str
    direction: str
    horizon: str
    metric: str | None = None
    cues: dict[str, str] = field(default_factory=dict)
    ticker: str | None = None
    mentions_support: bool = False
    line: int = 0

    def spec_json(self) -> str:
        """The claim as canonical JSON: stored in `claims.spec` and hashed for rescoring."""
        data = asdict(self)
        data.pop("line")
        data["topics"] = list(self.topics)
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


def _fail(path: Path, line: int | str, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _text(path: Path, raw: dict[str, Any], key: str, what: str, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail(path, raw[_LINE], f"{what} has no `{key}`; add `{key}: ...`.")
        return ""
    if not isinstance(value, (str, int, float)):
        raise _fail(path, raw[_LINE], f"{what}: `{key}` must be text, got {value!r}.")
    return str(value).strip()


def _choice(path: Path, raw: dict[str, Any], key: str, what: str, choices: tuple[str, ...]) -> str:
    value = _text(path, raw, key, what)
    if value not in choices:
        raise _fail(path, raw[_LINE],
                    f"{what}: `{key}: {value}` is not one of {', '.join(choices)}.")
    return value


def _unknown_keys(path: Path, raw: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(str(k) for k in raw if k != _LINE and k not in allowed)
    if unknown:
        raise _fail(path, raw[_LINE],
                    f"{what}: unknown key(s) {unknown}; allowed: {sorted(allowed)}.")


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
    ticker = _text(path, raw, "ticker", "article").upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9.\-]{0,9}", ticker):
        raise _fail(path, raw[_LINE], f"article: ticker {ticker!r} is not a ticker like AMZN.")
    return Article(
        article_id=path.stem,
        title=_text(path, raw, "title", "article"),
        source=_text(path, raw, "source", "article"),
        language=_choice(path, raw, "language", "article", LANGUAGES),
        date=date,
        ticker=ticker,
        file=_text(path, raw, "file", "article", required=False) or None,
    )


def _cues(path: Path, raw: dict[str, Any], what: str) -> dict[str, str]:
    value = raw.get("cues") or {}
    if not isinstance(value, dict):
        raise _fail(path, raw[_LINE], f"{what}: `cues` must map a phrase to up|down|flat.")
    cues: dict[str, str] = {}
    for phrase, direction in value.items():
        if phrase == _LINE:
            continue
        if direction not in DIRECTIONS:
            raise _fail(path, value.get(_LINE, raw[_LINE]),
                        f"{what}: cue {phrase!r} has direction {direction!r}; "
                        "use up, down or flat.")
        cues[str(phrase)] = str(direction)
    return cues


def _flag(path: Path, raw: dict[str, Any], key: str, what: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _fail(path, raw[_LINE], f"{what}: `{key}` must be true or false, got {value!r}.")
    return value


def _claim(path: Path, raw: Any, index: int, topic_ids: set[str] | None) -> Claim:
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"claim #{index + 1} is not a mapping of id, quote, statement, ...")
    line = raw[_LINE]
    claim_id = _text(path, raw, "id", f"claim #{index + 1}")
    what = f"claim {claim_id}"
    if not _CLAIM_ID.match(claim_id):
        raise _fail(path, line, f"{what}: id must be lower-case words joined by dashes.")
    _unknown_keys(path, raw, _CLAIM_KEYS, what)
    topics = raw.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
        raise _fail(path, line, f"{what}: `topics` must be a non-empty list of topic ids.")
    if topic_ids is not None:
        unknown = [t for t in topics if t not in topic_ids]
        if unknown:
            raise _fail(path, line, f"{what}: unknown topic(s) {unknown}; "
                                    f"known in data/topics.yaml: {sorted(topic_ids)}.")
    kind = _choice(path, raw, "kind", what, KINDS)
    metric = _text(path, raw, "metric", what, required=False) or None
    if kind in ("metric", "both") and metric is None:
        raise _fail(path, line, f"{what}: kind {kind} needs `metric:` ({', '.join(METRICS)}).")
    if metric is not None and metric not in METRICS:
        raise _fail(path, line, f"{what}: metric {metric!r} is not one of {', '.join(METRICS)}.")
    if kind == "narrative" and metric is not None:
        raise _fail(path, line, f"{what}: a narrative claim has no metric; use kind: both.")
    ticker = _text(path, raw, "ticker", what, required=False).upper() or None
    return Claim(
        claim_id=claim_id,
        quote=_text(path, raw, "quote", what),
        statement=_text(path, raw, "statement", what),
        topics=tuple(topics),
        kind=kind,
        direction=_choice(path, raw, "direction", what, DIRECTIONS),
        horizon=_choice(path, raw, "horizon", what, HORIZONS),
        metric=metric,
        cues=_cues(path, raw, what),
        ticker=ticker,
        mentions_support=_flag(path, raw, "mentions_support", what),
        line=line,
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
    data = load_yaml(raw_bytes, file)
    if not isinstance(data, dict):
        raise _fail(file, 1, "expected a mapping with `article:` and `claims:`.")
    article = _article(file, data.get("article"))
    raw_claims = data.get("claims")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise _fail(file, data.get(_LINE, 1), "expected `claims:` with at least one claim.")
    ids = known_topic_ids() if topic_ids is None else topic_ids
    claims = tuple(_claim(file, raw, i, ids) for i, raw in enumerate(raw_claims))
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
