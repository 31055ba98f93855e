"""The stance rules file (data/stance.yaml): loaded, validated with file:line errors, cached.

Cue words, phrase rules, windows and weights are data a user edits, so every mistake is a
ConfigError naming the file, the line and what to write instead; the stance model only ever
sees a validated `StanceRules`. Parsed once per file version (path, mtime, size).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from claims.stance_aspect_rules import AspectRules, parse_aspect
from claims.stance_events import EventRule, NumberRules, parse_events, parse_numbers
from claims.stance_shape_rules import ShapeRules, parse_shape
from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE as _LINE
from claimtracker.yaml_lines import load_versioned, load_yaml

DEFAULT_RULES = REPO_DATA_DIR / "stance.yaml"
DIRECTIONS = ("up", "down", "flat")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"direction_words", "not_direction", "negations", "hedges", "generic", "forward",
             "forward_phrases", "windows", "weights", "parse", "parse_links", "phrase_rules",
             "events", "numbers", "adverse_causes", "generic_heads", "weak_subjects", "scope_cues",
             "scope_nouns", "anaphors", "realised_phrases", "clause_breaks",
             "sequential_cues", "inverse_subjects", "aspect", "parts", "qualifiers",
             "levels", "basis", "amounts", "segments", "rates", "figures", "verdict"}
_WORD_LISTS = ("not_direction", "negations", "hedges", "generic", "forward", "anaphors",
               "clause_breaks", "inverse_subjects")
_WINDOWS = {"cue": 8, "existence": 3, "negation": 3, "quantity": 4, "gap": 3, "slot_gap": 3,
            "metric_reach": 30, "size_reach": 8}
_LINKS = ("governs", "modifies", "through", "beside", "share")
_WEIGHTS = {"hedged": 0.5, "forward_past": 0.5, "forward_forecast": 0.8, "mention": 0.5,
            "anaphora": 0.8, "figure_stated": 0.8}
# claims/verdict.py: the balance that decides, the weight at which words count fully, and the
# balance a narrative claim with sentences on both sides needs to be more than mixed
_VERDICT = {"supported_at": 0.34, "full_weight": 1.0, "both_sides_at": 0.6}
_RULE_KEYS = {"id", "pattern", "subject", "sets", "window", "implicit"}
_PATTERN_WORD = re.compile(r"^[a-z0-9][a-z0-9'\-]*\*?$|^n't$")


@dataclass(frozen=True)
class PatternToken:
    """One position of a phrase pattern: words, prefixes, `...`, {subject} or {number}."""

    kind: str  # words | gap | subject | number
    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    optional: bool = False

    def accepts(self, token: str) -> bool:
        if self.kind == "number":
            return any(ch.isdigit() for ch in token)
        return token in self.words or any(token.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class PhraseRule:
    """A phrasing that gives a direction to a subject ("upward pressure on {subject}")."""

    rule_id: str
    pattern: str
    tokens: tuple[PatternToken, ...]
    direction: str | None  # for the subject; None: the words take no side ("up to 50%")
    sets: dict[str, str] = field(default_factory=dict)
    window: int | None = None
    line: int = 0
    implicit: bool = False  # its concepts hold even when the sentence names no claim subject

    @property
    def has_slot(self) -> bool:
        return any(t.kind == "subject" for t in self.tokens)

    @cached_property
    def required(self) -> tuple[frozenset[str], ...]:
        """Exact-word alternatives that must all be in a sentence (a cheap pre-filter)."""
        return tuple(t.words for t in self.tokens
                     if t.kind == "words" and not t.optional and not t.prefixes)


@dataclass(frozen=True)
class StanceRules:
    """Everything the rule stance model reads from data/stance.yaml."""

    path: Path
    digest: str
    up: tuple[str, ...]
    down: tuple[str, ...]
    flat: tuple[str, ...]
    not_direction: frozenset[str]
    negations: frozenset[str]
    hedges: frozenset[str]
    generic: frozenset[str]
    forward: frozenset[str]
    anaphors: frozenset[str]
    clause_breaks: frozenset[str]
    inverse_subjects: frozenset[str]
    forward_phrases: tuple[str, ...]
    windows: dict[str, int]
    weights: dict[str, float]
    parse: bool
    parse_links: dict[str, frozenset[str]]
    phrase_rules: tuple[PhraseRule, ...]
    events: tuple[EventRule, ...] = ()
    adverse_causes: tuple[str, ...] = ()
    generic_heads: frozenset[str] = frozenset()
    weak_subjects: frozenset[str] = frozenset()  # too generic to carry a named claim alone
    scope_cues: tuple[str, ...] = ()
    scope_nouns: frozenset[str] = frozenset()
    numbers: NumberRules | None = None
    realised_phrases: tuple[str, ...] = ()
    sequential_cues: tuple[str, ...] = ()
    aspect: AspectRules = field(default_factory=AspectRules)  # done, planned, parts, places
    shape: ShapeRules = field(default_factory=ShapeRules)  # segments, rates, stated figures
    verdict: dict[str, float] = field(default_factory=lambda: dict(_VERDICT))  # verdict.py

    def word_direction(self, token: str) -> str | None:
        """'up', 'down', 'flat' or None for one lower-cased token (flat, then down, then up)."""
        return _word_direction(self, token)


_DIRECTION_CACHE: dict[tuple[str, str], str | None] = {}


def _word_direction(rules: StanceRules, token: str) -> str | None:
    key = (rules.digest, token)
    if key in _DIRECTION_CACHE:
        return _DIRECTION_CACHE[key]
    found: str | None = None
    if token not in rules.not_direction:
        for words, direction in ((rules.flat, "flat"), (rules.down, "down"), (rules.up, "up")):
            if any(token == w or (len(w) >= 3 and token.startswith(w)) for w in words):
                found = direction
                break
    if len(_DIRECTION_CACHE) > 100_000:
        _DIRECTION_CACHE.clear()
    _DIRECTION_CACHE[key] = found
    return found


def _fail(path: Path, line: int | str, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _line(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return value.get(_LINE, data[_LINE]) if isinstance(value, dict) else data[_LINE]


def _key_line(text: list[str], key: str, start: int = 1) -> int:
    """The 1-based line of `key:` at or after line `start` (YAML lists carry no line marks)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for number in range(max(1, start), len(text) + 1):
        if pattern.match(text[number - 1]):
            return number
    return start


