"""A drafted claim's metric, direction and company, on sentences no rule was written for
(companies, products and phrasings other than the labelled articles'): the metric of a
segment or a region is not the company's total, a composite metric beats its parts, a
growing business means its sales, and the direction is that of the claim's subject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from claims.companies import resolve_companies
from claims.direction import guess_direction
from claims.draft_io import draft_text
from claims.extraction_rules import load_extraction_rules
from claims.ledger import load_ledger
from claims.metric_pick import pick_metric
from claimtracker.metric_catalog import load_catalog


def _metric(text: str, nlp=None, language: str | None = None) -> str | None:
    korean = language == "ko"
    mentions = resolve_companies(text, language="ko" if korean else "en")
    return pick_metric(text, mentions=mentions, rules=load_extraction_rules(), nlp=nlp)


def test_a_composite_metric_named_beside_its_parts_wins() -> None:
    text = ("Intel's capital spending is climbing faster than its sales, so its capex burden "
            "keeps getting heavier.")
    assert load_catalog().find(text) == "capex"  # the longest alias alone would say capex
    assert _metric(text) == "capex_intensity"


def test_a_segment_or_region_is_not_the_company_total(nlp) -> None:
    catalog = load_catalog()
    assert _metric("Google Cloud's revenue rose 34% in the quarter.") == "cloud_revenue"
    # A product without a catalogue series: no metric, rather than the company's revenue.
    assert catalog.find("Xbox revenue fell 9% as console sales dropped.") == "revenue"
    assert _metric("Xbox revenue fell 9% as console sales dropped.") is None
    assert _metric("애플의 서비스 매출은 두 자릿수 성장했습니다.", language="ko") is None
    assert _metric("중국 매출은 수출 규제로 급감했습니다.", language="ko") is None
    assert _metric("China revenue collapsed after the export ban.") is None
    assert _metric("The share of revenue from services keeps rising.") is None
    # A business unit: by the parse (English) or the unit word (Korean).
    assert _metric("Intel's foundry business posted record revenue.", nlp) is None
    assert _metric("Intel posted record revenue.", nlp) == "revenue"
    # A product as the subject of the verb the metric hangs from: the product's revenue.
    assert _metric("LinkedIn, which closed in December, already brings in about $1 billion of "
                   "revenue a quarter.", nlp) is None
    assert _metric("Microsoft brings in about $23 billion of revenue a quarter.", nlp) \
        == "revenue"
    assert _metric("Alphabet's cloud business revenue rose 30%.", nlp) == "cloud_revenue"
    assert _metric("구글의 클라우드 부문 매출은 30% 늘었습니다.", language="ko") == "cloud_revenue"
    # The company's own name before the metric keeps the company's total.
    assert _metric("Apple revenue rose 8% on iPhone demand.") == "revenue"
    assert _metric("애플의 매출은 8% 늘었습니다.", language="ko") == "revenue"


def test_a_growing_business_means_its_sales(nlp) -> None:
    assert _metric("Intel is growing faster than AMD in servers.", nlp) == "revenue"
    assert _metric("Azure is growing more than 35% a year.", nlp) == "cloud_revenue"
    assert _metric("Demand for accelerators is growing quickly.", nlp) is None
    assert _metric("Microsoft grows its AI capacity every quarter.", nlp) is None  # an object


def test_direction_is_the_subjects_when_the_words_disagree(nlp) -> None:
    text = "Lower memory prices pushed Apple's gross margin higher."
    assert guess_direction(text, nlp=nlp, subject="gross margin") == "up"
    assert guess_direction(text, nlp=nlp, subject="memory prices") == "down"
    # Korean puts the main predicate last.
    assert guess_direction("매출은 증가했지만 영업이익은 감소했습니다.") == "down"
    assert guess_direction("비용은 줄었지만 매출은 늘었습니다.") == "up"


def test_persistence_layoffs_and_endings() -> None:
    assert guess_direction("Intel's foundry unit is still losing about $2 billion a quarter.") \
        == "flat"
    assert guess_direction("Intel's foundry unit is still growing.") == "up"
    assert guess_direction("Intel is preparing another round of layoffs.") == "down"
    assert _metric("Intel is preparing another round of layoffs.") == "employees"
    assert guess_direction("Apple is ending production of its electric car.") == "down"
    assert guess_direction("인텔은 독일 공장 계획을 사실상 접었습니다.") == "down"
    assert guess_direction("애플의 총이익률은 내려가고 있습니다.") == "down"
    assert guess_direction("Management has already started trimming the 2019 capex plan to "
                           "keep supply in check.") == "down"
    assert guess_direction("Meta slashed its metaverse budget.") == "down"


ARTICLE_KO = """\
반도체 설계 회사들 점검
2025년 12월 15일 작성

