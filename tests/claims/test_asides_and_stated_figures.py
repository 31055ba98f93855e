"""What a writer says in passing is background, and a figure management states answers a claim.

Asides (claims/asides.py): a comma-set relative clause's change words are not the claim's
direction, and a company named only in an aside is not the sentence's subject. Stated figures
(claims/stance.py, data/stance.yaml `weights.figure_stated`): an outlook that names the claim's
subject and states its figure supports it without a direction word; a figure in the writer's
own inference (`figures.aside`) is no figure the company must state. Month-named quarters
("the March quarter") are read as the company's fiscal quarter (claims/timeframe.py).
"""

from __future__ import annotations

import datetime as dt

from shared_text import shared_sentence

from claims.checkworthy import check_worthiness
from claims.direction import guess_direction
from claims.draft_io import _spacy
from claims.extract import propose_claims
from claims.extraction_rules import load_extraction_rules
from claims.ledger import Claim
from claims.sentences import split_sentences
from claims.stance import NEUTRAL, SUPPORTS, RuleStance
from claims.stance_figures import claim_figures, figures_met
from claims.stance_rules import load_stance_rules
from claims.timeframe import claim_quarter

ARTICLE = """\
AMD and Apple: two chip stories
February 15, 2018

AMD is finally executing. The Enterprise, Embedded and Semi-Custom segment, home of the chips \
inside the PlayStation and Xbox consoles, is shrinking as the console cycle ages. Semi-custom \
sales keep falling as Sony and Microsoft wind down the current generation.

Greater China, which shrank for most of the last two years, is finally back to double-digit \
growth for Apple.
"""


def test_a_relative_clause_is_background_for_the_direction() -> None:
    nlp = _spacy()
    text = ("Greater China, which shrank for most of the last two years, is finally back to "
            "double-digit growth.")
    assert guess_direction(text, nlp=nlp) == "up"
    # a restrictive clause is the claim itself
    assert guess_direction("Microsoft is the only hyperscaler that is cutting capex.",
                           nlp=nlp) == "down"


def test_a_company_named_only_in_an_aside_is_not_the_subject() -> None:
    drafts = propose_claims(text=ARTICLE, nlp=_spacy())
    consoles = next(d for d in drafts if "Xbox" in d["quote"])
    assert consoles["ticker"] == "AMD"  # Xbox (Microsoft) is named in an appositive
    falling = next(d for d in drafts if "wind down" in d["quote"])
    assert falling["ticker"] == "AMD"  # Microsoft is named in a clause giving the cause
    china = next(d for d in drafts if "Greater China" in d["quote"])
    assert china["ticker"] == "AAPL" and china["direction"] == "up"


def test_an_outlook_stating_the_claims_figure_supports_it() -> None:
    claim = Claim("amd-gm-2018", "Management expects gross margin above 36% in 2018, up from "
                  "34% in 2017.", ticker="AMD", metric="gross_margin", kind="both",
                  direction="up", horizon="forecast", quarter="2018Q4")
    outlook = shared_sentence("AMD/2018-Jan-30-AMD.txt", "For 2018, we expect double-digit "
                              "percentage growth in annual revenue, greater than 36% non-GAAP "
                              "gross margin, non-GAAP operating expenses to be approximately "
                              "28% of revenue.")
    result = RuleStance().judge(outlook, claim)
    assert result.stance == SUPPORTS and result.forward_looking
    assert {"rule": "figures", "met": [0]} in result.cues
    # an outlook for another level states nothing for it
    short = shared_sentence("AMD/2017-Jul-25-AMD.txt", "We now expect annual 2017 revenue to "
                            "increase a mid- to high-teens percentage year-over-year compared "
                            "to our prior guidance of low double-digit growth, non-GAAP gross "
                            "margin to be approximately 34%")
    assert RuleStance().judge(short + ".", claim).stance == NEUTRAL