def _words(path: Path, line: int, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line, f"{what} must be a list of words, e.g. [increas, grow]; "
                    "quote words YAML reads otherwise (\"no\", \"n't\").")
    return tuple(v.strip().lower() for v in value)


def _number(path: Path, line: int, value: Any, what: str, *, low: float, high: float) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise _fail(path, line, f"{what} is {value!r}; write a number from {low:g} to {high:g}.")
    return float(value)


def _section(path: Path, data: dict[str, Any], key: str, defaults: dict[str, Any],
             high: float, integer: bool, text: list[str]) -> dict[str, Any]:
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        raise _fail(path, data[_LINE], f"`{key}` must be a mapping like {defaults}.")
    line = raw.get(_LINE, data[_LINE])
    unknown = sorted(str(k) for k in raw if k != _LINE and k not in defaults)
    if unknown:
        raise _fail(path, line, f"{key}: unknown key(s) {unknown}; allowed: {sorted(defaults)}.")
    out = dict(defaults)
    for name, value in raw.items():
        if name == _LINE:
            continue
        at = _key_line(text, str(name), line)
        number = _number(path, at, value, f"{key}.{name}", low=0, high=high)
        if integer and number != int(number):
            raise _fail(path, at, f"{key}.{name} is {value!r}; write a whole number of tokens.")
        out[name] = int(number) if integer else number
    return out


