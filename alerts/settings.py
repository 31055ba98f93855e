"""Alert thresholds and term filters: data/alerts.yaml, validated on load with file:line.

Thresholds are data a user tunes (fewer or more alerts), so they live in a file, not in code;
`CLAIMTRACKER_ALERTS` points at another copy (tests use their own thresholds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

ALERTS_FILE = REPO_DATA_DIR / "alerts.yaml"
ALERTS_ENV = "CLAIMTRACKER_ALERTS"

_POS_INT, _POS_NUM, _UNIT, _BOOL, _WORDS = "pos_int", "pos_num", "unit", "bool", "words"
_MEASURE = "measure"
_MEASURES = ("cosine", "jaccard", "sentences_kept")

#: section -> key -> kind of value; every key is required.
_SCHEMA: dict[str, dict[str, str]] = {
    "cap": {"per_company_quarter": _POS_INT},
    "verdict_flip": {"enabled": _BOOL, "evidence_per_quarter": _POS_INT,
                     "mixed_severity": _UNIT, "persist_quarters": _POS_INT,
                     "include_mixed": _BOOL},
    "metric_surprise": {"enabled": _BOOL, "metrics": _WORDS, "z_threshold": _POS_NUM,
                        "min_history": _POS_INT, "window": _POS_INT,
                        "sign_change_metrics": _WORDS},
    "went_quiet": {"enabled": _BOOL, "lookback": _POS_INT, "max_span": _POS_INT,
                   "min_quarters": _POS_INT,
                   "min_sentences": _POS_INT, "min_mentions": _POS_INT, "methods": _WORDS,
                   "labels": _WORDS, "ignore_topics": _WORDS,
                   "named_terms": _BOOL, "term_labels": _WORDS, "ignore_terms": _WORDS},
    "language_change": {"enabled": _BOOL, "measure": _MEASURE, "robust_z": _POS_NUM,
                        "max_similarity": _UNIT, "min_history": _POS_INT,
                        "min_words": _POS_INT, "salient_sentences": _POS_INT},
    "first_mention": {"enabled": _BOOL, "labels": _WORDS, "ignore_terms": _WORDS,
                      "min_prior_quarters": _POS_INT, "min_prior_kind_quarters": _POS_INT,
                      "near_duplicate_distance": _POS_INT,
                      "near_duplicate_min_letters": _POS_INT, "abbreviations": _BOOL},
    "tone_shift": {"enabled": _BOOL, "z_threshold": _POS_NUM, "min_history": _POS_INT,
                   "window": _POS_INT, "min_tokens": _POS_INT, "min_spread": _POS_NUM,
                   "topic_min_tokens": _POS_INT},
}
_WHAT = {_POS_INT: "a positive whole number", _POS_NUM: "a positive number",
         _UNIT: "a number between 0 and 1", _BOOL: "true or false",
         _WORDS: "a list of names, e.g. [a, b]", _MEASURE: f"one of {', '.join(_MEASURES)}"}


@dataclass(frozen=True)
class AlertSettings:
    """The parsed file: `section(name)[key]`; `file` is where it was read (for messages)."""

    sections: dict[str, dict[str, Any]]
    file: Path = ALERTS_FILE

    def section(self, name: str) -> dict[str, Any]:
        return self.sections[name]

    @property
    def cap(self) -> int:
        return int(self.sections["cap"]["per_company_quarter"])


def _valid(kind: str, value: Any) -> bool:
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _MEASURE:
        return value in _MEASURES
    if kind == _WORDS:
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if kind == _POS_INT:
        return isinstance(value, int) and value > 0
    if kind == _POS_NUM:
        return value > 0
    return 0 <= value <= 1


def _parse(path: Path, raw_bytes: bytes) -> AlertSettings:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: expected sections {', '.join(_SCHEMA)}; restore "
                          "data/alerts.yaml from the repo.")
    sections: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        if name == LINE:
            continue
        if name not in _SCHEMA:
            line = body.get(LINE, raw[LINE]) if isinstance(body, dict) else raw[LINE]
            raise ConfigError(f"{path}:{line}: unknown section `{name}`; allowed: "
                              f"{', '.join(_SCHEMA)}.")
        if not isinstance(body, dict):
            raise ConfigError(f"{path}:{raw[LINE]}: `{name}` must be a mapping of settings.")
        values: dict[str, Any] = {}
        for key, value in body.items():
            if key == LINE:
                continue
            kind = _SCHEMA[name].get(key)
            if kind is None:
                raise ConfigError(f"{path}:{body[LINE]}: unknown setting `{name}.{key}`; "
                                  f"allowed: {', '.join(_SCHEMA[name])}.")
            if not _valid(kind, value):
                raise ConfigError(f"{path}:{body[LINE]}: `{name}.{key}` must be {_WHAT[kind]}, "
                                  f"got {value!r}.")
            values[key] = [v.strip() for v in value] if kind == _WORDS else value
        missing = [k for k in _SCHEMA[name] if k not in values]
        if missing:
            raise ConfigError(f"{path}:{body[LINE]}: `{name}` lacks {', '.join(missing)}; add "
                              "them (see data/alerts.yaml in the repo).")
        sections[name] = values
    absent = [name for name in _SCHEMA if name not in sections]
    if absent:
        raise ConfigError(f"{path}:{raw[LINE]}: missing section(s) {', '.join(absent)}; add "
                          "them (see data/alerts.yaml in the repo).")
    quiet = sections["went_quiet"]
    if quiet["min_quarters"] > quiet["lookback"]:
        raise ConfigError(f"{path}:{raw['went_quiet'][LINE]}: `went_quiet.min_quarters` "
                          f"({quiet['min_quarters']}) cannot exceed `lookback` "
                          f"({quiet['lookback']}).")
    return AlertSettings(sections, file=path)


def load_settings(path: Path | None = None) -> AlertSettings:
    """The alerts file (`path`, else $CLAIMTRACKER_ALERTS, else data/alerts.yaml), parsed once
    per file version."""
    file = Path(path or os.environ.get(ALERTS_ENV) or ALERTS_FILE)
    restore = ("fix $CLAIMTRACKER_ALERTS or unset it" if path is None
               and os.environ.get(ALERTS_ENV) else "restore data/alerts.yaml from the repo")
    return load_versioned(file, _parse, what="the alert settings", restore=restore)