def test_figures_in_the_writers_inference_are_not_the_claims() -> None:
    rules = load_stance_rules()
    quote = ("With tax reform freeing its overseas cash, Apple now targets a net cash neutral "
             "position over time, which means well over $100 billion of extra buybacks are "
             "coming.")
    assert claim_figures(quote, rules) == ()
    # a model number is no amount
    assert claim_figures("It launched its 7nm Ryzen 3000 desktop chips in July.", rules) == ()
    assert len(claim_figures("Apple will buy back well over $100 billion of stock.", rules)) == 1


def test_a_month_named_quarter_is_the_companys_fiscal_quarter() -> None:
    rules = load_extraction_rules()
    day = dt.date(2018, 2, 15)
    guided = ("For the March quarter, management guided gross margin up to between 39% and "
              "40%, the highest level in years.")
    # Apple's fiscal year ends in September: the March quarter is its fiscal Q2
    assert claim_quarter(guided, day, rules, fiscal_year_end="0930") == "2018Q2"
    assert claim_quarter("Revenue hit a record in the December quarter.", day, rules,
                         fiscal_year_end="0930") == "2018Q1"
    assert claim_quarter("Revenue hit a record in the December quarter.", day, rules) \
        == "2017Q4"


def test_a_process_name_that_starts_with_its_figure_is_a_named_term() -> None:
    delay = split_sentences("다만 10nm 공정 제품의 대량 양산은 2019년으로 또다시 "
                            "미뤄졌고, 이 부분이 경쟁사들에게 틈을 내주고 있습니다.")[0]
    worth = check_worthiness(delay, companies=[])
    assert "term" in worth.reasons and worth.checkable
    plain = split_sentences("2019년에는 다시 생각해 보겠습니다.")[0]
    assert "term" not in check_worthiness(plain, companies=[]).reasons


def test_a_change_far_beyond_the_claims_bound_still_states_it() -> None:
    claim = Claim("amd-cg", "The Computing and Graphics segment, powered by Ryzen processors "
                  "and Radeon graphics cards, has been growing more than 50% a year.",
                  ticker="AMD", kind="narrative", direction="up", horizon="past",
                  terms=["Computing and Graphics segment"])
    far = shared_sentence("AMD/2018-Apr-25-AMD.txt", "Computing and Graphics segment revenue "
                          "was $1.12 billion, up 95% year-over-year due to strong sales of both "
                          "Radeon and Ryzen products.")
    result = RuleStance().judge(far, claim)
    assert result.stance == SUPPORTS
    assert {"rule": "figures", "met": [0]} in result.cues  # 95% is "more than 50%"


def test_a_generic_subject_alone_does_not_answer_a_claim_that_names_something() -> None:
    quote = "엔비디아를 의식한 듯 인텔도 외장 그래픽(GPU) 개발에 본격적으로 투자하고 있습니다."
    claim = Claim("intc-gpu", quote, ticker="INTC", kind="narrative", direction="up",
                  horizon="past", terms=["GPU", "investment"])
    generic = shared_sentence("INTC/2018-Oct-25-INTC.txt", "We continue to improve our leverage "
                              "while increasing investment in our key priorities such as product "
                              "leadership, artificial intelligence and autonomous driving.")
    result = RuleStance().judge(generic, claim)
    assert result.stance == NEUTRAL and result.cues == [{"weak": "investment"}]
    # the same sentence answers a claim whose subject is the investment itself
    plain = Claim("intc-invest", "Intel keeps raising its investment.", ticker="INTC",
                  kind="narrative", direction="up", horizon="past", terms=["investment"])
    assert RuleStance().judge(generic, plain).stance == SUPPORTS


