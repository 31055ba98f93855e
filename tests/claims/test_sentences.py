"""Rule-based sentence splitting and check-worthiness on the Korean seed article."""

from __future__ import annotations

from pathlib import Path

from claims.checkworthy import check_worthiness
from claims.ledger import load_ledger, normalise_space
from claims.sentences import Sentence, split_sentences

SEED = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"


def _article(shared_dir: Path) -> str:
    return (shared_dir / "articles" / "amazon-next-cycle.ko.txt").read_text(encoding="utf-8")


def test_wrapped_korean_lines_are_joined_into_sentences(shared_dir: Path) -> None:
    sentences = split_sentences(_article(shared_dir))
    robots = next(s for s in sentences if "스패로우" in s.text)
    # Three wrapped lines of the article (47-49) make one sentence.
    assert robots.text == ("아마존은 현재 ‘스패로우(Sparrow)’, ‘프로테우스(Proteus)’와 같은 "
                           "첨단 로봇을 전면에 배치하고 있습니다.")
    assert robots.line == 47 and not robots.heading
    headings = [s.text for s in sentences if s.heading]
    assert headings[0].startswith("1. 현장을 아는 자만이")
    assert "결론 숫자는 거짓말을 하지 않는다" in headings
    assert any(s.text.endswith("어디일까요?") for s in sentences)


def test_english_abbreviations_do_not_end_sentences() -> None:
    text = "Amazon.com, Inc. grew sales 11% in the U.S. market.\nDid margins improve? Yes."
    assert [s.text for s in split_sentences(text)] == [
        "Amazon.com, Inc. grew sales 11% in the U.S. market.", "Did margins improve?", "Yes."]


def test_every_claim_of_the_seed_ledger_has_a_check_worthy_sentence(shared_dir: Path) -> None:
    sentences = split_sentences(_article(shared_dir))
    worthy = [s.text for s in sentences if check_worthiness(s).checkable]
    for claim in load_ledger(SEED).claims:
        quote = normalise_space(claim.quote)
        assert any(text in quote or quote in text for text in worthy), claim.claim_id


def test_biography_questions_and_headings_are_not_claims() -> None:
    for text in ("저는 소위 말하는 엘리트 코스를 밟은 엔지니어가 아닙니다.",
                 "살아난 소비 심리가 향하는 종착지는 어디일까요?"):
        assert not check_worthiness(Sentence(text, 1)).checkable
    assert not check_worthiness(Sentence("2. AWS: ‘곡괭이’를 직접 만드는 자의 여유", 1,
                                         heading=True)).checkable


def test_record_highs_plans_and_sizes_in_words_are_checkable() -> None:
    """Claims that name no company in the sentence itself, or a size in words, still score."""
    for text in (
        "지난 분기 데이터센터 매출은 사상 최대를 기록했습니다.",  # a record, company from context
        "테슬라는 내년에 새 모델을 내놓을 계획입니다.",  # a company's plan to launch
        "Its own Gaudi accelerators have become a multibillion-dollar business.",
        "The cheaper Model 2 it promised is now due to ship in 2027.",
    ):
        worth = check_worthiness(Sentence(text, 1))
        assert worth.checkable, (text, worth)


def test_deals_marks_passed_and_products_named_first_are_checkable() -> None:
    """A sale of a business, a user count passing a mark, and a product that opens the
    sentence explained by an appositive are claims; a sentence adverb before an appositive is
    no product name."""
    for text in (
        "Intel has sold a majority stake in Altera to Silver Lake.",
        "인스타그램 월간 사용자는 30억 명을 넘어섰습니다.",
        "Gaudi 3, the next accelerator, is already in volume production.",
        "Blackwell, the current platform, is sold out.",
    ):
        worth = check_worthiness(Sentence(text, 1))
        assert worth.checkable, (text, worth)
    filler = check_worthiness(Sentence("Meanwhile, the stock, which I own, fell.", 1))
    assert "term" not in filler.reasons and not filler.checkable


def test_first_person_korean_cues_match_only_at_a_word_start() -> None:
    """저의 ("my") is an opinion cue; 애저의 ("Azure's") is not the writer speaking."""
    mine = check_worthiness(Sentence("저의 포트폴리오에서 애플 비중은 가장 큽니다.", 1))
    azure = check_worthiness(Sentence("애저의 성장률은 40%를 넘었습니다.", 1))
    assert "opinion" in mine.reasons
    assert "opinion" not in azure.reasons and azure.checkable


def test_company_names_are_no_product_terms_in_english() -> None:
    """A company's own name earns `company`, not also `term` (filler stays below threshold)."""
    text = "At Meta, the answer is the ads machine."
    spans = [(text.index("Meta"), text.index("Meta") + 4)]
    assert "term" not in check_worthiness(Sentence(text, 1), companies=["META"],
                                          company_spans=spans).reasons
    assert "term" in check_worthiness(Sentence("Demand for the new Blackwell systems is "
                                               "strong.", 1)).reasons


def test_the_writers_own_reading_is_not_a_claim() -> None:
    """"I re-read both calls" names two companies and their results, but says what the writer
    did, not what the companies did: it is no claim in either language (the drafter used to
    propose it once per company)."""
    for text, companies in [
        ("긴 주말 동안 마이크로소프트와 마이크론의 최근 실적 발표 자료와 컨퍼런스콜 내용을 다시 "
         "꼼꼼히 읽어 봤습니다.", ["MSFT", "MU"]),
        ("I went through both earnings calls again this weekend, Microsoft's and Micron's.",
         ["MSFT", "MU"]),
    ]:
        worth = check_worthiness(Sentence(text, 1), companies=companies)
        assert "opinion" in worth.reasons and not worth.checkable, (text, worth)
    # the cue is the writer's reading, not any "read" ("AI ready" is no "i read")
    ready = check_worthiness(Sentence("Microsoft said its AI ready data centers are sold out.", 1),
                             companies=["MSFT"])
    assert "opinion" not in ready.reasons and ready.checkable


def test_management_as_subject_plans_due_and_debt_are_checkable(nlp) -> None:
    """"management guided to ..." has the company itself as subject (no vague subject); a
    product "due in time for" the holidays is a plan; paying debt down to net cash is a
    Korean claim about the balance sheet."""
    from claims.checkworthy import vague_subject
    from claims.extraction_rules import load_extraction_rules

    rules = load_extraction_rules()
    guided = "For the July quarter, management guided to about $1.95 billion of revenue."
    assert not vague_subject(guided, nlp, [], rules)
    assert vague_subject("At Meta, the answer is the ads machine.", nlp, [], rules)
    for text in ("Project Scorpio, the new Xbox console, is due in time for the holidays.",
                 "벌어들인 현금으로 빚을 빠르게 갚고 있어서, 올해 안에 순현금으로 돌아서는 것이 "
                 "목표입니다."):
        worth = check_worthiness(Sentence(text, 1))
        assert worth.checkable, (text, worth)
