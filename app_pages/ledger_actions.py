"""What the Articles page does with an article: draft claims, save the ledger, score it.

No logic of its own: drafting, the editable claims, the ledger of edited claims, validation
and the atomic write are `claims.draft_io` (what `claimtracker claims add` runs), scoring is
`claims.score.score_claims`. This module only fixes where the app keeps ledgers (LEDGER_DIR)
and shapes results for the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from claims import draft_io
from claims.ledger import DEFAULT_LEDGER_DIR
from claimtracker.db import Store

LEDGER_DIR = DEFAULT_LEDGER_DIR


def ledger_path(article_id: str) -> Path:
    return draft_io.ledger_path(article_id, LEDGER_DIR)


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


def propose(text: str, *, tickers: tuple[str, ...], date: dt.date | None, source: str | None,
            db: Path | None = None) -> dict[str, Any]:
    """A draft {"article", "claims", "summary"} as `claims add` would write it.

    Raises InputError (the page shows it as a question) when a claim's company is unclear.
    """
    draft = draft_io.draft_for_review(text, source=source or "pasted into the claimtracker app",
                                      tickers=tickers, date=date, db=db)
    return {"article": draft.article, "claims": draft_io.editable_claims(draft),
            "summary": draft.summary()}


def ledger_for(draft: dict[str, Any], claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The ledger to save: the draft's article and the edited claims."""
    return draft_io.ledger_from_edited(draft["article"], claims)


def dump(ledger: dict[str, Any]) -> str:
    return draft_io.ledger_yaml(ledger)


def save(ledger: dict[str, Any], path: Path) -> Path:
    """Validate and write atomically; overwrites on purpose: the page's user saves the ledger
    they are editing, and a validation error names the line of their edit."""
    draft_io.write_ledger(dump(ledger), path, force=True, drafted=False)
    return path


def score(db: Path, ledger: Path,
          on_claim: Callable[[int, int, str], None] | None = None) -> list[dict[str, Any]]:
    """Score one ledger into the DB; the `score --format json` objects."""
    from claims.score import score_claims

    with Store.open(db) as store:
        return score_claims(store, ledger_paths=[ledger], on_claim=on_claim)
