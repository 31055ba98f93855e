"""How a claim's evidence is ranked within a quarter, from data/evidence.yaml.

Weights, depths and the words that make a figure are data a user tunes (see the file's
comments), not constants in code; the file is validated on load with file and line and
parsed once per file version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

EVIDENCE_FILE = REPO_DATA_DIR / "evidence.yaml"
WEIGHTS = ("retrieval", "term_coverage", "term_phrase", "antecedent", "number", "same_figure",
           "fragment", "question", "sided", "forecast_forward")
_INTS = ("depth", "lead", "fragment_words")
_COUNTS = ("lead_with_cues", "depth_with_cues")  # may be 0
_LISTS = ("number_units", "currencies", "stopwords", "pronouns")
_MAPS = ("unit_aliases",)


@dataclass(frozen=True)
class EvidenceSettings:
    """See data/evidence.yaml for what each setting means."""

    depth: int
    lead: int
    lead_with_cues: int
    depth_with_cues: int
    fragment_words: int
    weights: dict[str, float]
    number_units: tuple[str, ...]
    currencies: tuple[str, ...]
    stopwords: frozenset[str]
    pronouns: frozenset[str]
    unit_aliases: dict[str, str]

    @cached_property
    def figure(self) -> re.Pattern[str]:
        """A reported figure: "26%", "$51.2 billion", "320 basis points", "₩3조" is not one."""
        units = "|".join(re.escape(u) for u in sorted(self.number_units, key=len, reverse=True))
        money = "|".join(re.escape(c) for c in self.currencies)
        parts = [rf"\d(?:[\d,.]*\d)?\s?(?:{units})(?![A-Za-z])"] if units else []
        if money:
            parts.append(rf"(?:{money})\s?\d")
        return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)

    @cached_property
    def _figure_parts(self) -> re.Pattern[str]:
        units = "|".join(re.escape(u) for u in sorted(self.number_units, key=len, reverse=True))
        money = "|".join(re.escape(c) for c in self.currencies)
        return re.compile(rf"(?P<cur>{money or '(?!)'})?\s?(?P<num>(?<![\d.,])\d[\d,]*(?:\.\d+)?)"
                          rf"(?:\s?(?P<unit>{units or '(?!)'})(?![A-Za-z]))?", re.IGNORECASE)

    def figures(self, text: str) -> frozenset[str]:
        """The figures of a text, normalised so the claim's "$1.4 billion" is the call's "1.4
        billion" and "24 percent" is "24%" (`unit_aliases`): a number with a unit or a
        currency, the currency dropped. Bare numbers (years, counts) are not figures."""
        out = set()
        for match in self._figure_parts.finditer(text):
            unit = (match.group("unit") or "").lower()
            if not unit and not match.group("cur"):
                continue
            number = match.group("num").replace(",", "")
            try:
                number = f"{float(number):g}"
            except ValueError:
                continue
            out.add(f"{number} {self.unit_aliases.get(unit, unit)}".strip())
        return frozenset(out)


def _fail(path: Path, line: Any, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _number(path: Path, line: Any, key: str, value: Any, *, integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
            or (integer and (not isinstance(value, int) or value < 1)):
        kind = "a whole number >= 1" if integer else "a number >= 0"
        raise _fail(path, line, f"`{key}` must be {kind}, got {value!r}.")
    return value


def _words(path: Path, line: Any, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line, f"`{key}` must be a list of words, e.g. `{key}: [percent]`; "
                                f"got {value!r}.")
    return tuple(v.strip() for v in value)


def _aliases(path: Path, line: Any, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip()
            for k, v in value.items() if k != LINE):
        raise _fail(path, getattr(value, "get", lambda *_: line)(LINE, line),
                    "`unit_aliases` must map a unit to the unit it means, e.g. "
                    f"`unit_aliases: {{percent: \"%\"}}`; got {value!r}.")
    return {k.lower(): v.strip().lower() for k, v in value.items() if k != LINE}


def _parse(path: Path, raw_bytes: bytes) -> EvidenceSettings:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of evidence settings (see its comments).")
    line = raw[LINE]
    allowed = (*_INTS, *_COUNTS, "weights", *_LISTS, *_MAPS)
    unknown = sorted(str(k) for k in raw if k != LINE and k not in allowed)
    if unknown:
        raise _fail(path, line, f"unknown setting(s) {unknown}; allowed: {', '.join(allowed)}.")
    missing = [k for k in allowed if k not in raw]
    if missing:
        raise _fail(path, line, f"missing setting(s) {missing}; restore data/evidence.yaml "
                                "from the repo for their defaults.")
    weights = raw["weights"]
    if not isinstance(weights, dict):
        raise _fail(path, line, "`weights` must map each of "
                                f"{', '.join(WEIGHTS)} to a number.")
    wline = weights.get(LINE, line)
    names = {str(k) for k in weights if k != LINE}
    if names != set(WEIGHTS):
        raise _fail(path, wline, f"`weights` must name exactly {', '.join(WEIGHTS)}; "
                                 f"unknown {sorted(names - set(WEIGHTS))}, "
                                 f"missing {sorted(set(WEIGHTS) - names)}.")
    ints = {k: int(_number(path, line, k, raw[k], integer=True)) for k in _INTS}
    for key in _COUNTS:
        if isinstance(raw[key], bool) or not isinstance(raw[key], int) or raw[key] < 0:
            raise _fail(path, line, f"`{key}` must be a whole number >= 0, got {raw[key]!r}.")
        ints[key] = raw[key]
    return EvidenceSettings(
        **ints,
        weights={k: float(_number(path, wline, k, weights[k], integer=False)) for k in WEIGHTS},
        number_units=_words(path, line, "number_units", raw["number_units"]),
        currencies=_words(path, line, "currencies", raw["currencies"]),
        stopwords=frozenset(w.lower() for w in _words(path, line, "stopwords",
                                                      raw["stopwords"])),
        pronouns=frozenset(w.lower() for w in _words(path, line, "pronouns", raw["pronouns"])),
        unit_aliases=_aliases(path, line, raw["unit_aliases"]),
    )


def evidence_settings(path: Path | None = None) -> EvidenceSettings:
    """data/evidence.yaml (or `path`), parsed once per file version."""
    return load_versioned(Path(path or EVIDENCE_FILE), _parse, what="the evidence settings",
                          restore="restore data/evidence.yaml from the repo")
