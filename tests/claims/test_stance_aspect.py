"""Done vs planned, parts of a claim, place-qualified subjects (claims/stance_aspect.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance
from claims.stance_amounts import claim_amount
from claims.stance_aspect import (
    DONE,
    ONGOING,
    PLAN,
    claim_aspect,
    claim_parts,
    claim_qualifiers,
    says_done,
)
from claims.stance_rules import load_stance_rules
from claims.verdict import decide
from claimtracker.errors import ConfigError

MODEL = RuleStance()
ASPECT = load_stance_rules().aspect


@pytest.mark.parametrize(("quote", "aspect"), [
    ("Optimus is already in volume production, with thousands of humanoid robots built in 2025.",
     DONE),
    ("Tesla launched its paid Robotaxi service in Austin last June and has since expanded it "
     "to the Bay Area.", DONE),
    ("Tesla is ending Model S and Model X production and turning that Fremont space into an "
     "Optimus factory.", PLAN),
    ("Tesla is getting ready to pay its first-ever dividend.", PLAN),
    ("Meta is moving more of its AI workloads onto its own MTIA chips.", ONGOING),
    ("2나노(N2) 공정은 예정대로 지난해 4분기에 양산을 시작했습니다.", DONE),  # 예정대로: as planned
    ("TSMC는 일본 구마모토 2공장 계획을 사실상 접었습니다.", DONE),  # dropped the plan: done
    ("또한 엔비디아는 내년에 배당을 대폭 늘려 주주환원을 강화할 계획입니다.", PLAN),
    ("AI 덕분에 HPC가 매출에서 차지하는 비중은 분기마다 높아지고 있습니다.", ONGOING),  # 있습니다
])
def test_claim_aspect(quote: str, aspect: str) -> None:
    assert claim_aspect(quote, ASPECT) == aspect


def test_plan_does_not_confirm_what_the_claim_says_is_done() -> None:
    claim = Claim("optimus", "Optimus is already in volume production.", terms=("Optimus",),
                  mentions_support=True)
    plan = shared_sentence("TSLA/TSLA_1Q25.txt", "We expect to have thousands of Optimus "
                           "robots working in Tesla factories by the end of this year")
    result = MODEL.judge(plan, claim)
    assert result.stance == SUPPORTS
    assert any(c.get("rule") == "planned" for c in result.cues)
    # alone, a plan makes the quarter mixed, never supported
    assert decide(claim, [result], None).verdict == "mixed"
    # the same words against a claim that is itself a plan confirm it
    forecast = Claim("optimus-plan", "Tesla plans to build thousands of Optimus robots.",
                     terms=("Optimus",), horizon="forecast", mentions_support=True)
    judged = MODEL.judge(plan, forecast)
    assert not any(c.get("rule") == "planned" for c in judged.cues)
    assert decide(forecast, [judged], None).verdict == "supported"


def test_a_sentence_that_reports_it_done_is_not_a_plan() -> None:
    done = shared_sentence("TSLA/TSLA_3Q25_presentation.txt", "We've already expanded our "
                           "coverage area in Austin 3x since the initial launch and are on pace "
                           "to continue expanding further.")
    assert says_done(done, ASPECT)


def test_one_part_of_two_confirmed_is_mixed() -> None:
    quote = ("Tesla launched its paid Robotaxi service in Austin last June and has since "
             "expanded it to the Bay Area.")
    assert claim_parts(quote, ASPECT) == ("Austin", "Bay Area")  # June is a month, not a part
    claim = Claim("robotaxi", quote, terms=("Robotaxi", "Austin", "Bay Area"),
                  mentions_support=True)
    austin = shared_sentence("TSLA/TSLA_2Q25.txt", "We were able to successfully launch "
                             "robotaxi, so providing our first drives with no one in the driver "
                             "seat with paying customers in Austin.")
    bay = shared_sentence("TSLA/TSLA_2Q25.txt", "The next thing to expand would be in the San "
                          "Francisco Bay Area.")
    stances = [MODEL.judge(s, claim) for s in (austin, bay)]
    assert stances[0].stance == SUPPORTS
    assert decide(claim, stances, None).verdict == "mixed"  # Bay Area only planned
    both = shared_sentence("TSLA/TSLA_3Q25_presentation.txt", "We're now operating our "
                           "Robotaxi in 2 markets, Austin and most Bay Area cities.")
    assert decide(claim, [MODEL.judge(both, claim)], None).verdict == "supported"


def test_whole_company_sentence_does_not_judge_a_place_qualified_claim() -> None:
    claim = Claim("china-dc", "미국의 H20 수출 규제로 중국 데이터센터 매출은 사실상 사라졌습니다.",
                  terms=("H20", "China", "data center revenue"), direction="down")
    whole = shared_sentence("NVDA/NVDA_2Q26.txt", "Data center revenue grew 56% year-over-year.")
    assert MODEL.judge(whole, claim).stance == NEUTRAL
    plain = Claim("dc", "데이터센터 매출은 크게 늘었습니다.", terms=("data center revenue",))
    assert MODEL.judge(whole, plain).stance == SUPPORTS  # the unqualified claim is judged
    # a place that only locates what the claim names ("일본 구마모토 2공장") qualifies nothing
    assert claim_qualifiers("TSMC는 일본 구마모토 2공장 계획을 사실상 접었습니다.", ASPECT) == ()


def test_bad_aspect_section_names_file_and_line(edited_stance_rules: Callable) -> None:
    path, line = edited_stance_rules(r"^  plan_weight: 1\.0.*$", "  plan_weight: 3")
    with pytest.raises(ConfigError, match=rf"stance.yaml:{line}: aspect.plan_weight"):
        load_stance_rules(path)


def test_a_sequential_change_does_not_judge_a_yearly_claim() -> None:
    claim = Claim("amd-dc", "AMD's data center segment is growing more than 50% a year.",
                  terms=("data center segment",))
    sequential = shared_sentence("AMD/AMD_1Q25.txt", "On a sequential basis, data center "
                                 "segment revenue decreased 5%.")
    yearly = shared_sentence("AMD/AMD_1Q25.txt", "Data center segment revenue was $3.7 "
                             "billion, up 57% year-over-year")
    assert MODEL.judge(sequential, claim).stance == NEUTRAL
    assert MODEL.judge(yearly, claim).stance == SUPPORTS
    # a claim that names no yearly basis is still judged by the sequential figure
    plain = Claim("amd-dc", "AMD's data center segment keeps growing.",
                  terms=("data center segment",))
    assert MODEL.judge(sequential, plain).stance == CONTRADICTS


def test_an_amount_the_claim_asks_for() -> None:
    claim = Claim("tsla-capex", "Tesla now expects to spend more than $20 billion on capex in "
                  "2026.", terms=("capex",), horizon="forecast")
    meets = shared_sentence("TSLA/TSLA_4Q25_presentation.txt", "And at the moment, we are "
                            "expecting that CapEx would be in excess of $20 billion.")
    short = shared_sentence("TSLA/TSLA_3Q25_presentation.txt", "On the CapEx front, while we "
                            "are expecting to be around $9 billion for the current year")
    met = MODEL.judge(meets, claim)  # no direction word: the amount itself confirms
    assert met.stance == SUPPORTS and any(c.get("rule") == "amount" for c in met.cues)
    missed = MODEL.judge(short, claim)
    assert missed.stance == CONTRADICTS and any(c.get("rule") == "size" for c in missed.cues)
    assert decide(claim, [missed], None).verdict == "mixed"  # direction without the size
    # a state that holds ("still burning more than $4 billion"): the amount decides
    losses = Claim("rl", "Reality Labs is still burning more than $4 billion every quarter.",
                   terms=("Reality Labs",), direction="flat")
    loss = shared_sentence("META/META_1Q25.txt", "Reality Labs' operating loss was $4.2 "
                           "billion.")
    assert MODEL.judge(loss, losses).stance == SUPPORTS


def test_korean_range_amount() -> None:
    rules = load_stance_rules()
    quote = ("설비투자도 가파르게 늘고 있어서, 올해 예산은 520억~560억 달러로 지난해 400억 달러 "
             "수준에서 크게 뛰었습니다.")
    assert claim_amount(quote, rules.numbers.at_least, rules.aspect.amount_units,
                        rules.aspect.amount_currency) == 52e9
    assert claim_amount("Google Cloud's backlog jumped to $155 billion.", rules.numbers.at_least,
                        rules.aspect.amount_units, rules.aspect.amount_currency) is None


def test_a_plan_is_the_move_under_a_forward_word_not_any_forward_sentence() -> None:
    claim = Claim("rpo", "Oracle's remaining performance obligations have exploded.",
                  terms=("remaining performance obligations", "RPO"))
    realised = shared_sentence("ORCL/ORCL_1Q26.txt", "Given our RPO growth, I now expect fiscal "
                               "year '26 CapEx will be around $35 billion.")
    planned = shared_sentence("ORCL/ORCL_1Q26.txt", "RPO will likely grow to exceed")
    assert not any(c.get("rule") == "planned" for c in MODEL.judge(realised, claim).cues)
    assert any(c.get("rule") == "planned" for c in MODEL.judge(planned, claim).cues)
    azure = Claim("azure", "Azure has accelerated to around 40%.", terms=("Azure",))
    grew = shared_sentence("MSFT/MSFT_1Q26_presentation.txt", "In Azure and other Cloud "
                           "services, where we continue to see accelerating demand, revenue "
                           "grew 40%")
    assert not any(c.get("rule") == "planned" for c in MODEL.judge(grew, azure).cues)
    tpu = Claim("tpu", "브로드컴은 앤트로픽으로부터도 대규모 TPU 주문을 받았습니다.",
                terms=("TPU",))
    aside = shared_sentence("AVGO/AVGO_1Q26.txt", "Our XPU franchise, I should add, extends "
                            "beyond TPUs.")
    assert not any(c.get("rule") == "planned" for c in MODEL.judge(aside, tpu).cues)


def test_a_sentence_opening_with_a_plan_plans_its_later_move() -> None:
    # Tesla's Q3 2025 call on the Semi line: the ramp comes far after "We'll", still a plan
    claim = Claim("semi", "Tesla's Semi is already shipping in volume.", terms=("volume",))
    plan = shared_sentence("TSLA/TSLA_3Q25_qna.txt", "We'll have larger builds towards the end "
                           "of this year and then our first online builds in the first part of "
                           "next year, ramping into the Q2 timing with real volume coming in "
                           "the back half of the year.")
    assert any(c.get("rule") == "planned" for c in MODEL.judge(plan, claim).cues)
    # a plan word after the move does not make the move a plan
    report = "Semi volume is ramping at our Nevada factory, and we will add a second shift."
    assert not any(c.get("rule") == "planned" for c in MODEL.judge(report, claim).cues)
