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
from claims.stance_figures import claim_figures
from claims.stance_rules import load_stance_rules
from claims.timeframe import claim_quarter

ARTICLE = """\
AMD and Apple: two chip stories
February 15, 2018

AMD is finally executing. The Enterprise, Embedded and Semi-Custom segment, home of the chips \
inside the PlayStation and Xbox consoles, is shrinking as the console cycle ages.

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
