"""`claims extract` on the Korean seed article: claims proposed and mapped to the right topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.extract import extract_draft, guess_ticker
from claims.ledger import load_ledger


@pytest.fixture(scope="module")
def draft(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    article = shared_dir / "articles" / "amazon-next-cycle.ko.txt"
    path = tmp_path_factory.mktemp("draft") / "draft.yaml"
    path.write_text(extract_draft(article), encoding="utf-8")
    return path


def _claim_with(ledger, words: str):
    return next(c for c in ledger.claims if words in c.quote)


@pytest.mark.slow
def test_draft_is_a_valid_ledger_with_korean_quotes(draft: Path) -> None:
    ledger = load_ledger(draft)  # the draft loads and validates as it is
    assert ledger.article.ticker == "AMZN" and ledger.article.language == "ko"
    assert 10 <= len(ledger.claims) <= 40
    assert not any(c.quote.startswith("저는") for c in ledger.claims)  # biography is no claim


@pytest.mark.slow
def test_claims_are_mapped_to_the_right_topics(draft: Path) -> None:
    ledger = load_ledger(draft)
    expected = {
        "스패로우(Sparrow)": "robotics",
        "트레이니엄(Trainium)": "trainium",
        "투자 비용(Capex)": "capex",
        "중간 관리자(Manager) 직급 축소": "management_layers",
        "클라우드 시장 1위인 AWS": "cloud_leadership",
    }
    for words, topic in expected.items():
        claim = _claim_with(ledger, words)
        assert topic in claim.topics, (words, claim.topics)
    robots = _claim_with(ledger, "스패로우(Sparrow)")
    assert robots.direction == "up" and robots.horizon == "past"
    moat = _claim_with(ledger, "경제적 해자")
    assert moat.horizon == "forecast"


def test_ticker_is_the_company_the_article_names_most() -> None:
    text = "엔비디아(NVDA)가 ... 바로 아마존(Amazon, AMZN)입니다. 아마존은 ... 아마존의 ..."
    assert guess_ticker(text) == "AMZN"
