"""Field parsers of claim ledgers: each names file:line and the fix for a bad value.

Split from claims.ledger to keep modules small; drafts' placeholders (TODO) are refused here,
so a ledger that still holds one never reaches the scorer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE as _LINE

DIRECTIONS = ("up", "down", "flat")
COMPARE_EXPECT = ("higher", "lower")
COMPARE_BASIS = ("value", "yoy")
#: Draft placeholders that must be replaced before a ledger can be scored.
PLACEHOLDERS = frozenset({"TODO", "TBD", "FIXME", "XXX", "???", "UNKNOWN", "N/A", "NONE"})
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_COMPARE_KEYS = {"with", "expect", "basis"}


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


def _article_tickers(path: Path, raw: dict[str, Any]) -> tuple[str, ...]:
    value = raw.get("tickers") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(path, raw[_LINE], "article: `tickers` must be a list like [META, GOOGL].")
    tickers = tuple(str(t).strip().upper() for t in value)
    for ticker in tickers:
        if ticker in PLACEHOLDERS or not _TICKER.match(ticker):
            raise _fail(path, raw[_LINE], f"article: tickers entry {ticker!r} is not a ticker "
                                          "like AMZN; write the company's ticker.")
    return tickers


def _ticker(path: Path, raw: dict[str, Any], what: str, *, required: bool) -> str | None:
    """A ticker like AMZN; a draft placeholder (TODO) is refused with the fix."""
    value = _text(path, raw, "ticker", what, required=required).upper()
    if not value:
        return None
    if value in PLACEHOLDERS:
        raise _fail(path, raw[_LINE],
                    f"{what}: `ticker: {value}` is a placeholder; write the company's ticker "
                    "(e.g. AMZN), or re-draft with `claimtracker claims add ARTICLE --ticker T`.")
    if not _TICKER.match(value):
        raise _fail(path, raw[_LINE], f"{what}: ticker {value!r} is not a ticker like AMZN.")
    return value


def _not_placeholder(path: Path, raw: dict[str, Any], key: str, what: str, value: str) -> str:
    if value.strip().upper() in PLACEHOLDERS:
        raise _fail(path, raw[_LINE], f"{what}: `{key}: {value}` is a placeholder; "
                                      f"write the real {key} or remove the line.")
    return value


def _terms(path: Path, raw: dict[str, Any], what: str) -> tuple[str, ...]:
    value = raw.get("terms")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, (str, int, float)) for t in value):
        raise _fail(path, raw[_LINE], f"{what}: `terms` must be a list of phrases, "
                                      "e.g. [Google Cloud, TPU].")
    terms = tuple(str(t).strip() for t in value if str(t).strip())
    for term in terms:
        _not_placeholder(path, raw, "terms", what, term)
    return terms


def _quarter(path: Path, raw: dict[str, Any], what: str) -> str | None:
    value = _text(path, raw, "quarter", what, required=False).upper()
    if not value:
        return None
    if not _QUARTER.match(value):
        raise _fail(path, raw[_LINE], f"{what}: quarter {value!r} is not a fiscal quarter like "
                                      "2025Q3.")
    return value


def _compare(path: Path, raw: dict[str, Any], what: str) -> dict[str, Any] | None:
    value = raw.get("compare")
    if value is None:
        return None
    hint = "write `compare: {with: [AMZN], expect: higher, basis: yoy}`"
    if not isinstance(value, dict):
        raise _fail(path, raw[_LINE], f"{what}: `compare` must be a mapping; {hint}.")
    line = value.get(_LINE, raw[_LINE])
    unknown = sorted(str(k) for k in value if k != _LINE and k not in _COMPARE_KEYS)
    if unknown:
        raise _fail(path, line, f"{what}: compare has unknown key(s) {unknown}; {hint}.")
    others = value.get("with")
    if isinstance(others, str):
        others = [others]
    if not isinstance(others, list) or not others:
        raise _fail(path, line, f"{what}: compare needs `with:` (the other tickers); {hint}.")
    tickers = []
    for other in others:
        ticker = str(other).strip().upper()
        if ticker in PLACEHOLDERS or not _TICKER.match(ticker):
            raise _fail(path, line, f"{what}: compare ticker {other!r} is not a ticker like "
                                    "AMZN; write the compared company's ticker.")
        tickers.append(ticker)
    expect = value.get("expect", "higher")
    if expect not in COMPARE_EXPECT:
        raise _fail(path, line, f"{what}: compare expect {expect!r} is not one of "
                                f"{', '.join(COMPARE_EXPECT)}.")
    basis = value.get("basis", "yoy")
    if basis not in COMPARE_BASIS:
        raise _fail(path, line, f"{what}: compare basis {basis!r} is not one of "
                                f"{', '.join(COMPARE_BASIS)}.")
    return {"with": tickers, "expect": expect, "basis": basis}


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
