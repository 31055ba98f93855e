"""What a claim report holds: one article checked claim by claim, gathered from the read models.

Why a separate gathering step: the HTML, Markdown and PDF renderers must show the same facts,
and those facts must be the app's (views_claims for verdicts and evidence, nlp.provenance for
links, claims.render for verdict labels), so this module only collects and never decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claims.render import VERDICT_STYLE, plain_quote
from claimtracker.db import Store
from claimtracker.errors import InputError
from pipeline import views, views_claims

#: Evidence sentences shown per quarter, and quarters of evidence shown per claim (newest).
EVIDENCE_PER_QUARTER = 3
EVIDENCE_QUARTERS = 4

HOW_VERDICTS_ARE_MADE = (
    "Each claim is checked quarter by quarter against management's own language (management "
    "turns of earnings calls, earnings releases and 10-K/10-Q text; analysts never count) and, "
    "when the claim names a metric, against the reported numbers (XBRL facts). Transparent "
    "rules in data/stance.yaml decide whether a sentence supports or contradicts the claim; "
    "the quarter's verdict weighs those sentences with the metric's change: supported, mixed, "
    "contradicted, or not discussed when management said nothing on it. The latest verdict "
    "is the one for the quarter the claim speaks of (its time frame).")


@dataclass
class ClaimReport:
    claim: dict[str, Any]
    quote: str
    latest: dict[str, Any] | None
    scores: list[dict[str, Any]]
    evidence: dict[str, list[dict[str, Any]]]   # quarter -> top sentences, newest first
    numbers: list[dict[str, Any]]                # the metric per quarter, with its source


@dataclass
class Report:
    article: dict[str, Any]
    claims: list[ClaimReport]
    coverage: list[dict[str, Any]]
    generated: str
    db: str
    verdict_labels: dict[str, str] = field(default_factory=dict)
    method: str = HOW_VERDICTS_ARE_MADE


def _article(store: Store, article_id: str) -> dict[str, Any]:
    found = [a for a in views_claims.articles(store) if a["article_id"] == article_id]
    if not found:
        known = ", ".join(a["article_id"] for a in views_claims.articles(store)) or "none yet"
        raise InputError(f"report: no article {article_id!r} in this DB (articles: {known}); "
                         "score its ledger first: claimtracker score --claims LEDGER.yaml")
    return found[0]


def _evidence(store: Store, article_id: str, claim_id: str) -> dict[str, list[dict[str, Any]]]:
    by_quarter: dict[str, list[dict[str, Any]]] = {}
    for item in views_claims.claim_evidence(store, article_id, claim_id):
        key = f"{item['ticker']} {item['quarter']}"
        if key not in by_quarter and len(by_quarter) >= EVIDENCE_QUARTERS:
            continue
        rows = by_quarter.setdefault(key, [])
        if len(rows) < EVIDENCE_PER_QUARTER:
            rows.append(item)
    return by_quarter


def _numbers(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for s in scores:
        metric = s.get("metric")
        if isinstance(metric, dict) and metric.get("value") is not None:
            out.append({"ticker": s["ticker"], "quarter": s["quarter"],
                        "metric": metric.get("name"), "value": metric.get("value"),
                        "unit": metric.get("unit"), "yoy": metric.get("yoy"),
                        "qoq": metric.get("qoq"), "change_unit": metric.get("change_unit"),
                        "source": metric.get("source"), "accession": metric.get("accession"),
                        "summary": metric.get("summary")})
    return out


def build_report(store: Store, article_id: str, *, db_path: Path | str,
                 today: dt.date | None = None) -> Report:
    """Everything the report shows for one article, read from the DB."""
    article = _article(store, article_id)
    claims = []
    tickers: set[str] = set()
    for claim in views_claims.claims_with_timelines(store, article_id):
        scores = views_claims.claim_scores(store, article_id, claim["claim_id"])
        tickers |= {s["ticker"] for s in scores}
        claims.append(ClaimReport(
            claim=claim, quote=plain_quote(claim.get("quote")), latest=claim.get("latest"),
            scores=scores, evidence=_evidence(store, article_id, claim["claim_id"]),
            numbers=_numbers(scores)))
    coverage = [r for r in views.coverage(store) if (r.get("ticker") or "") in tickers]
    return Report(
        article=article, claims=claims, coverage=coverage,
        generated=(today or dt.date.today()).isoformat(), db=str(db_path),
        verdict_labels={v: s.label for v, s in VERDICT_STYLE.items()})
