"""Evidence ranking by what a justifying sentence shares with the claim beyond its words.

The claim's own figure ("$1.4 billion"), a pronoun that carries the claim's subject from the
sentence before ("... release it next year"), Korean amounts read as management says them
("1,500만 명" is "15 million"), and figures that speak of another subject. Every sentence is a
real management sentence of a ../shared call, looked up in its transcript first.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from shared_text import transcript_sentences

from claims.evidence_rank import key_terms, rank_candidates
from claims.evidence_settings import evidence_settings
from claims.ledger import Claim
from claims.query import claim_query, load_glossary
from claimtracker.errors import ConfigError

_sentences = transcript_sentences


def _hit(file: str, start: str, i: int = 0) -> dict[str, Any]:
    """The transcript sentence beginning with `start` as a search hit, with the sentence
    before it (as nlp.search.hydrate gives it)."""
    sentences = _sentences(file)
    found = [n for n, s in enumerate(sentences) if s.startswith(start)]
    assert found, f"{file}: no sentence starts with {start!r}"
    n = found[0]
    return {"sentence_id": f"{file}#{i}", "text": sentences[n], "role": "management",
            "doc_type": "transcript", "before": sentences[n - 1] if n else None}


def test_the_sentence_stating_the_claims_own_figure_leads() -> None:
    # AAPL Q4 FY2025: two sentences on tariff costs; the claim's $1.4 billion is the outlook's.
    hits = [_hit("AAPL/AAPL_4Q25_presentation.txt", "This includes approximately $1.1 billion", 0),
            _hit("AAPL/AAPL_4Q25_presentation.txt", "We expect gross margin to be between 47%", 1)]
    claim = Claim(claim_id="tariffs", ticker="AAPL", terms=("tariffs",),
                  quote="Tariffs also cost Apple about $1.4 billion in the December quarter.")
    terms = key_terms(claim_query(claim))
    assert terms.figures == {"1.4 billion"}
    assert rank_candidates(hits, terms)[0]["text"].endswith(
        "an estimated impact of $1.4 billion of tariff-related costs.")
    blind = dataclasses.replace(evidence_settings(), weights={
        **evidence_settings().weights, "same_figure": 0.0})
    first = rank_candidates(hits, key_terms(claim_query(claim), blind), blind)[0]
    assert first["text"].startswith("This includes approximately $1.1 billion")  # without it


@pytest.mark.parametrize("text, figures", [
    ("Tariffs also cost Apple about $1.4 billion in the December quarter.", {"1.4 billion"}),
    ("Revenue grew 24 percent, or 1,200 basis points faster", {"24 %", "1200 basis points"}),
    ("The more personal Siri it promised is now due to ship in 2026.", set()),  # a year
])
def test_figures_are_compared_without_currency_and_unit_spelling(text: str,
                                                                 figures: set[str]) -> None:
    assert evidence_settings().figures(text) == figures


def test_a_sentence_referring_back_takes_the_subject_of_the_one_before() -> None:
    # AAPL Q4 FY2025: "We're also excited for our more personalized Siri. We're making good
    # progress on it, and as we've shared, we expect to release it next year."
    hits = [_hit("AAPL/AAPL_4Q25_qna.txt", "We're obviously using PCC", 0),
            _hit("AAPL/AAPL_4Q25_presentation.txt", "We're making good progress on it", 1)]
    assert "personalized Siri" in hits[1]["before"]
    claim = Claim(claim_id="siri", ticker="AAPL", terms=("Siri", "more personal Siri"),
                  quote="The more personal Siri it promised is now due to ship in 2026.")
    terms = key_terms(claim_query(claim))
    ranked = rank_candidates(hits, terms)
    assert ranked[0]["text"].startswith("We're making good progress on it")
    alone = rank_candidates([{**h, "before": None} for h in hits], terms)
    assert alone[0]["text"].startswith("We're obviously using PCC")


def test_a_figure_about_another_subject_earns_nothing() -> None:
    # MSFT Q3 FY2025, "capex will grow more slowly": the margin figure says nothing of capex;
    # "grow" of the claim and "growth" of the sentence are one word (Porter stems).
    hits = [_hit("MSFT/MSFT_3Q25.txt", "Operating margins increased one point year-over-year", 0),
            _hit("MSFT/MSFT_3Q25.txt", "It will grow at a lower rate than FY 2025", 1)]
    claim = Claim(claim_id="capex-slower", ticker="MSFT", terms=("capex", "growth rate"),
                  quote="Capex will grow at a slower rate this fiscal year.")
    ranked = rank_candidates(hits, key_terms(claim_query(claim)))
    assert ranked[0]["text"].startswith("It will grow at a lower rate")


def test_a_korean_amount_is_searched_as_management_states_it() -> None:
    quote = "M365 코파일럿 유료 사용자는 1,500만 명을 넘었습니다."
    query = claim_query(Claim(claim_id="seats", ticker="MSFT", quote=quote))
    assert "15 million" in query.text and "paid seats" in query.text
    assert key_terms(query).figures == {"15 million"}
    numbers = load_glossary().numbers
    assert numbers.english_figures("지난 분기 설비투자는 375억 달러로 사상 최대를 기록했습니다.") \
        == ["$37.5 billion"]
    assert numbers.english_figures("매출은 1조 2,000억 원") == ["₩1.2 trillion"]
    # MSFT Q2 FY2026 says it so: the drafted claim's figure is the call's
    sentence = _hit("MSFT/MSFT_2Q26_presentation.txt", "We saw accelerating seat growth")["text"]
    assert key_terms(query).figures <= evidence_settings().figures(sentence)


def test_synonyms_count_as_one_concept() -> None:
    quote = "경영진은 이번 회계연도 설비투자 증가율이 지난해보다 낮아질 것이라고 했습니다."
    query = claim_query(Claim(claim_id="capex", ticker="MSFT", quote=quote))
    capex = next(g for g in query.groups if "capex" in g)
    assert "capital expenditures" in capex and len(key_terms(query).phrases) == len(query.groups)


def test_number_words_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("subjects:\n  매출: [revenue]\nnumbers:\n  korean: {억: eight}\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"glossary.yaml:\d+: `numbers.korean` must map"):
        load_glossary(bad)


def test_a_bad_spelling_pattern_names_the_file_and_the_pattern(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("subjects:\n  매출: [revenue]\nspellings:\n  '(\\d+nm': ['\\1-nanometer']\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"glossary.yaml: spellings: `\(\\d\+nm`"):
        load_glossary(bad)
    good = tmp_path / "good.yaml"
    good.write_text("subjects:\n  매출: [revenue]\nspellings:\n  '(\\d+)nm': ['\\1-nanometer']\n",
                    encoding="utf-8")
    assert load_glossary(good).respell("3nm chips") == ["3-nanometer chips"]