def test_a_process_node_is_found_in_managements_spelling() -> None:
    claim = Claim("intc-10nm", "On the manufacturing side, Intel has finally started shipping "
                  "10nm Ice Lake laptop chips, and it says its first 7nm product will arrive "
                  "in 2021.", ticker="INTC", kind="narrative", direction="up",
                  horizon="forecast", quarter="2021Q4",
                  terms=["10nm Ice Lake", "7nm", "laptop chips", "7nm product"])
    shipping = shared_sentence("INTC/2019-Jul-25-INTC.txt", "We began shipping Ice Lake client "
                               "in the second quarter")
    result = RuleStance().judge(shipping + ".", claim)
    assert result.stance == SUPPORTS and result.cues[0]["cue"] == "Ice Lake"
    node = shared_sentence("INTC/2019-Oct-24-INTC.txt", "We are on track to launch our first "
                           "7-nanometer-based product, a data center-focused discrete GPU, in "
                           "2021, 2 years after the launch of 10-nanometer.")
    assert RuleStance().judge(node, claim).stance == SUPPORTS


def test_a_company_named_as_an_example_is_not_the_subject() -> None:
    ko = ("엔비디아 이야기입니다.\n\n엔비디아의 게이밍 매출은 회복 중입니다. "
          "데이터센터 매출도 구글이나 아마존 같은 하이퍼스케일 고객들이 서버 투자를 "
          "잠시 멈추면서 전년 대비 감소했습니다.\n")
    drafts = propose_claims(text=ko)
    assert next(d for d in drafts if "하이퍼스케일" in d["quote"])["ticker"] == "NVDA"
    en = ("AMD is executing.\n\nThe second-generation EPYC processors are now ramping at cloud "
          "providers such as Google and Microsoft, and revenue grew 20%.\n")
    drafts = propose_claims(text=en, nlp=_spacy())
    assert next(d for d in drafts if "EPYC" in d["quote"])["ticker"] == "AMD"


def test_a_korean_month_quarter_and_guidance_make_a_forecast_claim() -> None:
    rules = load_extraction_rules()
    guide = ("회사가 제시한 9월 분기 총이익률 가이던스는 37.5~38.5%로, "
             "지난 분기와 비슷한 수준입니다.")
    assert claim_quarter(guide, dt.date(2019, 9, 2), rules, fiscal_year_end="0928") == "2019Q4"
    worth = check_worthiness(split_sentences(guide)[0], companies=[])
    assert "forecast" in worth.reasons and worth.checkable


def test_on_path_to_reaching_a_goal_supports_it() -> None:
    claim = Claim("aapl-net-cash", "Apple will keep returning cash until it is net cash "
                  "neutral.", ticker="AAPL", kind="narrative", direction="up",
                  horizon="forecast", terms=["net cash neutral"])
    bullet = shared_sentence("AAPL/2019-Jul-30-AAPL.txt",
                             "Continues on path to reaching net cash neutral position over time.")
    result = RuleStance().judge(bullet, claim)
    assert result.stance == SUPPORTS and result.cues[0]["rule"] == "on-path-to"


def test_a_range_below_the_bound_does_not_state_it() -> None:
    rules = load_stance_rules()
    figures = claim_figures("Apple's gross margin is now above 48%, and management guided to "
                            "an even higher range for the March quarter.", rules)
    guide = shared_sentence("AAPL/AAPL_1Q26_presentation.txt", "We expect gross margin to be "
                            "between 48% and 49%")
    assert figures_met(guide, figures, rules) == [0]
    guide_before = shared_sentence("AAPL/AAPL_4Q25_presentation.txt", "We expect gross margin "
                                   "to be between 47% and 48%")
    assert figures_met(guide_before, figures, rules) == []
    assert figures_met("We expect gross margin of 48.5%.", figures, rules) == [0]


def test_walking_away_from_a_business_is_a_claim() -> None:
    text = ("Intel is changing.\n\nIntel has also walked away from the 5G smartphone modem "
            "business and sold most of it to Apple.\n")
    drafts = propose_claims(text=text, nlp=_spacy())
    modem = next(d for d in drafts if "modem" in d["quote"])
    assert modem["ticker"] == "INTC"
