"""`verdict_flip`: a claim's verdict changed between consecutive quarters that judged it.

Why only supported / mixed / contradicted: `not_discussed` says management was silent on the
claim, not that it turned; a flip is measured against the previous quarter that took a side,
so a claim supported, then not discussed for a year, then contradicted, is one flip. Why
`persist_quarters` and `include_mixed` (data/alerts.yaml): a claim scored near the line
alternates quarter by quarter (the seed's robots-fixed-cost flipped ~10 times), which is
noise, not news; a verdict that holds for N quarters is a change. Each alert carries both
quarters' deciding evidence (claim_evidence), so the reader sees why.
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


class _Track:
    """One claim's established verdict, and the run of a different verdict challenging it."""

    def __init__(self, quarter: FiscalQuarter, verdict: str, score: float, reason: str):
        self.settled = (quarter, verdict, score, reason)  # last quarter of the settled verdict
        self.challenger: list[tuple[FiscalQuarter, str, float, str]] = []


def verdict_flips(store: Store, settings: dict[str, Any],
                  tickers: list[str] | None = None) -> list[Alert]:
    """Every confirmed flip in claim_scores (all quarters: the history is what a new reader
    sees). A new verdict must hold `persist_quarters` quarters that judged the claim before it
    counts; the alert is dated the quarter it began. Without `include_mixed`, `mixed` takes no
    side: only supported <-> contradicted flips, with mixed quarters skipped like silence."""
    sides = _TAKES_SIDE if settings["include_mixed"] else ("supported", "contradicted")
    persist = int(settings["persist_quarters"])
    params: list[Any] = list(sides)
    where = ""
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params += [t.upper() for t in tickers]
    rows = store.con.execute(
        "SELECT s.article_id, s.claim_id, s.ticker, s.fiscal_year, s.fiscal_quarter, s.verdict, "
        "s.score, s.reason, c.statement FROM claim_scores s JOIN claims c "
        "ON c.article_id = s.article_id AND c.claim_id = s.claim_id "
        f"WHERE s.verdict IN ({', '.join('?' for _ in sides)}){where} "
        "ORDER BY s.article_id, s.claim_id, s.ticker, s.fiscal_year, s.fiscal_quarter",
        params,
    ).fetchall()
    alerts: list[Alert] = []
    tracks: dict[tuple[str, str, str], _Track] = {}
    limit = int(settings["evidence_per_quarter"])
    for article, claim, ticker, year, q, verdict, score, reason, statement in rows:
        key = (article, claim, ticker)
        quarter = FiscalQuarter(year, q)
        track = tracks.get(key)
        if track is None:
            tracks[key] = _Track(quarter, verdict, score, reason)
            continue
        if verdict == track.settled[1]:
            track.settled, track.challenger = (quarter, verdict, score, reason), []
            continue
        if track.challenger and track.challenger[0][1] != verdict:
            track.challenger = []  # e.g. mixed, then contradicted: the run starts again
        track.challenger.append((quarter, verdict, score, reason))
        if len(track.challenger) < persist:
            continue
        old_quarter, old_verdict, old_score, old_reason = track.settled
        new_quarter, _, new_score, new_reason = track.challenger[0]
        track.settled, track.challenger = (quarter, verdict, score, reason), []
        held = f", held through {quarter}" if quarter != new_quarter else ""
        evidence = (_evidence(store, key, new_quarter, limit)
                    + _evidence(store, key, old_quarter, limit))
        alerts.append(Alert(
            kind=KIND, ticker=ticker, quarter=new_quarter, subject=f"{article}/{claim}",
            severity=_severity(old_verdict, verdict, abs(new_score - old_score),
                               float(settings["mixed_severity"])),
            title=f"{claim}: {old_verdict} in {old_quarter} -> {verdict} in {new_quarter}",
            detail=(f"Claim \u201c{statement}\u201d ({article}) was {old_verdict} in "
                    f"{old_quarter} ({old_reason}) and is {verdict} in {new_quarter} "
                    f"({new_reason}{held})."),
            evidence=evidence,
            numbers={"article_id": article, "claim_id": claim, "from": old_verdict,
                     "to": verdict, "from_quarter": str(old_quarter),
                     "confirmed_quarter": str(quarter), "held_quarters": persist,
                     "score_before": old_score, "score_after": new_score},
        ))
    return alerts
