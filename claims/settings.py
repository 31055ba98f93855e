"""Scoring settings from data/scoring.yaml: how evidence is retrieved and how far back to look.

Thresholds are data a user tunes, not constants in code; the file is validated on load with
file and line, and parsed once per file version.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

SCORING_FILE = REPO_DATA_DIR / "scoring.yaml"


@dataclass(frozen=True)
class ScoringSettings:
    """See data/scoring.yaml for what each setting means."""

    candidates: int = 3000
    topic_weight: float = 0.5
    pool: int = 12
    evidence_k: int = 6
    rerank_pool: int = 16
    rerank_quarters: int = 12
    rerank_weight: float = 2.0
    history_quarters: int = 40
    e5_weight: float = 1.0
    e5_min_words: int = 6


def _parse(path: Path, raw_bytes: bytes) -> ScoringSettings:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of scoring settings.")
    fields = {f.name: f.type for f in dataclasses.fields(ScoringSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == LINE:
            continue
        if key not in fields:
            raise ConfigError(f"{path}:{raw[LINE]}: unknown setting `{key}`; "
                              f"allowed: {', '.join(fields)}.")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{path}:{raw[LINE]}: `{key}` must be a positive number, "
                              f"got {value!r}.")
        values[key] = float(value) if fields[key] == "float" else int(value)
    return ScoringSettings(**values)


def scoring_settings(path: Path | None = None) -> ScoringSettings:
    """data/scoring.yaml (or `path`), parsed once per file version."""
    return load_versioned(Path(path or SCORING_FILE), _parse, what="the scoring settings",
                          restore="restore data/scoring.yaml from the repo")
