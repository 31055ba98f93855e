"""Match a draft ledger's claims to hand labels and compute the figures bench/claims_eval.py prints.

Pure functions over plain data (label sets, draft claims as dicts, `score --format json` rows),
so the matching and the metrics can be checked without running the CLI.

Matching rules (the issue's contract):
- a draft claim matches a labelled claim when one normalised quote contains the other or their
  token Jaccard is >= 0.5; each labelled claim takes its best-overlapping draft;
- verdict agreement over labelled (claim, quarter) pairs: exact 1, mixed against supported or
  contradicted 0.5, anything else (or no row) 0;
- an evidence sentence hits when it contains / is contained in a justifying sentence
  (normalised) or their token Jaccard is >= 0.6; hit@3 and precision@3 are taken over the
  pairs labelled supported or contradicted. A justifying sentence from an Event Brief's
  vendor bullets ("Up 18% YoverY.") is compared as ingest stores it: the shorthand rewritten
  by data/transcript_summaries.yaml ("Up 18% year over year"), its parents in front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claims_eval_labels import LabelClaim, LabelSet, jaccard, norm, tokens

QUOTE_JACCARD = 0.5
EVIDENCE_JACCARD = 0.6
MIN_TOKENS = 4
TOP_K = 3
# Alphabet trades as GOOG and GOOGL (one CIK); the labels use GOOG.
TICKER_ALIASES = {"GOOGL": "GOOG"}
DECIDED = ("supported", "contradicted")


def canonical(ticker: str | None) -> str | None:
    if not ticker:
        return None
    ticker = str(ticker).upper()
    return TICKER_ALIASES.get(ticker, ticker)


def canonical_metric(metric: str | None) -> str | None:
    """A segment metric of the catalogue (cloud_revenue, data_center_revenue: segment members
    of `revenue`) counts as the labels' `segment_revenue`, a growth rate (`growth(revenue)`)
    as its metric; other ids compare as they are."""
    if not metric:
        return None
    try:
        from claimtracker.metric_catalog import load_catalog

        definition = load_catalog().get(str(metric))
    except Exception:  # unknown id or no catalogue: compare the raw id
        return str(metric)
    if definition.is_segment and definition.of == "revenue":
        return "segment_revenue"
    growth = re.fullmatch(r"growth\((\w+)\)", (definition.formula or "").strip())
    return growth.group(1) if growth else str(metric)  # revenue_growth counts as revenue


def quote_overlap(a: str, b: str) -> float:
    """1.0 for containment either way, else token Jaccard (0..1)."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return 0.0
    if (na in nb or nb in na) and min(len(tokens(a)), len(tokens(b))) >= 3:
        return 1.0
    return jaccard(a, b)


def _as_stored(sentence: str) -> str:
    """The sentence with the vendor shorthand rewritten the way ingest stores it, without
    its closing stop (a stored bullet goes on: "Revenue $26 billion - Down 12% ...")."""
    from ingest.transcripts.event_brief import load_summary_rules

    return load_summary_rules().plain(sentence).rstrip(" .;")


def evidence_hits(text: str, justifying: list[str]) -> bool:
    """Containment either way (the shorter side needs MIN_TOKENS words, so "Yes." never hits)
    or token Jaccard >= EVIDENCE_JACCARD."""
    nt = norm(text)
    for raw in justifying:
        sentence = _as_stored(raw)
        ns = norm(sentence)
        if not nt or not ns:
            continue
        short = min(len(tokens(text)), len(tokens(sentence)))
        if (short >= MIN_TOKENS and (nt in ns or ns in nt)) \
                or jaccard(text, sentence) >= EVIDENCE_JACCARD:
            return True
    return False


@dataclass
class Match:
    """labelled claim id -> draft claim (dict with id, quote, ticker, metric, direction)."""

    pairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    spurious: list[dict[str, Any]] = field(default_factory=list)
    spurious_filler: int = 0


def match_claims(labels: LabelSet, drafts: list[dict[str, Any]]) -> Match:
    match = Match()
    best: dict[str, tuple[tuple[float, float], dict[str, Any]]] = {}
    for draft in drafts:
        matched = False
        for claim in labels.claims:
            overlap = quote_overlap(draft.get("quote", ""), claim.quote)
            if overlap >= QUOTE_JACCARD:
                matched = True
                # containment ties (a draft spanning two labelled sentences) go to the closer one
                rank = (overlap, jaccard(draft.get("quote", ""), claim.quote))
                if rank > best.get(claim.id, ((0.0, 0.0), {}))[0]:
                    best[claim.id] = (rank, draft)
        if not matched:
            match.spurious.append(draft)
            if any(quote_overlap(draft.get("quote", ""), f) >= QUOTE_JACCARD
                   for f in labels.not_claims):
                match.spurious_filler += 1
    match.pairs = {cid: d for cid, (_, d) in best.items()}
    return match


