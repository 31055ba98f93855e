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

CANDIDATES = 40  # hits asked from search before filtering by role
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


def gather(store: Store, claim: Claim, ticker: str, quarter: FiscalQuarter,
           stance_model: StanceModel, *, search: SearchFn | None = None,
           k: int = EVIDENCE_K) -> list[tuple[dict[str, Any], StanceResult]]:
    """Up to k (hit, stance) pairs: sentences that take a side first, then the most relevant."""
    search = search or default_search()
    hits = search(store, claim.statement, ticker=ticker, quarter=str(quarter),
                  topics=list(claim.topics), k=CANDIDATES)
    seen: set[str] = set()
    judged: list[tuple[dict[str, Any], StanceResult]] = []
    for hit in hits:
        key = _key(hit["text"])
        if not is_management(hit) or key in seen:
            continue
        seen.add(key)
        judged.append((hit, stance_model.judge(hit["text"], claim)))
    sided = [pair for pair in judged if pair[1].stance != NEUTRAL]
    neutral = [pair for pair in judged if pair[1].stance == NEUTRAL]
    return (sided + neutral)[:k]
