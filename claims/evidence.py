"""Evidence for a claim in one quarter: the best sentences of management language.

Retrieval is the NLP stage's hybrid search restricted to the claim's topics, the ticker and
the quarter. Only management speaks for the company here: management turns of calls and the
sentences of earnings releases and filings (role NULL). Analysts' questions, operator lines
and investor-relations boilerplate are dropped, whatever their rank. The same call can be
ingested in two formats, so identical sentences are kept once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from claims.ledger import Claim
from claims.stance import NEUTRAL, StanceModel, StanceResult
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

CANDIDATES_ALL = 3000  # hits asked from one search over all quarters, before role filtering
EVIDENCE_K = 6  # sentences kept per claim and quarter

SearchFn = Callable[..., list[dict[str, Any]]]


def is_management(hit: dict[str, Any]) -> bool:
    """Management turns, or release/filing sentences (which have no speaker role)."""
    if hit.get("role") == "management":
        return True
    return hit.get("role") is None and hit.get("doc_type") != "transcript"


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def default_search() -> SearchFn:
    from nlp.search import search

    return search


def claim_hits(store: Store, claim: Claim, ticker: str, quarters: list[FiscalQuarter], *,
               search: SearchFn | None = None) -> dict[FiscalQuarter, list[dict[str, Any]]]:
    """Management hits for a claim in every quarter, from ONE search over the whole range.

    Restricted to the claim's topics, the candidate set is small (hundreds of sentences), so
    one wide search ranks all of it; per quarter, the order is that global ranking. This is
    one search per claim instead of one per claim and quarter.
    """
    if not quarters:
        return {}
    search = search or default_search()
    hits = search(store, claim.statement, ticker=ticker, from_quarter=str(min(quarters)),
                  to_quarter=str(max(quarters)), topics=list(claim.topics), k=CANDIDATES_ALL)
    by_quarter: dict[FiscalQuarter, list[dict[str, Any]]] = {}
    for hit in hits:
        if hit.get("fiscal_year") is None or hit.get("fiscal_quarter") is None:
            continue
        if is_management(hit):
            quarter = FiscalQuarter(hit["fiscal_year"], hit["fiscal_quarter"])
            by_quarter.setdefault(quarter, []).append(hit)
    return by_quarter


def pick(hits: list[dict[str, Any]], claim: Claim, stance_model: StanceModel, *,
         k: int = EVIDENCE_K) -> list[tuple[dict[str, Any], StanceResult]]:
    """Up to k (hit, stance) pairs: sentences that take a side first, the firmest (realised,
    unhedged) before the hedged or forward-looking ones, then by search rank."""
    seen: set[str] = set()
    judged: list[tuple[dict[str, Any], StanceResult]] = []
    for hit in hits:
        key = _key(hit["text"])
        if not is_management(hit) or key in seen:
            continue
        seen.add(key)
        judged.append((hit, stance_model.judge(hit["text"], claim)))
    sided = sorted((pair for pair in judged if pair[1].stance != NEUTRAL),
                   key=lambda pair: -pair[1].weight)  # stable: search rank breaks ties
    neutral = [pair for pair in judged if pair[1].stance == NEUTRAL]
    return (sided + neutral)[:k]
