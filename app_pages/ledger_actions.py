"""What the Articles page does with an article: propose claims, save the ledger, score it.

Thin glue over the claims library (claims.extract, claims.ledger, claims.score), kept out of
the page so the page only renders. The topic mapper (multilingual-e5) loads once per server.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from claimtracker.config import REPO_DATA_DIR
from claimtracker.db import Store

LEDGER_DIR = REPO_DATA_DIR / "claims"

#: Draft keys that explain a proposal but are not ledger fields.
_EXPLANATION_KEYS = ("line", "worthiness", "topic_scores")


def ledger_path(article_id: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in article_id.lower())
    return LEDGER_DIR / f"{safe.strip('-') or 'article'}.yaml"


def ledger_files() -> list[tuple[Path, int]]:
    """Ledger files on disk with their number of claims (unreadable files count as 0)."""
    out = []
    for path in sorted(LEDGER_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            data = {}
        out.append((path, len(data.get("claims") or []) if isinstance(data, dict) else 0))
    return out


@st.cache_resource(show_spinner=False)
def topic_mapper() -> Any:
    """claims.topic_map.TopicMapper with its multilingual model, loaded once per server."""
    from claims.topic_map import TopicMapper

    return TopicMapper()


def propose(text: str, *, title: str | None, ticker: str | None, language: str | None,
            source: str | None) -> dict[str, Any]:
    """A draft ledger {"article": {...}, "claims": [...]} proposed from the article's text.

    Each claim keeps a `why` string (check-worthiness reasons and topic scores) for the
    page to show; `ledger_for` drops it again before saving.
    """
    from claims.extract import detect_language, guess_ticker, propose_claims
    from claims.sentences import split_sentences

    drafts = propose_claims(split_sentences(text), mapper=topic_mapper())
    claims = []
    for draft in drafts:
        worth = draft.get("worthiness")
        reasons = ", ".join(getattr(worth, "reasons", []) or [])
        topics = ", ".join(f"{t} z={z:+.2f}" for t, z in draft.get("topic_scores", []))
        claim = {k: v for k, v in draft.items() if k not in _EXPLANATION_KEYS}
        claim["why"] = f"line {draft.get('line')}: {reasons}; {topics}".strip()
        claims.append(claim)
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    article = {
        "title": title or first_line[:120] or "Untitled article",
        "source": source or "pasted into the claimtracker app",
        "language": language or detect_language(text),
        "date": dt.date.today(),
        "ticker": (ticker or guess_ticker(text) or "").upper(),
    }
    return {"article": article, "claims": claims}


def ledger_for(draft: dict[str, Any], claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The ledger to save: the draft's article and the edited claims (cues kept by id)."""
    cues = {c.get("id"): c.get("cues") for c in draft.get("claims", [])}
    out = []
    for claim in claims:
        clean = {k: v for k, v in claim.items() if k != "why" and v not in (None, "", [])}
        if "cues" not in clean and cues.get(clean.get("id")):
            clean["cues"] = cues[clean["id"]]
        if clean.get("kind") == "narrative":
            clean.pop("metric", None)
        out.append(clean)
    return {"article": draft["article"], "claims": out}


def dump(ledger: dict[str, Any]) -> str:
    return yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False, width=100)


def validate(ledger: dict[str, Any], name: str) -> None:
    """Raise claims' ConfigError (naming the line) when the ledger would not load."""
    from claims.ledger import load_ledger

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(dump(ledger), encoding="utf-8")
        load_ledger(path)


def save(ledger: dict[str, Any], path: Path) -> Path:
    """Validate, then write the ledger YAML (atomically: a half-written ledger never exists)."""
    validate(ledger, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump(ledger), encoding="utf-8")
    tmp.replace(path)
    return path


def score(db: Path, ledger: Path) -> list[dict[str, Any]]:
    """Score one ledger into the DB; the `score --format json` objects."""
    from claims.score import score_claims

    with Store.open(db) as store:
        return score_claims(store, ledger_paths=[ledger])
