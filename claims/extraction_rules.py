"""The cue words of claim drafting (data/extraction.yaml), validated on load with file:line.

Check-worthiness, direction, horizon, comparison and time cues are data, in Korean and
English, so a new article's vocabulary is a data edit, not a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

DEFAULT_RULES = REPO_DATA_DIR / "extraction.yaml"
LANGS = ("en", "ko")
WEIGHT_KEYS = ("company", "metric", "business", "trend", "number", "forecast", "term",
               "opinion", "valuation", "vague_subject")
CUE_KEYS = ("metric", "business", "opinion", "valuation", "reported", "figure",
            "figure_unit", "example_before", "example_after", "self_subject", "line_noun")
DIRECTIONS = ("up", "down", "flat")
COMPARE_KEYS = ("higher", "lower", "peers", "falling", "growth")
TIME_KEYS = ("this_quarter", "last_quarter", "next_quarter", "this_year", "last_year",
             "next_year", "comparison_base")
SCOPE_KEYS = ("places", "growth", "shares", "units", "qualifiers")
_TOP = {"worthiness", "cues", "direction", "horizon", "compare", "time", "date_cues",
        "term_stop", "metric_scope", "example_subject_words", "report_lag_days"}

Words = dict[str, tuple[str, ...]]  # language -> cue words


@dataclass(frozen=True)
class ExtractionRules:
    threshold: float
    weights: dict[str, float]
    cues: dict[str, Words]
    direction: dict[str, Words]
    persist: Words  # "still", 여전히: flat when nothing moves; not a trend
    not_direction: Words  # "in the fall" (autumn): phrases whose change word is no change
    forecast: Words
    not_forecast: Words  # "as expected", 예정대로: past despite a forecast word
    compare: dict[str, Words]
    time: dict[str, Words]
    date_cues: Words
    term_stop: Words
    scope: dict[str, Words]  # metric_scope: places, growth
    path: Path
    example_subject_words: int = 3  # an English example cue this early names the subject
    report_lag_days: int = 45  # a quarter ended this recently may not be reported yet


def _fail(path: Path, line: Any, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _mapping(path: Path, parent: dict[str, Any], key: str, keys: tuple[str, ...] | None,
             ) -> dict[str, Any]:
    value = parent.get(key)
    line = parent.get(LINE, 1)
    if not isinstance(value, dict):
        raise _fail(path, line, f"`{key}:` must be a mapping"
                    + (f" with {', '.join(keys)}." if keys else "."))
    if keys is not None:
        unknown = sorted(str(k) for k in value if k != LINE and k not in keys)
        missing = [k for k in keys if k not in value]
        if unknown or missing:
            raise _fail(path, value[LINE], f"`{key}:` unknown {unknown} / missing {missing}; "
                                           f"expected {', '.join(keys)}.")
    return value


def _words(path: Path, parent: dict[str, Any], key: str) -> Words:
    """`key: {en: [...], ko: [...]}` -> {"en": (...), "ko": (...)}."""
    raw = _mapping(path, parent, key, LANGS)
    out: Words = {}
    for lang in LANGS:
        items = raw[lang] or []
        if not isinstance(items, list) or not all(isinstance(w, (str, int)) for w in items):
            raise _fail(path, raw[LINE], f"`{key}.{lang}` must be a list of words.")
        out[lang] = tuple(str(w).strip().lower() for w in items if str(w).strip())
    return out


def _parse(path: Path, raw_bytes: bytes) -> ExtractionRules:
    data = load_yaml(raw_bytes, path)
    if not isinstance(data, dict):
        raise _fail(path, 1, f"expected a mapping with {', '.join(sorted(_TOP))}.")
    unknown = sorted(str(k) for k in data if k != LINE and k not in _TOP)
    if unknown:
        raise _fail(path, 1, f"unknown key(s) {unknown}; allowed: {sorted(_TOP)}.")
    worth = _mapping(path, data, "worthiness", ("threshold", "weights"))
    weights = _mapping(path, worth, "weights", WEIGHT_KEYS)
    numbers: dict[str, float] = {}
    for key in ("threshold", *WEIGHT_KEYS):
        value = worth[key] if key == "threshold" else weights[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            where = worth[LINE] if key == "threshold" else weights[LINE]
            raise _fail(path, where, f"worthiness {key}: {value!r} is not a number.")
        numbers[key] = float(value)
    cues = _mapping(path, data, "cues", CUE_KEYS)
    direction = _mapping(path, data, "direction", (*DIRECTIONS, "persist", "not_direction"))
    horizon = _mapping(path, data, "horizon", ("forecast", "not_forecast"))
    compare = _mapping(path, data, "compare", COMPARE_KEYS)
    time = _mapping(path, data, "time", TIME_KEYS)
    scope = _mapping(path, data, "metric_scope", SCOPE_KEYS)
    early = data.get("example_subject_words", 3)
    if isinstance(early, bool) or not isinstance(early, int) or early < 0:
        raise _fail(path, data[LINE], f"example_subject_words: {early!r} must be a whole "
                                      "number of words, e.g. 3.")
    lag = data.get("report_lag_days", 45)
    if isinstance(lag, bool) or not isinstance(lag, int) or not 0 <= lag <= 120:
        raise _fail(path, data[LINE], f"report_lag_days: {lag!r} must be a whole number of "
                                      "days between 0 and 120, e.g. 45.")
    return ExtractionRules(
        threshold=numbers.pop("threshold"), weights=numbers,
        cues={k: _words(path, cues, k) for k in CUE_KEYS},
        direction={k: _words(path, direction, k) for k in DIRECTIONS},
        persist=_words(path, direction, "persist"),
        not_direction=_words(path, direction, "not_direction"),
        forecast=_words(path, horizon, "forecast"),
        not_forecast=_words(path, horizon, "not_forecast"),
        compare={k: _words(path, compare, k) for k in COMPARE_KEYS},
        time={k: _words(path, time, k) for k in TIME_KEYS},
        date_cues=_words(path, data, "date_cues"),
        term_stop=_words(path, data, "term_stop"),
        scope={k: _words(path, scope, k) for k in SCOPE_KEYS},
        path=path, example_subject_words=early, report_lag_days=lag,
    )


def load_extraction_rules(path: str | Path | None = None) -> ExtractionRules:
    """data/extraction.yaml (or `path`), validated, cached per file version."""
    return load_versioned(Path(path) if path else DEFAULT_RULES, _parse,
                          what="the extraction rules", restore="restore data/extraction.yaml")


@lru_cache(maxsize=4096)
def _cue_re(cue: str) -> re.Pattern[str]:
    """Short English cues match as words (with an inflection); others as substrings; a cue
    written `^cue` only at the start of a word (Korean 저의 "my" is not the end of 애저의)."""
    if cue.startswith("^"):
        return re.compile(rf"(?<![0-9a-z\uac00-\ud7a3]){re.escape(cue[1:])}")
    if re.fullmatch(r"[a-z][a-z/\-]{0,3}", cue):
        return re.compile(rf"(?<![a-z]){re.escape(cue)}(?:s|es|ed|d|ing)?(?![a-z])")
    if re.match(r"[a-z]", cue):
        return re.compile(rf"(?<![a-z]){re.escape(cue)}")
    return re.compile(re.escape(cue))


def cue_pattern(cue: str) -> re.Pattern[str]:
    """The compiled pattern of one (lower-case) cue, as find_cues matches it."""
    return _cue_re(cue)


def find_cues(text: str, words: Words) -> list[str]:
    """The cues of both languages found in `text` (case-insensitive)."""
    lower = text.lower()
    return [cue for lang in LANGS for cue in words.get(lang, ()) if _cue_re(cue).search(lower)]


def count_cues(text: str, words: Words) -> int:
    lower = text.lower()
    return sum(len(_cue_re(cue).findall(lower)) for lang in LANGS for cue in words.get(lang, ()))