def _ratio(num: float, den: int) -> float | None:
    return round(num / den, 3) if den else None


def verdict_credit(label: str, got: str | None) -> float:
    if got == label:
        return 1.0
    if {label, got} in ({"mixed", "supported"}, {"mixed", "contradicted"}):
        return 0.5
    return 0.0


def field_accuracy(labels: LabelSet, match: Match) -> dict[str, float | None]:
    found = [(c, match.pairs[c.id]) for c in labels.claims if c.id in match.pairs]
    company = sum(canonical(d.get("ticker")) == canonical(c.ticker) for c, d in found)
    metric = sum(canonical_metric(d.get("metric")) == (c.metric or None) for c, d in found)
    direction = sum(d.get("direction") == c.direction for c, d in found)
    timed = [(c, d) for c, d in found if c.horizon]
    horizon = sum(d.get("horizon") == c.horizon for c, d in timed)
    return {"company_acc": _ratio(company, len(found)), "metric_acc": _ratio(metric, len(found)),
            "direction_acc": _ratio(direction, len(found)),
            "horizon_acc": _ratio(horizon, len(timed))}


def score_rows_by_claim(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(str(r["claim_id"]), str(r["quarter"])): r for r in rows}


def verdict_and_evidence(labels: LabelSet, claim_to_draft_id: dict[str, str],
                         rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Agreement, hit@3, precision@3 and the confusion of labelled pairs.

    claim_to_draft_id maps a labelled claim id to the claim id its scored ledger uses (the same
    id for the hand ledger, the matched draft's id for a draft ledger).
    """
    by_key = score_rows_by_claim(rows)
    credit, pairs, hits, precisions, decided, exact = 0.0, 0, 0, [], 0, 0
    confusion: dict[str, dict[str, int]] = {}
    wrong: list[dict[str, Any]] = []
    every: list[dict[str, Any]] = []  # each labelled pair with the scorer's answer (--json)
    for claim in labels.claims:
        for lq in claim.quarters:
            pairs += 1
            draft_id = claim_to_draft_id.get(claim.id)
            row = by_key.get((draft_id, lq.quarter)) if draft_id else None
            got = row["verdict"] if row else "missing"
            confusion.setdefault(lq.verdict, {}).setdefault(got, 0)
            confusion[lq.verdict][got] += 1
            credit += verdict_credit(lq.verdict, got)
            exact += got == lq.verdict
            shown = (row or {}).get("evidence", [])
            every.append({"claim": claim.id, "quarter": lq.quarter, "label": lq.verdict,
                          "scorer": got, "score": (row or {}).get("score"),
                          "reason": (row or {}).get("reason", "no result"),
                          "horizon": claim.horizon, "metric": claim.metric,
                          # rank (1-based) of each shown sentence the labels cite, and stances
                          "label_ranks": [i + 1 for i, e in enumerate(shown)
                                          if evidence_hits(e.get("text", ""), lq.evidence)],
                          "stances": [e.get("stance") for e in shown]})
            if got != lq.verdict:
                wrong.append({"claim": claim.id, "quarter": lq.quarter, "label": lq.verdict,
                              "scorer": got, "reason": (row or {}).get("reason", "no result")})
            if lq.verdict in DECIDED:
                decided += 1
                top = [e.get("text", "") for e in (row or {}).get("evidence", [])[:TOP_K]]
                good = sum(evidence_hits(t, lq.evidence) for t in top)
                hits += good > 0
                precisions.append(good / len(top) if top else 0.0)
    return {"pairs": pairs, "agreement": _ratio(credit, pairs), "exact": _ratio(exact, pairs),
            "decided_pairs": decided,
            "evidence_hit@3": _ratio(hits, decided),
            "evidence_p@3": _ratio(sum(precisions), decided),
            "confusion": confusion, "wrong": wrong, "pairs_detail": every}


def claim_counts(labels: LabelSet, match: Match, n_drafts: int) -> dict[str, Any]:
    found = len(match.pairs)
    return {"labelled": len(labels.claims), "drafts": n_drafts, "found": found,
            "missed": len(labels.claims) - found, "spurious": len(match.spurious),
            "spurious_filler": match.spurious_filler,
            "recall": _ratio(found, len(labels.claims))}


def missed_claims(labels: LabelSet, match: Match) -> list[LabelClaim]:
    return [c for c in labels.claims if c.id not in match.pairs]
