"""What the Articles page does with an article: propose claims, save the ledger, score it.

Thin glue over the claims engineer's library (claims.extract, claims.ledger, claims.score);
kept out of the page so the page only renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from claimtracker.config import REPO_DATA_DIR
from claimtracker.db import Store

LEDGER_DIR = REPO_DATA_DIR / "claims"


def ledger_path(article_id: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in article_id).strip("-")
    return LEDGER_DIR / f"{safe or 'article'}.yaml"


def ledger_files() -> list[tuple[Path, int]]:
    """Ledger files on disk with their number of claims (unreadable files count as 0)."""
    out = []
    for path in sorted(LEDGER_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            data = {}
        out.append((path, len(data.get("claims") or [])))
    return out


@st.cache_resource(show_spinner=False)
def _multilingual_model() -> Any:
    """Loaded once per server: claims extraction matches Korean sentences to English topics."""
    from claimtracker.models import multilingual_model

    return multilingual_model()


def propose(text: str, *, article_id: str, title: str | None, ticker: str | None,
            language: str | None) -> dict[str, Any]:
    """A draft ledger (the YAML's structure as a dict) proposed from the article's text."""
    from claims import extract

    _multilingual_model()
    draft = extract.draft_ledger(text, article_id=article_id, title=title, ticker=ticker,
                                 language=language)
    draft.setdefault("claims", [])
    return draft


def dump(ledger: dict[str, Any]) -> str:
    return yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False)


def save(ledger: dict[str, Any], path: Path) -> Path:
    """Write the ledger YAML, then load it back with claims.ledger so a bad edit fails here."""
    from claims.ledger import load_ledger

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(dump(ledger), encoding="utf-8")
    load_ledger(tmp)
    tmp.replace(path)
    return path


def score(db: Path, ledger: Path) -> list[dict[str, Any]]:
    """Score one ledger into the DB (a short write transaction); the `score --format json` rows."""
    from claims.score import score_claims

    with Store.open(db) as store:
        return score_claims(store, ledger_paths=[ledger])
