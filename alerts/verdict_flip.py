"""`verdict_flip`: a claim's verdict changed between consecutive quarters that judged it.

Why only supported / mixed / contradicted: `not_discussed` says management was silent on the
claim, not that it turned; a flip is measured against the previous quarter that took a side,
so a claim supported, then not discussed for a year, then contradicted, is one flip. Each
alert carries both quarters' deciding evidence (claim_evidence), so the reader sees why.
"""

from __future__ import annotations

from typing import Any

from alerts.model import Alert
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

KIND = "verdict_flip"
_TAKES_SIDE = ("supported", "mixed", "contradicted")
_STANCE_ORDER = {"supports": 0, "contradicts": 0, "neutral": 1}


def _evidence(store: Store, key: tuple[str, str, str], quarter: FiscalQuarter,
              limit: int) -> list[dict[str, Any]]:
    """The quarter's evidence that took a side first, then by rank."""
    rows = store.con.execute(
        "SELECT text, stance, source, url, speaker, doc_type, rank FROM claim_evidence "
        "WHERE article_id = ? AND claim_id = ? AND ticker = ? AND fiscal_year = ? "
        "AND fiscal_quarter = ? ORDER BY rank",
        [*key, quarter.year, quarter.quarter],
    ).fetchall()
    rows.sort(key=lambda r: (_STANCE_ORDER.get(r[1], 1), r[6]))
    return [{"text": r[0], "source": f"{quarter} {r[5] or ''} {r[2] or ''}".strip(),
             "url": r[3], "stance": r[1], "speaker": r[4]} for r in rows[:limit]]


def _severity(before: str, after: str, moved: float, mixed_severity: float) -> float:
    """Full flips outrank moves into or out of mixed; a bigger score swing ranks higher."""
    base = 1.0 if {before, after} == {"supported", "contradicted"} else mixed_severity
    return base * min(1.0, 0.6 + 0.2 * moved)  # scores lie in [-1, 1]: moved <= 2


def verdict_flips(store: Store, settings: dict[str, Any],
                  tickers: list[str] | None = None) -> list[Alert]:
    """Every flip in claim_scores (all quarters: the history is what a new reader sees)."""
    params: list[Any] = list(_TAKES_SIDE)
    where = ""
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params += [t.upper() for t in tickers]
    rows = store.con.execute(
        "SELECT s.article_id, s.claim_id, s.ticker, s.fiscal_year, s.fiscal_quarter, s.verdict, "
        "s.score, s.reason, c.statement FROM claim_scores s JOIN claims c "
        "ON c.article_id = s.article_id AND c.claim_id = s.claim_id "
        f"WHERE s.verdict IN (?, ?, ?){where} "
        "ORDER BY s.article_id, s.claim_id, s.ticker, s.fiscal_year, s.fiscal_quarter",
        params,
    ).fetchall()
    alerts: list[Alert] = []
    previous: dict[tuple[str, str, str], tuple[FiscalQuarter, str, float, str]] = {}
    limit = int(settings["evidence_per_quarter"])
    for article, claim, ticker, year, q, verdict, score, reason, statement in rows:
        key = (article, claim, ticker)
        quarter = FiscalQuarter(year, q)
        before = previous.get(key)
        previous[key] = (quarter, verdict, score, reason)
        if before is None or before[1] == verdict:
            continue
        old_quarter, old_verdict, old_score, old_reason = before
        evidence = (_evidence(store, key, quarter, limit)
                    + _evidence(store, key, old_quarter, limit))
        alerts.append(Alert(
            kind=KIND, ticker=ticker, quarter=quarter, subject=f"{article}/{claim}",
            severity=_severity(old_verdict, verdict, abs(score - old_score),
                               float(settings["mixed_severity"])),
            title=f"{claim}: {old_verdict} in {old_quarter} -> {verdict} in {quarter}",
            detail=(f"Claim \u201c{statement}\u201d ({article}) was {old_verdict} in {old_quarter} "
                    f"({old_reason}) and is {verdict} in {quarter} ({reason})."),
            evidence=evidence,
            numbers={"article_id": article, "claim_id": claim, "from": old_verdict,
                     "to": verdict, "from_quarter": str(old_quarter),
                     "score_before": old_score, "score_after": score},
        ))
    return alerts
