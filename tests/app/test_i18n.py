"""The app's label file (data/ui_labels.yaml) against the code that asks for labels.

Every `t("key")` in app.py and app_pages/ must name a key of the file, and every key of the
file must be asked for (a literal key, or a family such as `term("verdict", ...)`); the
vocabularies the app translates (verdicts, roles, alert kinds...) must be covered whole; a
broken file is refused naming file:line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app_pages.i18n import LABELS_FILE, LANGUAGES, load_labels
from claimtracker.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
SOURCES = [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py"))]
HANGUL = re.compile("[\uac00-\ud7a3]")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "i18n":
        return func.attr
    return None


def label_uses() -> tuple[set[str], set[str], list[str]]:
    """(literal keys, key prefixes of families, calls whose key cannot be read) in the app."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    unreadable: list[str] = []
    for source in SOURCES:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        # t() and term() themselves (app_pages/i18n.py) look labels up by a variable.
        inside_lookup = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                         and f.name in ("t", "term") for n in ast.walk(f)}
        for node in ast.walk(tree):
            if id(node) in inside_lookup or not isinstance(node, ast.Call) or not node.args:
                continue
            name, first = _name(node.func), node.args[0]
            if name not in ("t", "term"):
                continue
            where = f"{source.name}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                (keys if name == "t" else prefixes).add(
                    first.value if name == "t" else first.value + ".")
            elif name == "t" and isinstance(first, ast.JoinedStr) and first.values \
                    and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
            else:
                unreadable.append(where)
    return keys, prefixes, unreadable


def test_every_label_asked_for_exists_and_every_label_is_used() -> None:
    labels = load_labels()
    keys, prefixes, unreadable = label_uses()
    assert not unreadable, f"label keys must be literal strings: {unreadable}"
    assert len(keys) > 150  # the scan sees the app's labels (not an empty walk)
    assert sorted(keys - set(labels)) == [], f"ask for keys missing from {LABELS_FILE}"
    assert [p for p in prefixes if not any(k.startswith(p) for k in labels)] == []
    unused = [k for k in labels if k not in keys and not any(k.startswith(p) for p in prefixes)]
    assert unused == [], f"keys no page asks for (remove them or use them): {unused}"


def test_translated_vocabularies_are_covered_whole() -> None:
    from alerts.engine import KINDS as ALERT_KINDS
    from claims.ledger import HORIZONS, KINDS
    from claims.render import VERDICT_STYLE
    from claims.stance_rules import DIRECTIONS
    from ingest.transcripts.model import ROLES, SECTIONS

    labels = load_labels()
    for family, values in (("verdict", VERDICT_STYLE), ("alert_kind", ALERT_KINDS),
                           ("kind", KINDS), ("horizon", HORIZONS), ("direction", DIRECTIONS),
                           ("role", ROLES), ("section", SECTIONS),
                           ("doc_type", ("transcript", "earnings_release", "10-Q", "10-K")),
                           ("stance", ("supports", "contradicts", "neutral"))):
        have = {k.split(".", 1)[1] for k in labels if k.startswith(family + ".")}
        assert have == set(values), family
    # English verdict names are claims.render's, so the CLI and the app agree.
    assert {v: labels[f"verdict.{v}"]["en"] for v in VERDICT_STYLE} == \
        {v: s.label for v, s in VERDICT_STYLE.items()}


def test_korean_labels_are_korean_and_follow_the_glossary() -> None:
    labels = load_labels()
    # Without Hangul: a format with no words of its own ("{label} {quarter}") and "ID".
    assert sorted(k for k, v in labels.items() if not HANGUL.search(v["ko"])) == \
        ["articles.col.id", "metrics.card"]
    glossary = {"verdict.supported": "지지됨", "verdict.mixed": "혼재",
                "verdict.contradicted": "반박됨", "verdict.not_discussed": "언급 없음",
                "claims.evidence": "분기별 근거", "nav.claims": "주장"}
    assert {k: labels[k]["ko"] for k in glossary} == glossary


BAD_FILES = [
    ("labels:\n  a.b: {en: Hello}\n", 2, "missing ['ko']"),
    ("labels:\n  a.b: {en: Hello, ko: 안녕, fr: Salut}\n", 2, "unknown ['fr']"),
    ("labels:\n  a.b: {en: Hello, ko: ''}\n", 2, "has no ko text"),
    ("labels:\n  x: {en: ok, ko: 좋음}\n  a.b:\n    en: '{n} hits'\n    ko: '검색 결과 {k}건'\n",
     4, "same placeholders"),
    ("labels:\n  a.b: {en: 'open {', ko: '열기 {'}\n", 2, "broken {placeholder}"),
    ("labels:\n  x: {en: ok, ko: 좋음}\n  a.b: Hello\n", 3, "must be {en: ..., ko: ...}"),
    ("labels:\n  a.b: {en: Hello, ko: [안녕]\n", 3, "not valid YAML"),
    ("- just a list\n", None, "expected `labels:`"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_FILES)
def test_a_broken_label_file_is_refused_with_file_and_line(tmp_path, text, line,
                                                            message) -> None:
    path = tmp_path / "ui_labels.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_labels(path)
    where = f"{path}:{line}:" if line else f"{path}:"
    assert str(caught.value).startswith(where), str(caught.value)
    assert message in str(caught.value)


def test_the_repo_label_file_loads_with_every_language() -> None:
    labels = load_labels()
    assert all(set(texts) == set(LANGUAGES) for texts in labels.values())
