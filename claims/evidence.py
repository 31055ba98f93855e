"""Evidence for a claim in one quarter: the best sentences of management language.

Retrieval is driven by the claim's own words (claims.query), not by a fixed taxonomy: hybrid
search over the claim's company and timeline, fused with a topic-restricted search when the
ledger names topics (topics only add recall). A Korean claim is searched with its English
names and glossary terms, then each quarter's shortlist is reranked by multilingual-e5 on the
Korean quote itself (claims.crosslingual). Each quarter's head is then re-ranked by the claim's
key terms and reported figures (claims.evidence_rank, data/evidence.yaml), so the sentence that
justifies a verdict leads the evidence. Only management speaks for the company here:
management turns of calls and the sentences of earnings releases and filings (role NULL).
Analysts' questions, operator lines and investor-relations boilerplate are dropped, whatever
their rank. The same call can be ingested in two formats, so identical sentences are kept once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from claims.anaphora import judge_in_context
from claims.crosslingual import CrossLingualReranker, default_reranker
from claims.evidence_rank import key_terms, lead_order, rank_candidates
from claims.evidence_settings import evidence_settings
from claims.ledger import Claim
from claims.passage_vectors import prepare_passages
from claims.query import ClaimQuery, claim_query, is_korean
from claims.settings import ScoringSettings, scoring_settings
from claims.stance import NEUTRAL, StanceModel, StanceResult
from claims.stance_events import claim_event
from claims.stance_rules import load_stance_rules
from claims.stance_subjects import event_of
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import MANAGEMENT_SQL, is_management

RRF_K = 60

SearchFn = Callable[..., list[dict[str, Any]]]


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def default_search() -> SearchFn:
    from nlp.search import search

    return search


def _fuse(rankings: list[tuple[float, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """Reciprocal rank fusion of hit lists by sentence id (weight, hits) -> fused hits."""
    scores: dict[str, float] = {}
    first: dict[str, dict[str, Any]] = {}
    for weight, hits in rankings:
        for rank, hit in enumerate(hits, start=1):
            sid = hit["sentence_id"]
            scores[sid] = scores.get(sid, 0.0) + weight / (RRF_K + rank)
            first.setdefault(sid, hit)
    order = sorted(scores, key=lambda sid: (-scores[sid], sid))
    return [{**first[sid], "score": round(scores[sid], 6)} for sid in order]


def claim_hits(store: Store, claim: Claim, ticker: str, quarters: list[FiscalQuarter], *,
               search: SearchFn | None = None, reranker: CrossLingualReranker | None = None,
               settings: ScoringSettings | None = None,
               ) -> dict[FiscalQuarter, list[dict[str, Any]]]:
    """Management hits for a claim in every quarter, from one search over the whole range
    (plus one restricted to the ledger's topics, when it names any), distinct and best first
    per quarter: each quarter's head re-ranked by the claim's key terms and reported figures
    (claims.evidence_rank)."""
    if not quarters:
        return {}
    settings = settings or scoring_settings()
    search = search or default_search()
    query = claim_query(claim)
    span = {"ticker": ticker, "from_quarter": str(min(quarters)),
            "to_quarter": str(max(quarters)), "k": settings.candidates}
    english = not is_korean(query.text)  # else nothing English to search with: e5 alone
    rankings = [(1.0, search(store, query.text, **span))] if english else []
    if claim.topics:
        rankings.append((settings.topic_weight,
                         search(store, query.text, topics=list(claim.topics), **span)))
    if query.crosslingual:
        reranker = reranker or default_reranker()
        rankings.append((settings.e5_weight if english else 1.0,
                         e5_ranking(store, query, ticker, quarters, reranker, settings)))
    by_quarter: dict[FiscalQuarter, list[dict[str, Any]]] = {}
    for hit in _fuse(rankings):
        if hit.get("fiscal_year") is None or hit.get("fiscal_quarter") is None:
            continue
        if is_management(hit):
            quarter = FiscalQuarter(hit["fiscal_year"], hit["fiscal_quarter"])
            by_quarter.setdefault(quarter, []).append(hit)
    if query.crosslingual and english:
        _rerank(query, by_quarter, reranker or default_reranker(), settings)
    terms = key_terms(query)
    return {quarter: rank_candidates(_distinct(hits), terms, hand_cues=bool(claim.cues))
            for quarter, hits in by_quarter.items()}


def e5_ranking(store: Store, query: ClaimQuery, ticker: str, quarters: list[FiscalQuarter],
               reranker: CrossLingualReranker, settings: ScoringSettings,
               ) -> list[dict[str, Any]]:
    """Management sentences of the newest `rerank_quarters` quarters ranked by multilingual-e5
    against the quote itself: cross-lingual retrieval for what names and glossary miss (a
    product written in Hangul). Fragments ("Thank you, Toshiya.") are left out."""
    recent = sorted(quarters)[-settings.rerank_quarters:]
    rows = store.con.execute(
        f"SELECT s.sentence_id, s.text, s.text_hash FROM sentences s "
        f"WHERE upper(s.ticker) = upper(?) "
        f"AND s.fiscal_year * 4 + s.fiscal_quarter - 1 IN (SELECT unnest(?::INTEGER[])) "
        f"AND {MANAGEMENT_SQL}",
        [ticker, [q.index for q in recent]],
    ).fetchall()
    rows = [row for row in rows if len(row[1].split()) >= settings.e5_min_words]
    if not rows:
        return []
    prepare_passages(store, reranker, [(text, text_hash) for _, text, text_hash in rows])
    sims = reranker.similarities(query.native, [row[1] for row in rows])
    order = np.argsort(-sims, kind="stable")[:settings.candidates]
    from nlp.search import hydrate

    return hydrate(store, [(rows[i][0], float(sims[i])) for i in order])


def _rerank(query: ClaimQuery, by_quarter: dict[FiscalQuarter, list[dict[str, Any]]],
            reranker: CrossLingualReranker, settings: ScoringSettings) -> None:
    """Rerank each quarter's shortlist (most recent quarters first, within the budget)."""
    for quarter in sorted(by_quarter, reverse=True)[:settings.rerank_quarters]:
        hits = by_quarter[quarter]
        head = _distinct(hits)[:settings.rerank_pool]
        rest = [h for h in hits if h not in head]
        by_quarter[quarter] = reranker.rerank(query.native, head,
                                              weight=settings.rerank_weight) + rest


def _distinct(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for hit in hits:
        key = _key(hit["text"])
        if key not in seen and is_management(hit):
            seen.add(key)
            out.append(hit)
    return out


def stance_claim(claim: Claim) -> Claim:
    """The claim as the stance rules see it: without hand cues, its English subjects. A
    synonym never makes the claim name an event its own words do not ("supply constrained"
    is listed beside "sold out": a shortage claim is no sell-out claim, whose evidence must
    say "sold out")."""
    if claim.cues or not hasattr(claim, "terms"):
        return claim
    subjects = claim_query(claim).subjects
    rules = load_stance_rules()
    if rules.events and event_of(claim, rules) is None:
        subjects = tuple(s for s in subjects if claim_event(s.lower(), rules.events) is None)
    return dataclasses.replace(claim, terms=subjects)


def _has_no_subject(claim: Claim) -> bool:
    return not claim.cues and not getattr(claim, "terms", ()) and not claim.metric


def _judge_by_own_subject(text: str, claim: Claim, stance_model: StanceModel) -> StanceResult:
    """A claim with no English subject (a Korean quote naming its product only in Hangul):
    the retrieved sentence's own grammatical subject stands in for it, at half weight, since
    only retrieval ties the two."""
    from claims.sentence_subject import sentence_subject

    subject = sentence_subject(text)
    if not subject:
        return StanceResult(NEUTRAL, 0.0, [])
    result = stance_model.judge(text, dataclasses.replace(claim, terms=(subject,)))
    return dataclasses.replace(result, weight=round(result.weight * 0.5, 3))


def pick(hits: list[dict[str, Any]], claim: Claim, stance_model: StanceModel, *,
         k: int | None = None, pool: int | None = None,
         ) -> list[tuple[dict[str, Any], StanceResult]]:
    """Up to k (hit, stance) pairs from the quarter's best `pool` distinct sentences.

    First the `lead` sentences (data/evidence.yaml) that best justify a verdict: evidence
    score plus a small bonus for taking a side, so the reader sees the sentence that decides
    rather than any sentence holding a direction word (a claim with hand-written cues, whose
    stances are precise, gets `lead_with_cues`). Then the others as the verdict weighs
    them: those that take a side first, the firmest (realised, unhedged) before the hedged or
    forward-looking ones, then by rank. Sentences below the pool are not relevant enough to
    count, whatever direction words they hold."""
    settings = scoring_settings()
    k = k or settings.evidence_k
    judged_claim = stance_claim(claim)
    own_subject = _has_no_subject(judged_claim)
    judged = [(hit, _judge_by_own_subject(hit["text"], judged_claim, stance_model) if own_subject
               else judge_in_context(hit["text"], hit.get("before"), judged_claim, stance_model,
                                     stance_model.judge(hit["text"], judged_claim)))
              for hit in _distinct(hits)[:pool or settings.pool]]
    lead = lead_order(judged, evidence_settings(), hand_cues=bool(claim.cues),
                      forecast=claim.horizon == "forecast")
    others = [pair for i, pair in enumerate(judged) if i not in lead]
    sided = sorted((pair for pair in others if pair[1].stance != NEUTRAL),
                   key=lambda pair: -pair[1].weight)  # stable: rank breaks ties
    neutral = [pair for pair in others if pair[1].stance == NEUTRAL]
    return ([judged[i] for i in lead] + sided + neutral)[:k]