def compile_pattern(path: Path, line: int, pattern: Any) -> tuple[PatternToken, ...]:
    """A pattern string -> its tokens; see the header of data/stance.yaml for the syntax."""
    if not isinstance(pattern, str) or not pattern.split():
        raise _fail(path, line,
                    "a phrase rule needs `pattern:` text, e.g. \"pressure on {subject}\".")
    tokens: list[PatternToken] = []
    for part in pattern.lower().split():
        optional = part.endswith("?")
        part = part.rstrip("?").strip("()")
        if part == "...":
            tokens.append(PatternToken("gap", optional=True))
        elif part in ("{subject}", "{number}"):
            tokens.append(PatternToken(part[1:-1], optional=optional))
        else:
            alts = [a for a in part.split("|") if a]
            bad = [a for a in alts if not _PATTERN_WORD.match(a)]
            if bad or not alts:
                raise _fail(path, line, f"pattern {pattern!r}: {part!r} is not a word, word*, "
                            "a|b alternatives, ..., {subject} or {number}.")
            tokens.append(PatternToken(
                "words", frozenset(a for a in alts if not a.endswith("*")),
                tuple(a[:-1] for a in alts if a.endswith("*")), optional))
    if sum(t.kind == "subject" for t in tokens) > 1:
        raise _fail(path, line, f"pattern {pattern!r} has more than one {{subject}}.")
    if not any(t.kind == "words" and not t.optional for t in tokens):
        raise _fail(path, line, f"pattern {pattern!r} needs at least one required word.")
    return tuple(tokens)


def _rule(path: Path, raw: Any, index: int, text: list[str]) -> PhraseRule:
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"phrase rule #{index + 1} must be a mapping with id and pattern.")
    line = raw[_LINE]
    unknown = sorted(str(k) for k in raw if k != _LINE and k not in _RULE_KEYS)
    if unknown:
        raise _fail(path, line, f"phrase rule: unknown key(s) {unknown}; allowed: "
                    f"{sorted(_RULE_KEYS)}.")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise _fail(path, line, f"phrase rule id {rule_id!r} must be lower-case words joined "
                    "by dashes, e.g. upward-pressure.")
    def at(key: str) -> int:
        return _key_line(text, key, line) if key in raw else line

    direction = raw.get("subject", "none")
    if direction not in (*DIRECTIONS, "none"):
        raise _fail(path, at("subject"), f"phrase rule {rule_id}: subject: {direction!r} is "
                    "not one of up, down, flat, none.")
    sets = raw.get("sets") or {}
    if not isinstance(sets, dict):
        raise _fail(path, at("sets"), f"phrase rule {rule_id}: sets must map a concept word to a "
                    "direction, e.g. {demand: up}.")
    concepts: dict[str, str] = {}
    for concept, value in sets.items():
        if concept == _LINE:
            continue
        if value not in DIRECTIONS:
            raise _fail(path, at("sets"), f"phrase rule {rule_id}: sets.{concept} is "
                        f"{value!r}; use up, down or flat.")
        concepts[str(concept).lower()] = str(value)
    window = raw.get("window")
    if window is not None:
        window = int(_number(path, at("window"), window, f"phrase rule {rule_id}: window", low=0,
                             high=1000))
    implicit = raw.get("implicit", False)
    if not isinstance(implicit, bool):
        raise _fail(path, at("implicit"), f"phrase rule {rule_id}: implicit must be true or false.")
    tokens = compile_pattern(path, at("pattern"), raw.get("pattern"))
    return PhraseRule(rule_id, raw.get("pattern"), tokens,
                      None if direction == "none" else direction, concepts, window, line,
                      implicit)


