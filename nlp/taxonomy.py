"""The topic taxonomy (data/topics.yaml): loaded once, validated, with errors naming file and line.

The taxonomy is data that users edit, so every mistake is reported as a ConfigError that says
where (file:line) and what to write instead; the tagger never sees an unchecked value.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE as _LINE
from claimtracker.yaml_lines import load_versioned, load_yaml

DEFAULT_TAXONOMY = REPO_DATA_DIR / "topics.yaml"
_TOPIC_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOPIC_KEYS = {
    "description", "label", "gloss", "implies", "terms", "case_terms", "patterns", "ambiguous",
    "semantic",
}
_AMBIGUOUS_KEYS = {"terms", "require", "exclude", "window"}
_SEMANTIC_KEYS = {"threshold", "prototypes"}


@dataclass(frozen=True)
class ContextRule:
    """Terms that count only when the sentence has a `require` word and no `exclude` phrase.

    `window` (words) keeps the `require` word near the term: in a long sentence, "growth"
    twenty words away from "AWS" is usually about something else.
    """

    terms: tuple[str, ...]
    require: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    window: int | None = None

    def __post_init__(self) -> None:
        words = "|".join(re.escape(w) for w in self.require)
        object.__setattr__(self, "_require_re", re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.I))

    def covers(self, surface: str) -> bool:
        return surface.lower() in {t.lower() for t in self.terms}

    def accepts(self, sentence: str, span: tuple[int, int] | None = None) -> bool:
        """True when the sentence gives the term its context.

        `span` (start, end) is where the term itself sits: a term is never its own context,
        so "managers" in "effective managers of the company" does not satisfy a rule that
        requires "managers" (it must come from another word of the sentence).
        """
        if any(phrase in sentence for phrase in self.exclude):
            return False
        if not self.require:
            return True
        if span is not None:
            start, end = span
            before, after = sentence[:start], sentence[end:]
            if self.window is not None:
                before = " ".join(before.split()[-self.window:])
                after = " ".join(after.split()[:self.window])
            sentence = f"{before} {' ' * (end - start)} {after}"
        return bool(self._require_re.search(sentence))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Semantic:
    threshold: float
    prototypes: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    description: str
    label: str
    implies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    case_terms: tuple[str, ...] = ()
    patterns: tuple[list[dict[str, Any]], ...] = ()
    ambiguous: tuple[ContextRule, ...] = ()
    semantic: Semantic | None = None
    gloss: str | None = None

    def context_rule(self, surface: str) -> ContextRule | None:
        """The rule for a matched term: one listing it in the same case first ("Cloud" and
        "cloud" may have different rules), else any rule listing it case-insensitively."""
        exact = next((rule for rule in self.ambiguous if surface in rule.terms), None)
        return exact or next((rule for rule in self.ambiguous if rule.covers(surface)), None)


@dataclass(frozen=True)
class Taxonomy:
    topics: dict[str, Topic]
    path: Path
    digest: str = field(default="")  # of the file and of its heads' metadata (enrich re-tags)
    heads_path: Path | None = None  # learned topic heads (nlp/topic_heads.py), if any
    heads_stamp: tuple[int, int] | None = None  # their (mtime_ns, size) when read

    def ids(self) -> list[str]:
        return list(self.topics)

    def expand(self, topic_id: str) -> list[str]:
        """The topic and every topic it implies (transitively), in a stable order."""
        seen: list[str] = []
        stack = [topic_id]
        while stack:
            current = stack.pop(0)
            if current not in seen:
                seen.append(current)
                stack.extend(self.topics[current].implies)
        return seen

    def versioned_words(self) -> set[str]:
        """Lower-cased product words that take a generation number ("Trainium 3")."""
        words: set[str] = set()
        for topic in self.topics.values():
            for pattern in topic.patterns:
                if len(pattern) == 2:
                    first = pattern[0]
                    value = first.get("LOWER")
                    if isinstance(value, str):
                        words.add(value)
                    elif isinstance(value, dict) and "IN" in value:
                        words.update(str(v) for v in value["IN"])
        return words


def _fail(path: Path, line: int | str, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _strings(path: Path, line: int, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line,
                    f"{what} must be a list of non-empty strings, e.g. [Trainium, Trn2].")
    return tuple(v.strip() for v in value)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _patterns(path: Path, line: int, value: Any) -> tuple[list[dict[str, Any]], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(path, line, "patterns must be a list of spaCy token patterns (lists of dicts).")
    out = []
    for pattern in value:
        tokens_ok = isinstance(pattern, list) and all(isinstance(t, dict) for t in pattern)
        if not tokens_ok or not pattern:
            raise _fail(
                path, line,
                f"pattern {_strip_lines(pattern)!r} is not a spaCy token pattern; write e.g. "
                '[{LOWER: trainium}, {TEXT: {REGEX: "^[1-9]$"}}].',
            )
        out.append(_strip_lines(pattern))
    return tuple(out)


def _context_rules(path: Path, line: int, value: Any) -> tuple[ContextRule, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(path, line, "ambiguous must be a list of {terms, require, exclude} rules.")
    rules = []
    for raw in value:
        if not isinstance(raw, dict):
            raise _fail(path, line, "each ambiguous rule must be a mapping with terms and require.")
        rline = raw.get(_LINE, line)
        unknown = set(raw) - _AMBIGUOUS_KEYS - {_LINE}
        if unknown:
            raise _fail(path, rline,
                        f"unknown keys {sorted(unknown)}; use {sorted(_AMBIGUOUS_KEYS)}.")
        terms = _strings(path, rline, raw.get("terms"), "ambiguous.terms")
        if not terms:
            raise _fail(path, rline, "an ambiguous rule needs terms: [...].")
        window = raw.get("window")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int)
                                   or window < 1):
            raise _fail(path, rline, f"ambiguous.window {window!r} must be a whole number of "
                        "words (1 or more), e.g. window: 10.")
        rules.append(
            ContextRule(
                terms=terms,
                require=_strings(path, rline, raw.get("require"), "ambiguous.require"),
                exclude=_strings(path, rline, raw.get("exclude"), "ambiguous.exclude"),
                window=window,
            )
        )
    return tuple(rules)


def _semantic(path: Path, line: int, value: Any) -> Semantic | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(path, line, "semantic must be a mapping {threshold, prototypes}.")
    sline = value.get(_LINE, line)
    unknown = set(value) - _SEMANTIC_KEYS - {_LINE}
    if unknown:
        raise _fail(path, sline, f"unknown keys {sorted(unknown)}; use {sorted(_SEMANTIC_KEYS)}.")
    threshold = value.get("threshold")
    numeric = isinstance(threshold, (int, float)) and not isinstance(threshold, bool)
    if not numeric or not 0 < threshold <= 1:
        raise _fail(path, sline, f"semantic.threshold {threshold!r} must be a number in (0, 1].")
    prototypes = _strings(path, sline, value.get("prototypes"), "semantic.prototypes")
    if not prototypes:
        raise _fail(path, sline, "semantic.prototypes needs at least one example sentence.")
    return Semantic(float(threshold), prototypes)


def _topic(path: Path, topic_id: Any, raw: Any) -> Topic:
    if not isinstance(topic_id, str) or not _TOPIC_ID.match(topic_id):
        line = raw.get(_LINE, "?") if isinstance(raw, dict) else "?"
        raise _fail(path, line,
                    f"topic id {topic_id!r} must be lower_snake_case, e.g. custom_silicon.")
    if not isinstance(raw, dict):
        raise _fail(path, "?", f"topic {topic_id} must be a mapping with description and terms.")
    line = raw[_LINE]
    unknown = set(raw) - _TOPIC_KEYS - {_LINE}
    if unknown:
        raise _fail(path, line, f"topic {topic_id}: unknown keys {sorted(unknown)}; "
                    f"use {sorted(_TOPIC_KEYS)}.")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise _fail(path, line, f"topic {topic_id} needs a description.")
    terms = _strings(path, line, raw.get("terms"), f"{topic_id}.terms")
    case_terms = _strings(path, line, raw.get("case_terms"), f"{topic_id}.case_terms")
    patterns = _patterns(path, line, raw.get("patterns"))
    semantic = _semantic(path, line, raw.get("semantic"))
    if not (terms or case_terms or patterns or semantic):
        raise _fail(path, line, f"topic {topic_id} has no terms, patterns or semantic prototypes.")
    ambiguous = _context_rules(path, line, raw.get("ambiguous"))
    known = {t.lower() for t in terms + case_terms}
    for rule in ambiguous:
        missing = [t for t in rule.terms if t.lower() not in known]
        if missing:
            raise _fail(path, line, f"topic {topic_id}: ambiguous terms {missing} are not in its "
                        "terms or case_terms; add them there first.")
    return Topic(
        id=topic_id,
        description=description.strip(),
        label=str(raw.get("label") or "TOPIC").upper(),
        implies=_strings(path, line, raw.get("implies"), f"{topic_id}.implies"),
        terms=terms,
        case_terms=case_terms,
        patterns=patterns,
        ambiguous=ambiguous,
        semantic=semantic,
        gloss=str(raw["gloss"]).strip() if raw.get("gloss") else None,
    )


def _check_unique_terms(path: Path, raw_topics: dict[str, Any], topics: dict[str, Topic]) -> None:
    """A phrase may belong to one topic only.

    The EntityRuler keeps one entity per span, so a phrase listed under two topics would be
    tagged with one of them, silently and arbitrarily.
    """
    owners: dict[tuple[str, str], str] = {}
    for topic in topics.values():
        keys = [("any", t.lower()) for t in topic.terms]
        keys += [("case", t) for t in topic.case_terms] + [("any", t.lower())
                                                           for t in topic.case_terms]
        for key in dict.fromkeys(keys):
            other = owners.setdefault(key, topic.id)
            if other != topic.id and not (key[0] == "any" and _only_case(topics, key[1])):
                raise _fail(path, raw_topics[topic.id][_LINE],
                            f"topic {topic.id}: {key[1]!r} is already a term of topic {other}; "
                            "a phrase can tag one topic only (use `implies` to count it for both).")


def _only_case(topics: dict[str, Topic], lowered: str) -> bool:
    """True when `lowered` is only ever a case_term (exact case), never a case-insensitive term."""
    return not any(lowered == t.lower() for topic in topics.values() for t in topic.terms)


def load_taxonomy(path: str | Path | None = None, *, heads: bool = True) -> Taxonomy:
    """Read and validate a taxonomy file (default data/topics.yaml).

    Parsed once per file version: search calls this on every query, and a user editing the
    file (new mtime or size) gets the new topics without restarting the app. Retrained heads
    (a new version of the file `heads:` names) also give a new parse, so a new digest.
    `heads=False` ignores the heads (the trainer, which may be writing them for the first time).
    """
    file = Path(path) if path else DEFAULT_TAXONOMY
    taxonomy = load_versioned(file, _parse_taxonomy, what="the topic taxonomy",
                              restore="restore data/topics.yaml or pass another file")
    if taxonomy.heads_path is None:
        return taxonomy
    if not heads:
        return replace(taxonomy, heads_path=None, heads_stamp=None)
    if _stamp(taxonomy.heads_path) != taxonomy.heads_stamp:
        taxonomy = _parse_taxonomy(file, file.read_bytes())
    if taxonomy.heads_stamp is None:
        raise ConfigError(f"{file}: cannot read heads file {taxonomy.heads_path}; train it with "
                          "`python -m nlp.train_topic_heads` or remove `heads:`.")
    return taxonomy


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = path.stat() if path else None
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


def _heads(file: Path, data: dict[str, Any], raw: bytes) -> tuple[Path | None, bytes]:
    """The heads metadata file `heads:` names (relative to the taxonomy file) and its bytes
    (empty when missing: load_taxonomy reports that, unless told to ignore the heads)."""
    name = data.get("heads")
    if name is None:
        return None, b""
    if not isinstance(name, str) or not name.strip():
        raise _fail(file, _key_line(raw, "heads"),
                    f"heads {name!r} must name a file, e.g. heads: topic_heads.yaml.")
    heads = file.parent / name.strip()
    try:
        return heads, heads.read_bytes()
    except OSError:
        return heads, b""


def _key_line(raw_bytes: bytes, key: str) -> int:
    """The line of a top-level key (the loader records lines of mappings, not of scalars)."""
    match = re.search(rf"^{re.escape(key)}:", raw_bytes.decode(errors="replace"), re.M)
    return raw_bytes[:match.start()].count(b"\n") + 1 if match else 1


def _parse_taxonomy(file: Path, raw_bytes: bytes) -> Taxonomy:
    data = load_yaml(raw_bytes, file)
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise _fail(file, 1, "expected a mapping with `topics:` (topic id -> definition).")
    topics = {tid: _topic(file, tid, raw) for tid, raw in data["topics"].items() if tid != _LINE}
    _check_unique_terms(file, data["topics"], topics)
    for topic in topics.values():
        for implied in topic.implies:
            if implied not in topics:
                raise _fail(file, data["topics"][topic.id][_LINE],
                            f"topic {topic.id} implies unknown topic {implied!r}; "
                            f"known: {sorted(topics)}.")
    heads, head_bytes = _heads(file, data, raw_bytes)
    digest = hashlib.sha256(raw_bytes + head_bytes).hexdigest()
    return Taxonomy(topics=topics, path=file, digest=digest, heads_path=heads,
                    heads_stamp=_stamp(heads) if head_bytes else None)