퀄컴의 칩을 쓰는 애플은 자체 모뎀 도입을 늘리고 있습니다.
이번 글은 제품과 실적 순서로 정리했습니다.
애플의 서비스 매출은 전년 대비 15% 성장했습니다.
"""

ARTICLE_EN = """\
Intel: the long way back
Published December 15, 2025

I have read that Intel is planning more layoffs next year to cut costs.
I own a little Intel, so keep my bias in mind.
Intel's foundry business is growing faster than its products business.
"""


def test_drafts_take_the_subject_company_and_skip_the_writers_asides(tmp_path: Path,
                                                                      nlp) -> None:
    ko = draft_text(ARTICLE_KO, source="ko.txt", mapper=None)
    path = tmp_path / "ko.yaml"
    path.write_text(ko.yaml_text, encoding="utf-8")
    claims = load_ledger(path).claims
    modem = next(c for c in claims if "모뎀" in c.quote)
    assert modem.ticker == "AAPL"  # 애플은: the subject, though Qualcomm is named first
    assert not any("이번 글" in c.quote for c in claims)  # the writer's plan, no claim
    services = next(c for c in claims if "서비스 매출" in c.quote)
    assert services.metric != "revenue" and services.direction == "up"

    en = draft_text(ARTICLE_EN, source="en.txt", mapper=None, nlp=nlp,
                    date=dt.date(2025, 12, 15))
    path = tmp_path / "en.yaml"
    path.write_text(en.yaml_text, encoding="utf-8")
    claims = load_ledger(path).claims
    layoffs = next(c for c in claims if "layoffs" in c.quote)  # passed on, not an opinion
    assert layoffs.ticker == "INTC" and layoffs.metric == "employees"
    assert layoffs.direction == "down" and layoffs.horizon == "forecast"
    assert not any("my bias" in c.quote for c in claims)


def test_scene_setting_subjects_are_no_claims(nlp) -> None:
    from claims.checkworthy import vague_subject

    rules = load_extraction_rules()
    spans = lambda text: [(m.start, m.end) for m in resolve_companies(text)]  # noqa: E731
    for text in ("In cloud, the real winner this year is clearly Microsoft.",
                 "Over at Apple, the big question is the iPhone cycle."):
        assert vague_subject(text, nlp, spans(text), rules), text
    for text in ("Apple is moving more of its modems in house.",
                 "Data center revenue tells the same story.",
                 "It now expects revenue to grow 20%."):
        assert not vague_subject(text, nlp, spans(text), rules), text


def test_the_main_clause_sets_the_time_frame(nlp) -> None:
    from claims.timeframe import is_forecast, main_clause_horizon

    rules = load_extraction_rules()
    # A forecast word in a "so ... that" clause is not the claim's own time frame.
    text = "Demand for Nvidia's GPUs is so strong that OpenAI plans to buy millions of them."
    assert is_forecast(text, rules) and main_clause_horizon(text, rules, nlp) == ""
    # A deal signed (main verb past) is past, though it runs into a later year.
    assert main_clause_horizon("Intel signed a deal with Apple to make chips starting in "
                               "2027.", rules, nlp) == "past"
    # A reported clause keeps its forecast; a guidance raise is a forecast.
    assert main_clause_horizon("Apple says supply will stay tight through June.", rules,
                               nlp) == "forecast"
    assert main_clause_horizon("Micron raised its capex guidance for the year.", rules,
                               nlp) == "forecast"
    # "As expected" reports what happened; 예정대로 likewise; a dropped plan is past.
    assert not is_forecast("Revenue rose 10%, as expected.", rules)
    assert not is_forecast("인텔은 예정대로 신규 공정 양산을 시작했습니다.", rules)
    assert not is_forecast("인텔은 독일 공장 계획을 사실상 접었습니다.", rules)
    assert is_forecast("인텔은 내년에 독일 공장을 지을 계획입니다.", rules)
    assert is_forecast("브로드컴은 인텔 설계 사업 인수를 검토하고 있습니다.", rules)


def test_a_change_only_in_a_relative_clause_still_gives_the_direction(nlp) -> None:
    """The main clause ("the headline number is still the iPhone") holds no change; the
    relative clause does ("whose revenue fell 15%"): the claim is down, not flat. A change
    in the main clause still outranks one in a relative clause."""
    fell = ("The headline number is still the iPhone, whose revenue fell 15% from a year "
            "earlier in the March quarter.")
    assert guess_direction(fell, nlp=nlp, subject="revenue") == "down"
    grew = "Services revenue, which once fell for a year, grew 18% in the quarter."
    assert guess_direction(grew, nlp=nlp, subject="revenue") == "up"
    # a cause is not the claim's change: the margin is squeezed because costs grow
    squeezed = ("Alphabet's operating margin keeps getting squeezed, because data center and "
                "content costs are growing faster than revenue.")
    assert guess_direction(squeezed, nlp=nlp, subject="operating margin") == "down"


def test_the_season_is_no_decline(nlp) -> None:
    """"Apple TV+ are due in the fall" is a launch (up); "will fall" is still down
    (extraction.yaml direction.not_direction; stance.yaml phrase rule `autumn`)."""
    from shared_text import shared_sentence

    from claims.ledger import Claim
    from claims.stance import CONTRADICTS, RuleStance

    launch = ("The next few months are packed for Cupertino: Apple Card starts rolling out this "
              "month, and Apple Arcade and Apple TV+ are due in the fall.")
    assert guess_direction(launch, nlp=nlp) == "up"
    assert guess_direction("Revenue will fall next quarter.", nlp=nlp) == "down"
    claim = Claim("aapl-launches", launch, terms=("Apple Card", "Apple Arcade", "Apple TV+"),
                  kind="narrative", direction="up", horizon="forecast")
    said = shared_sentence("AAPL/2019-Apr-30-AAPL.txt", "We'll have the Apple Arcade and the "
                           "Apple TV+ products in the market in the fall, and Apple Card will go "
                           "out in the summer timeframe.")
    assert RuleStance().judge(said, claim).stance != CONTRADICTS


def test_leading_to_is_a_cause_not_a_lead() -> None:
    """Apple's bullet "faced some processor constraints, leading to 5% revenue decline" must
    not read "leading" as the Mac growing (stance.yaml phrase rule `leads-to`)."""
    from shared_text import shared_sentence

    from claims.ledger import Claim
    from claims.stance import CONTRADICTS, RuleStance
    from ingest.transcripts.event_brief import load_summary_rules

    raw = shared_sentence("AAPL/2019-Apr-30-AAPL.txt", "For Mac business overall, faced some "
                          "processor constraints, leading to 5% revenue decline vs. last year.")
    stored = load_summary_rules().plain(raw)  # "versus last year", as ingest stores it
    shrinking = Claim("mac", "The Mac, meanwhile, just keeps shrinking.", terms=("Mac",),
                      kind="narrative", direction="down")
    model = RuleStance()
    assert model.judge(stored, shrinking).stance != CONTRADICTS
    assert model.judge("We are leading the market with Mac.", shrinking).stance == CONTRADICTS
