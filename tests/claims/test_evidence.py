"""Evidence is found from the claim's own words, in English or Korean, without topics."""

from __future__ import annotations

from typing import Any

import pytest

from claims.evidence import claim_hits, pick
from claims.ledger import Claim
from claims.query import claim_query
from claims.settings import scoring_settings
from claims.stance import default_stance_model
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

Q3_2025 = FiscalQuarter(2025, 3)
QUARTERS = [FiscalQuarter(2025, 2), Q3_2025, FiscalQuarter(2025, 4)]


def _texts(hits: list[dict[str, Any]], n: int) -> str:
    return " ".join(h["text"] for h in hits[:n])


@pytest.mark.slow
def test_claim_without_topics_finds_its_sentences(enriched_db: Store) -> None:
    claim = Claim(claim_id="aws-accelerates", quote="AWS growth is reaccelerating.",
                  terms=("AWS",), ticker="AMZN")
    hits = claim_hits(enriched_db, claim, "AMZN", QUARTERS)
    assert "reaccelerating to 20" in _texts(hits[Q3_2025], 5)
    assert all(h["role"] == "management" or h["doc_type"] != "transcript"
               for quarter in hits.values() for h in quarter)


@pytest.mark.slow
def test_korean_claim_retrieves_english_management_sentences(enriched_db: Store) -> None:
    quote = "아마존의 AWS 매출 성장률은 2022년 이후 가장 빠른 속도로 다시 가속되고 있습니다."
    claim = Claim(claim_id="aws-ko", quote=quote, statement=quote, ticker="AMZN",
                  metric="revenue")
    hits = claim_hits(enriched_db, claim, "AMZN", QUARTERS)
    top = hits[Q3_2025][:scoring_settings().rerank_pool]
    assert any("reaccelerating to 20" in h["text"] for h in top[:3])
    # The head was reranked by multilingual-e5; the key-term pass (claims.evidence_rank) then
    # reorders the best 30, so a sentence e5 did not see may rise into the pool.
    assert sum("crosslingual" in h for h in top) >= len(top) // 2


@pytest.mark.slow
def test_pick_judges_only_the_relevant_pool(enriched_db: Store) -> None:
    claim = Claim(claim_id="aws-accelerates", quote="AWS growth is reaccelerating.",
                  terms=("AWS",), ticker="AMZN")
    hits = claim_hits(enriched_db, claim, "AMZN", QUARTERS)[Q3_2025]
    pairs = pick(hits, claim, default_stance_model(), k=6, pool=4)
    pool_ids = {h["sentence_id"] for h in hits[:8]}
    assert len(pairs) <= 4 and {h["sentence_id"] for h, _ in pairs} <= pool_ids


RAMP_QUOTE = "블랙웰은 엔비디아 역사상 가장 빠르게 램프업된 제품입니다."
RAMP_SENTENCES = ["Thank you, Colette.",
                  "Strong adoption by gamers has made Blackwell our fastest ramp ever.",
                  "Blackwell shipments declined sharply this quarter."]


def _judged_ramp() -> dict[str, Any]:
    claim = Claim(claim_id="ramp", quote=RAMP_QUOTE, statement=RAMP_QUOTE, terms=("제품",),
                  ticker="NVDA")
    hits = [{"sentence_id": str(i), "text": text, "role": "management", "doc_type": "transcript"}
            for i, text in enumerate(RAMP_SENTENCES)]
    return {h["text"]: s for h, s in pick(hits, claim, default_stance_model(), k=3, pool=3)}


def test_a_claim_without_english_subject_is_judged_by_the_sentences_own_subject() -> None:
    # 램프업 and 제품 give the search "ramp" and "product" (data/glossary.yaml modifiers), but
    # they name no subject: the product is named only in Hangul
    query = claim_query(Claim(claim_id="ramp", quote=RAMP_QUOTE, ticker="NVDA"))
    assert {"ramp", "product"} <= set(query.text.split()) and query.subjects == ()
    judged = _judged_ramp()
    ramp = judged["Strong adoption by gamers has made Blackwell our fastest ramp ever."]
    assert ramp.stance == "supports" and ramp.weight <= 0.5  # only retrieval ties them
    assert judged["Blackwell shipments declined sharply this quarter."].stance == "contradicts"
    assert judged["Thank you, Colette."].stance == "neutral"
