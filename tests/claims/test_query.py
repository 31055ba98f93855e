"""What a claim is searched with: English terms for Korean quotes, subjects for stance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims.crosslingual import CrossLingualReranker
from claims.ledger import Claim
from claims.query import claim_query, is_korean, latin_names, load_glossary
from claimtracker.errors import ConfigError

NVDA_KO = "엔비디아의 데이터센터 매출은 블랙웰(Blackwell) 출하가 늘면서 전년 대비 66% 급증했습니다."


def test_korean_quote_is_searched_with_its_names_and_glossary_terms() -> None:
    claim = Claim(claim_id="dc-growth", quote=NVDA_KO, statement=NVDA_KO, ticker="NVDA",
                  metric="revenue")
    query = claim_query(claim)
    assert query.crosslingual and query.native == NVDA_KO
    for word in ("Blackwell", "data center", "revenue", "shipments"):
        assert word in query.text
    assert not is_korean(query.text)
    assert {"Blackwell", "data center", "revenue"} <= set(query.subjects)
    assert "increase" not in query.subjects  # words of change only widen the query


def test_english_statement_is_the_query_and_terms_become_subjects() -> None:
    claim = Claim(claim_id="tpu", quote="Google keeps expanding its TPU fleet.",
                  terms=("TPU", "capacity"), ticker="GOOG")
    query = claim_query(claim)
    assert not query.crosslingual
    assert query.text.startswith("Google keeps expanding its TPU fleet.")
    assert "capacity" in query.text  # a term the sentence does not spell is added
    assert query.subjects[:2] == ("TPU", "capacity")


def test_latin_names_inside_korean_text() -> None:
    text = "구글의 TPU와 메타의 MTIA, 그리고 H20 수출 규제가 핵심입니다. Capex는 늘었습니다."
    assert latin_names(text) == ["TPU", "MTIA", "H20"]


def test_glossary_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("subjects:\n  매출: revenue\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"glossary.yaml:2: `매출` must map to a list"):
        load_glossary(bad)
    bad.write_text("subject:\n  매출: [revenue]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key"):
        load_glossary(bad)
    bad.write_text("subjects:\n  매출: [revenue]\nlatin_stop: YoY\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="`latin_stop` must be a list"):
        load_glossary(bad)


def test_latin_stop_words_are_glossary_data(tmp_path: Path, monkeypatch) -> None:
    """"CEO는 YoY 50% 성장" names no product: the glossary's `latin_stop` says so, and a
    word taken off the list is a name again."""
    import claims.query

    text = "CEO는 데이터센터 매출이 YoY 50% 늘었다고 말했습니다."
    assert latin_names(text) == []
    edited = tmp_path / "glossary.yaml"
    original = claims.query.GLOSSARY_FILE.read_text(encoding="utf-8")
    assert "latin_stop: [I, A, OPM, YoY" in original
    edited.write_text(original.replace("latin_stop: [I, A, OPM, YoY", "latin_stop: [I, A, OPM"),
                      encoding="utf-8")
    monkeypatch.setattr(claims.query, "GLOSSARY_FILE", edited)
    assert latin_names(text) == ["YoY"]


def test_reranker_fuses_search_order_with_e5_order() -> None:
    vectors = {"claim": np.array([1.0, 0.0]), "a": np.array([0.0, 1.0]),
               "b": np.array([0.6, 0.8]), "c": np.array([1.0, 0.0])}

    def encode(texts: list[str]) -> np.ndarray:
        return np.stack([vectors[t] for t in texts])

    reranker = CrossLingualReranker(query_encoder=encode, passage_encoder=encode)
    hits = [{"text": t, "sentence_id": t} for t in ("a", "b", "c")]
    order = [h["text"] for h in reranker.rerank("claim", hits)]
    assert order == ["c", "b", "a"]  # e5 weighs twice the search order
    assert {h["crosslingual"] for h in reranker.rerank("claim", hits)} == {0.0, 0.6, 1.0}


@pytest.mark.slow
def test_e5_puts_the_english_sentence_saying_the_same_thing_first() -> None:
    sentences = [
        "We repurchased shares and paid a dividend during the quarter.",
        "Data center revenue grew 66% year over year as Blackwell shipments ramped.",
        "Our gaming business declined sequentially due to channel inventory.",
    ]
    sims = CrossLingualReranker().similarities(NVDA_KO, sentences)
    assert int(np.argmax(sims)) == 1


def test_subjects_take_the_names_management_uses() -> None:
    claim = Claim(claim_id="backlog", quote="Microsoft's commercial backlog has more than doubled.",
                  terms=("commercial backlog",), ticker="MSFT")
    query = claim_query(claim)
    assert "commercial remaining performance obligation" in query.subjects
    assert "RPO" in query.subjects and "remaining performance obligation" in query.text


def test_claim_topics_from_terms_respect_the_taxonomys_context_rules() -> None:
    from claims.topic_map import term_topics
    from nlp.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    # "fab" is capex only next to building or capacity words (data/topics.yaml).
    assert "capex" in term_topics(taxonomy, "TSMC keeps building a new fab in Arizona.")
    assert "capex" not in term_topics(taxonomy, "The fab team delivered strong yields.")
    # Robot names need a robotics context; a restaurant chain is not one.
    assert "robotics" in term_topics(taxonomy, "Sequoia robots now sort packages faster.")
    assert "robotics" not in term_topics(taxonomy, "Sequoia Capital led the funding round.")


def test_synonyms_go_both_ways(tmp_path: Path) -> None:
    """A claim naming the long form is answered by the abbreviation management uses, and back:
    the glossary lists an entry once, not once per direction."""
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("subjects: {}\nmodifiers: {}\nsynonyms:\n"
                        "  RPO: [remaining performance obligations, backlog]\n", encoding="utf-8")
    table = load_glossary(glossary)
    assert "RPO" in table.widen(["remaining performance obligations"])
    assert "remaining performance obligations" in table.widen(["backlog"])
    assert "backlog" in table.widen(["RPO"])
    assert table.widen(["gross margin"]) == ["gross margin"]
    glossary.write_text("subjects: {}\nmodifiers: {}\nsynonyms:\n"
                        "  OCI: [Oracle Cloud Infrastructure, cloud infrastructure]\n",
                        encoding="utf-8")
    # the qualified form adds nothing the bare name misses, and would make it "qualified"
    widened = load_glossary(glossary).widen(["cloud infrastructure"])
    assert list(dict.fromkeys(widened)) == ["cloud infrastructure", "OCI"]
    claim = Claim("rpo", "Oracle's remaining performance obligations have exploded.",
                  terms=("remaining performance obligations",))
    assert "RPO" in claim_query(claim).subjects  # the repo's glossary too


# Quotes of data/labels/articles/*.ko.txt (the Korean articles the bench drafts).
TSM_KUMAMOTO = "TSMC는 일본 구마모토 2공장 계획을 사실상 접었습니다."
NVDA_SOLD_OUT = "젠슨 황은 클라우드 GPU가 완전히 매진(sold out)됐다고 말했습니다."
NVDA_OPEX = "엔비디아는 인력을 감축하며 영업비용을 줄이고 있습니다."


def test_a_korean_quote_names_its_company_but_is_not_about_it() -> None:
    # "TSMC" says whose claim it is; as a key term it would favour every sentence naming the
    # company ("Next, let me talk about TSMC's global manufacturing footprint update.")
    query = claim_query(Claim(claim_id="kumamoto", quote=TSM_KUMAMOTO, ticker="TSM"))
    assert "TSMC" not in query.subjects and "TSMC" not in query.text.split()
    assert {"fab", "Japan"} <= set(query.subjects)
    # a product name stays a subject: only the company book's names and tickers go
    assert "Blackwell" in claim_query(Claim(claim_id="dc", quote=NVDA_KO)).subjects


def test_an_english_gloss_in_parentheses_is_searched_with_its_synonyms() -> None:
    assert latin_names(NVDA_SOLD_OUT) == ["GPU", "sold out"]
    query = claim_query(Claim(claim_id="sold-out", quote=NVDA_SOLD_OUT, ticker="NVDA"))
    assert {"GPU", "cloud", "sold out", "fully subscribed"} <= set(query.subjects)


def test_the_longest_korean_stem_gives_the_term() -> None:
    # 영업비용 is "operating expenses", not 비용's "costs"/"expenses": the claim is about opex
    query = claim_query(Claim(claim_id="opex", quote=NVDA_OPEX, ticker="NVDA"))
    assert "operating expenses" in query.subjects and "costs" not in query.subjects
    assert "headcount" in query.subjects


def test_a_korean_business_exit_is_searched_with_generic_english_words() -> None:
    """"5G 스마트폰 모뎀 사업에서 손을 떼기로" is answered by Intel's "exit the 5G smartphone
    modem business": the glossary gives modem, smartphone and exit, never a product of one
    company (an Intel claim searched for "iPhone" finds Apple's customer, not the exit), and
    수익성 is profitability, not revenue."""
    quote = ("인텔은 수익성이 보이지 않던 5G 스마트폰 모뎀 사업에서 손을 떼기로 했습니다.")
    query = claim_query(Claim(claim_id="modem-exit", quote=quote, statement=quote,
                              ticker="INTC"))
    for word in ("modem", "smartphone", "exit", "profitability"):
        assert word in query.text
    assert "iPhone" not in query.text and "revenue" not in query.text
