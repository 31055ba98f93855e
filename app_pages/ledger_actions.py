"""What the Articles page does with an article: draft claims, save the ledger, score it.

Thin glue over the claims library, kept out of the page so the page only renders: drafting
is `claims.draft_io.draft_text` (what `claimtracker claims add` runs), saving is its
validating atomic `write_ledger`, scoring is `claims.score.score_claims`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from claimtracker.config import REPO_DATA_DIR
from claimtracker.db import Store

LEDGER_DIR = REPO_DATA_DIR / "claims"

#: Draft keys that explain a proposal but are not ledger fields.
_EXPLANATION_KEYS = ("line", "worthiness", "topic_scores", "why")


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


def propose(text: str, *, tickers: tuple[str, ...], date: dt.date | None, source: str | None,
            db: Path | None = None) -> dict[str, Any]:
    """A draft {"article", "claims", "summary"} as `claims add` would write it.

    Raises InputError (the page shows it as a question) when a claim's company is unclear.
    """
    from claims.draft_io import draft_text

    con = None
    store = None
    if db is not None and Path(db).exists():
        try:
            store = Store.open(db, read_only=True)
            con = store.con
        except Exception:  # a locked or foreign DB: companies come from the data files alone
            store = None
    try:
        draft = draft_text(text, source=source or "pasted into the claimtracker app",
                           tickers=tickers, date=date, con=con)
    finally:
        if store is not None:
            store.close()
    claims = []
    for item in draft.drafts:
        claim = {k: v for k, v in item.items() if k not in _EXPLANATION_KEYS}
        claim["why"] = f"line {item.get('line')}: {item.get('why', '')}".strip()
        claims.append(claim)
    return {"article": draft.article, "claims": claims, "summary": draft.summary()}


def ledger_for(draft: dict[str, Any], claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The ledger to save: the draft's article and the edited claims."""
    out = []
    for claim in claims:
        clean = {k: v for k, v in claim.items() if k != "why" and v not in (None, "", [], {})}
        if clean.get("kind") == "narrative":
            clean.pop("metric", None)
        out.append(clean)
    tickers = sorted({c["ticker"] for c in out if c.get("ticker")})
    article = {**draft["article"]}
    if tickers:
        article["tickers"] = sorted(set(article.get("tickers") or []) | set(tickers))
        if article.get("ticker") not in tickers:
            article["ticker"] = tickers[0]
    return {"article": article, "claims": out}


def dump(ledger: dict[str, Any]) -> str:
    return yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False, width=100)


def save(ledger: dict[str, Any], path: Path) -> Path:
    """Validate and write atomically (claims.draft_io.write_ledger); overwrites on purpose:
    the page's user saves the ledger they are editing."""
    from claims.draft_io import write_ledger

    write_ledger(dump(ledger), path, force=True)
    return path


def score(db: Path, ledger: Path,
          on_claim: Callable[[int, int, str], None] | None = None) -> list[dict[str, Any]]:
    """Score one ledger into the DB; the `score --format json` objects."""
    from claims.score import score_claims

    with Store.open(db) as store:
        return score_claims(store, ledger_paths=[ledger], on_claim=on_claim)
