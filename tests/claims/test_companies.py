"""Company resolution in Korean and English articles: names, tickers, products, no false hits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims.companies import load_company_book, normalise_title, resolve_companies
from claimtracker.errors import ConfigError


def _tickers(text: str, **kwargs) -> list[str]:
    return [m.ticker for m in resolve_companies(text, **kwargs)]


def test_korean_names_with_particles_and_the_seed_articles_companies(shared_dir: Path) -> None:
    text = (shared_dir / "articles" / "amazon-next-cycle.ko.txt").read_text(encoding="utf-8")
    found = set(_tickers(text))
    assert found == {"NVDA", "MSFT", "META", "AMZN"}
    # "엔비디아/MS/메타": MS is Microsoft in a Korean post; particles stay attached in Korean.
    assert _tickers("엔비디아/MS/메타 지난 5년간") == ["NVDA", "MSFT", "META"]
    assert _tickers("테슬라는 브로드컴의 칩을, 애플은 TSMC를 쓴다") == [
        "TSLA", "AVGO", "AAPL", "TSM"]
    google = _tickers("구글과 알파벳")
    assert len(set(google)) == 1 and google[0] in {"GOOG", "GOOGL"}


def test_name_ticker_patterns_products_and_edgar_titles() -> None:
    mentions = resolve_companies("Meta Platforms (NASDAQ: META) beat; Google Cloud grows faster "
                                 "than AWS. Medtronic's sales rose and $TSLA fell.")
    assert [(m.ticker, m.source) for m in mentions] == [
        ("META", "alias"), ("META", "ticker"), (mentions[2].ticker, "product"),
        ("AMZN", "product"), ("MDT", "edgar"), ("TSLA", "ticker")]
    assert mentions[2].ticker in {"GOOG", "GOOGL"}
    assert normalise_title("NVIDIA CORP") == "NVIDIA"
    assert normalise_title("AMAZON COM INC") == "AMAZON"
    assert normalise_title("Meta Platforms, Inc.") == "Meta Platforms"


def test_hangul_product_names_stand_for_their_company() -> None:
    """Korean posts write products in Hangul: 애저 is Microsoft's, 아이폰 Apple's."""
    mentions = resolve_companies("애저의 성장률은 아이폰 판매 증가율의 두 배입니다.")
    assert [(m.ticker, m.text, m.source) for m in mentions] == [
        ("MSFT", "애저", "product"), ("AAPL", "아이폰", "product")]
    assert resolve_companies("신제품 시리즈가 출시되었습니다.") == []  # no product hides in 시리즈


@pytest.mark.parametrize("text", [
    # "(AI)" is C3.ai's ticker; 애플 hides in 애플리케이션, 메타 in 메타버스
    "인공지능(AI) 애플리케이션이 메타버스에서 늘어납니다.",
    "Target customers want a Block of time; Data shows Cloud demand.",  # one-word titles
    "영업이익률(OPM)의 폭발적 개선, CEO와 GPU, TPU 수요",
    # TAC is TransAlta's ticker, FCF and HBM are tickers too
    "트래픽 획득 비용(TAC)이 광고 매출에서 차지하는 비중은 계속 높아지고 있습니다.",
    "Traffic acquisition costs (TAC) rose, free cash flow (FCF) fell and HBM (HBM) sold out.",
])
def test_ordinary_words_are_not_companies(text: str) -> None:
    assert _tickers(text) == []


def test_company_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "companies.yaml"
    path.write_text("companies:\n  - {ticker: AMZN, en: [Amazon]}\n  - {ticker: not a ticker}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"companies.yaml:3: .*not a ticker"):
        load_company_book(path)
    path.write_text("companies:\n  - {ticker: AMZN, fye: 1231x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"companies.yaml:2: .*MMDD"):
        load_company_book(path)
    path.write_text("companies:\n  - {ticker: MSFT, products: [Azure],\n"
                    "     product_en: {애저: Azure}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"companies.yaml:2: .*needs 애저 in `products`"):
        load_company_book(path)


def test_a_korean_claim_about_a_product_searches_its_english_name() -> None:
    """A Korean post writes 애저 (from the 2019 Microsoft article's kind of sentence); calls say
    Azure: the English name leads the claim's terms, the Hangul spelling stays."""
    from claims.extraction_rules import load_extraction_rules
    from claims.terms import claim_terms

    text = "마이크로소프트의 핵심인 애저 매출 성장률은 분기마다 둔화되고 있습니다."
    terms = claim_terms(text, language="ko", mentions=resolve_companies(text),
                        rules=load_extraction_rules())
    assert terms[:2] == ("Azure", "애저")
    text = "업계에서는 구글 클라우드가 이미 영업흑자를 내기 시작했다는 이야기도 들립니다."
    mentions = resolve_companies(text)
    assert [(m.ticker, m.source) for m in mentions] == [("GOOGL", "product")]
    assert claim_terms(text, language="ko", mentions=mentions,
                       rules=load_extraction_rules())[0] == "Google Cloud"


def test_a_product_that_starts_with_another_companys_name_is_its_makers() -> None:
    """"Tesla V100" is NVIDIA's data-center GPU (2017-2018 calls): the longer product name wins
    over Tesla the carmaker, so a Korean paragraph about NVIDIA is not split between two."""
    text = "데이터센터 매출은 Volta 기반 Tesla V100을 앞세워 분기마다 50% 넘게 성장하고 있습니다."
    assert set(_tickers(text)) == {"NVDA"}  # Volta and Tesla V100
    assert set(_tickers("Tesla delivered more Model Y cars.")) == {"TSLA"}


def test_microsofts_older_businesses_name_it() -> None:
    """A claim about Windows or Surface is Microsoft's even when a supplier is named too
    ("Intel's processor shortage is squeezing PC makers, and Windows OEM revenue is already
    shrinking"): the product names the company in both languages."""
    mentions = resolve_companies("Intel's processor shortage is squeezing PC makers, and Windows "
                                 "OEM revenue is already shrinking.")
    assert [(m.ticker, m.source) for m in mentions] == [("INTC", "alias"), ("MSFT", "product")]
    korean = resolve_companies("윈도우 OEM 매출과 서피스 판매가 줄었습니다.")
    assert [(m.ticker, m.text) for m in korean] == [("MSFT", "윈도우"), ("MSFT", "서피스")]
    assert load_company_book().company("MSFT").english_product("윈도우") == "Windows"


def test_a_company_name_used_for_its_product_names_no_company(nlp: Any) -> None:
    """"every new Tesla leaves the factory" is a car in an NVIDIA paragraph, not Tesla the
    company; a possessive, or the name before a noun ("an Nvidia chip"), stays the company."""
    car = "In cars, every new Tesla now leaves the factory with a Drive PX 2 computer on board."
    assert _tickers(car, nlp=nlp) == []
    assert _tickers("I bought a Tesla and never looked back.", nlp=nlp) == []
    assert _tickers("A Tesla's gross margin is still the envy of Detroit.", nlp=nlp) == ["TSLA"]
    assert _tickers("An Nvidia chip runs the Nintendo Switch.", nlp=nlp) == ["NVDA"]
    assert _tickers("In a year Apple grew services 15%.", nlp=nlp) == ["AAPL"]