def _parse(path: Path, raw_bytes: bytes) -> StanceRules:
    data = load_yaml(raw_bytes, path)
    if not isinstance(data, dict):
        raise _fail(path, 1,
                    "expected a mapping with direction_words, negations, phrase_rules, ...")
    unknown = sorted(str(k) for k in data if k != _LINE and k not in _TOP_KEYS)
    if unknown:
        raise _fail(path, 1, f"unknown key(s) {unknown}; allowed: {sorted(_TOP_KEYS)}.")
    words = data.get("direction_words")
    if not isinstance(words, dict):
        raise _fail(path, data[_LINE],
                    "`direction_words:` with up, down and flat lists is required.")
    wline = words[_LINE]
    unknown = sorted(str(k) for k in words if k != _LINE and k not in DIRECTIONS)
    if unknown:
        raise _fail(path, wline, f"direction_words: unknown key(s) {unknown}; use up, down, flat.")
    text = raw_bytes.decode("utf-8", errors="replace").splitlines()
    by_direction = {d: _words(path, _key_line(text, d, wline), words.get(d), f"direction_words.{d}")
                    for d in DIRECTIONS}
    lists = {k: frozenset(_words(path, _key_line(text, k), data.get(k), k)) for k in _WORD_LISTS}
    parse = data.get("parse", True)
    if not isinstance(parse, bool):
        raise _fail(path, data[_LINE], f"`parse` must be true or false, got {parse!r}.")
    links = data.get("parse_links") or {}
    if not isinstance(links, dict):
        raise _fail(path, data[_LINE], f"`parse_links` must map {', '.join(_LINKS)} to "
                    "spaCy dependency labels, e.g. governs: [nsubj, dobj].")
    lline = links.get(_LINE, data[_LINE])
    unknown = sorted(str(k) for k in links if k != _LINE and k not in _LINKS)
    if unknown:
        raise _fail(path, lline, f"parse_links: unknown key(s) {unknown}; allowed: {list(_LINKS)}.")
    parse_links = {k: frozenset(_words(path, _key_line(text, k, lline), links.get(k),
                                       f"parse_links.{k}")) for k in _LINKS}
    raw_rules = data.get("phrase_rules") or []
    if not isinstance(raw_rules, list):
        raise _fail(path, data[_LINE], "`phrase_rules` must be a list of {id, pattern, subject}.")
    verdict = _section(path, data, "verdict", _VERDICT, 5, False, text)
    for name in ("supported_at", "both_sides_at"):
        if not 0 < verdict[name] <= 1:
            raise _fail(path, _key_line(text, name, 1), f"verdict.{name} is {verdict[name]!r}; "
                        "it is a balance: write a number above 0 and at most 1.")
    if verdict["full_weight"] <= 0:
        raise _fail(path, _key_line(text, "full_weight", 1), "verdict.full_weight is 0; write "
                    "the (positive) weight at which words count fully, e.g. 1.0.")
    rules = tuple(_rule(path, raw, i, text) for i, raw in enumerate(raw_rules))
    seen: dict[str, int] = {}
    for rule in rules:
        if rule.rule_id in seen:
            raise _fail(path, rule.line, f"phrase rule id {rule.rule_id!r} is already used at "
                        f"line {seen[rule.rule_id]}; ids must be unique.")
        seen[rule.rule_id] = rule.line
    return StanceRules(
        path=path, digest=hashlib.sha256(raw_bytes).hexdigest(),
        up=by_direction["up"], down=by_direction["down"], flat=by_direction["flat"],
        forward_phrases=_words(path, _key_line(text, "forward_phrases"),
                               data.get("forward_phrases"), "forward_phrases"),
        realised_phrases=_words(path, _key_line(text, "realised_phrases"),
                                data.get("realised_phrases"), "realised_phrases"),
        sequential_cues=_words(path, _key_line(text, "sequential_cues"),
                               data.get("sequential_cues"), "sequential_cues"),
        windows=_section(path, data, "windows", _WINDOWS, 1000, True, text),
        weights=_section(path, data, "weights", _WEIGHTS, 1, False, text),
        verdict=verdict,
        parse=parse, parse_links=parse_links, phrase_rules=rules,
        adverse_causes=_words(path, _key_line(text, "adverse_causes"),
                              data.get("adverse_causes"), "adverse_causes"),
        generic_heads=frozenset(_words(path, _key_line(text, "generic_heads"),
                                       data.get("generic_heads"), "generic_heads")),
        weak_subjects=frozenset(_words(path, _key_line(text, "weak_subjects"),
                                       data.get("weak_subjects"), "weak_subjects")),
        scope_cues=_words(path, _key_line(text, "scope_cues"), data.get("scope_cues"),
                          "scope_cues"),
        scope_nouns=frozenset(_words(path, _key_line(text, "scope_nouns"),
                                     data.get("scope_nouns"), "scope_nouns")),
        events=parse_events(path, data.get("events"), _key_line(text, "events")),
        numbers=parse_numbers(path, data.get("numbers"), _key_line(text, "numbers")),
        aspect=parse_aspect(path, data, text),
        shape=parse_shape(path, data, text),
        **lists,
    )


def load_stance_rules(path: str | Path | None = None) -> StanceRules:
    """Read and validate a stance rules file (default data/stance.yaml), once per version."""
    return load_versioned(Path(path) if path else DEFAULT_RULES, _parse, what="the stance rules",
                          restore="restore data/stance.yaml or pass another file")
