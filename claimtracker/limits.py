"""Bounds on the work one input may cause: data/limits.yaml, validated on load with file:line.

A 5 MB article, a 100 kB search query or a 200 MB document inside a filing must end in a
clear message (or a flagged, bounded result), not in minutes of silence or gigabytes of
memory. The numbers are data a user may raise, so they live in a file, not in code;
`CLAIMTRACKER_LIMITS` points at another copy (tests use small bounds on small inputs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

LIMITS_FILE = REPO_DATA_DIR / "limits.yaml"
LIMITS_ENV = "CLAIMTRACKER_LIMITS"

#: The file's sections and keys, in order: (section, key) -> Limits field.
_FIELDS = {
    ("article", "max_chars"): "article_chars",
    ("article", "max_sentences"): "article_sentences",
    ("search", "max_query_chars"): "query_chars",
    ("filing", "max_document_bytes"): "document_bytes",
    ("filing", "max_document_chars"): "document_chars",
    ("filing", "max_section_chars"): "section_chars",
}


@dataclass(frozen=True)
class Limits:
    """See data/limits.yaml for what each bound is for; `file` is where they were read."""

    article_chars: int
    article_sentences: int
    query_chars: int
    document_bytes: int
    document_chars: int
    section_chars: int
    file: Path = LIMITS_FILE

    def where(self, field_name: str) -> str:
        """'data/limits.yaml: article.max_chars', for messages that say how to raise a bound."""
        section, key = next(k for k, v in _FIELDS.items() if v == field_name)
        return f"{self.file}: {section}.{key}"


def _parse(path: Path, raw_bytes: bytes) -> Limits:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: expected sections {', '.join(_sections())}; "
                          "restore data/limits.yaml from the repo.")
    values: dict[str, int] = {}
    for section, body in raw.items():
        if section == LINE:
            continue
        if section not in _sections():
            raise ConfigError(f"{path}:{_line(body, raw)}: unknown section `{section}`; "
                              f"allowed: {', '.join(_sections())}.")
        if not isinstance(body, dict):
            raise ConfigError(f"{path}:{raw[LINE]}: `{section}` must be a mapping of bounds.")
        for key, value in body.items():
            if key == LINE:
                continue
            name = _FIELDS.get((section, key))
            if name is None:
                allowed = [k for s, k in _FIELDS if s == section]
                raise ConfigError(f"{path}:{body[LINE]}: unknown bound `{section}.{key}`; "
                                  f"allowed: {', '.join(allowed)}.")
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(f"{path}:{body[LINE]}: `{section}.{key}` must be a positive "
                                  f"whole number, got {value!r}.")
            values[name] = value
    missing = [f"{s}.{k}" for (s, k), name in _FIELDS.items() if name not in values]
    if missing:
        raise ConfigError(f"{path}:{raw[LINE]}: missing bound(s) {', '.join(missing)}; "
                          "add them (see data/limits.yaml in the repo).")
    return Limits(**values, file=path)


def _sections() -> list[str]:
    return list(dict.fromkeys(s for s, _ in _FIELDS))


def _line(body: Any, parent: dict[str, Any]) -> int:
    return body.get(LINE, parent[LINE]) if isinstance(body, dict) else parent[LINE]


def load_limits(path: Path | None = None) -> Limits:
    """The limits file (`path`, else $CLAIMTRACKER_LIMITS, else data/limits.yaml), parsed once
    per file version."""
    file = Path(path or os.environ.get(LIMITS_ENV) or LIMITS_FILE)
    restore = ("fix $CLAIMTRACKER_LIMITS or unset it" if path is None and os.environ.get(LIMITS_ENV)
               else "restore data/limits.yaml from the repo")
    return load_versioned(file, _parse, what="the limits file", restore=restore)
