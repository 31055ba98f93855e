"""A level a claim names ("40%대", "in the 40s") against the level a sentence states
(claims/stance_levels.py), on AMD's calls: AMD has no XBRL series in ../shared, so sentences
alone decide."""

from __future__ import annotations

from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, SUPPORTS, RuleStance
from claims.stance_rules import load_stance_rules
from claims.stance_size import claim_level
from claims.verdict import decide

MODEL = RuleStance()
RULES = load_stance_rules()
IN_THE_40S = Claim("amd-gm-40s", "작년 봄 출시된 Ryzen과 여름에 나온 Vega 같은 신제품 효과가 "
                   "본격적으로 나타나면서, 매출총이익률은 이미 40%대에 올라섰습니다.",
                   terms=("gross margin",), metric="gross_margin", kind="both", direction="up")


def test_whole_decade_levels_in_both_languages() -> None:
    assert claim_level(IN_THE_40S.quote, RULES) == (40.0, 50.0)
    assert claim_level("AMD's gross margin is now in the 40s.", RULES) == (40.0, 50.0)
    assert claim_level("총이익률은 40%대 초반입니다.", RULES) == (40.0, 43.4)  # the finer word wins
    assert claim_level("Revenue grew 30% in the quarter.", RULES) is None
    assert claim_level("세계 10대 반도체 기업 중 하나입니다.", RULES) is None  # no percentage


def test_a_rise_short_of_the_level_is_a_size_miss_and_the_quarter_is_not_supported() -> None:
    risen = shared_sentence("AMD/2017-Oct-24-AMD.txt", "Gross margin was 35%, up 4 percentage "
                            "points year-over-year, primarily driven by the benefit of IP-related "
                            "revenue and a richer mix from the Computing and Graphics segment, "
                            "which were partially offset by cost associated with our "
                            "GLOBALFOUNDRIES Wafer Supply Agreement for wafers purchased at "
                            "another foundry.")
    result = MODEL.judge(risen, IN_THE_40S)
    assert result.stance == CONTRADICTS and result.cues[-1]["rule"] == "size", result.cues
    assert decide(IN_THE_40S, [result], None).verdict == "mixed"
    plain = Claim("gm-up", "AMD's gross margin keeps expanding.", terms=("gross margin",),
                  metric="gross_margin", kind="both", direction="up")
    assert MODEL.judge(risen, plain).stance == SUPPORTS  # no level named: the rise decides


def test_a_level_stated_without_a_direction_word_takes_a_side() -> None:
    guided = shared_sentence("AMD/2018-Jan-30-AMD.txt", "For 2018, we expect double-digit "
                             "percentage growth in annual revenue, greater than 36% non-GAAP gross "
                             "margin, non-GAAP operating expenses to be approximately 28% of "
                             "revenue.")
    assert MODEL.judge(guided, IN_THE_40S).stance == "neutral"  # 36% comes before its subject
    was = "Gross margin was 35% in the quarter."
    assert MODEL.judge(was, IN_THE_40S).stance == CONTRADICTS
    assert MODEL.judge("Gross margin was 42% in the quarter.", IN_THE_40S).stance == SUPPORTS


def test_a_rise_that_never_states_the_level_is_capped_at_mixed() -> None:
    expanded = shared_sentence("AMD/2018-Jan-30-AMD.txt", "We expanded gross margin and "
                               "achieved full year profitability.")
    rise = MODEL.judge(expanded, IN_THE_40S)
    assert rise.stance == SUPPORTS
    assert decide(IN_THE_40S, [rise], None).verdict == "mixed"  # the 40s are never said
    stated = MODEL.judge("Gross margin was 42% in the quarter.", IN_THE_40S)
    assert decide(IN_THE_40S, [rise, stated], None).verdict == "supported"
