"""Level ranges, realised phrases and clause breaks on real NVIDIA sentences from ../shared.

"mid-70s" is a level, not minus seventy; "down sequentially as expected" is a realised fall,
not a forecast; a direction word across ", but" belongs to another clause.
"""

from __future__ import annotations

from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance
from claims.stance_match import tokenize
from claims.stance_numbers import numbers_in
from claims.stance_rules import load_stance_rules

MODEL = RuleStance()
MARGIN_DOWN = Claim("gm-down", "Gross margin fell to the low 70s.", terms=("gross margin",),
                    direction="down", metric="gross_margin", kind="both")
MARGIN_UP = Claim("gm-up", "Gross margin is recovering toward the mid-70s.",
                  terms=("gross margin",), direction="up", metric="gross_margin", kind="both")


def test_a_range_word_is_not_a_negative_number() -> None:
    sentence = shared_sentence(
        "NVDA/NVDA_4Q25.txt", "When fully ramped, we have many opportunities to improve the "
        "cost and gross margin will improve and return to the mid-70s, late this fiscal year.")
    rules = load_stance_rules().numbers
    assert rules is not None
    numbers = numbers_in(sentence, tokenize(sentence), rules)
    assert [n.value for n in numbers] == [70.0] and not numbers[0].negative
    minus = "Free cash flow was -5% of revenue."
    assert numbers_in(minus, tokenize(minus), rules)[0].negative
    result = MODEL.judge(sentence, MARGIN_DOWN)
    assert result.stance == CONTRADICTS  # "improve", read as such, not as "-70"
    assert all(c.get("rule") != "numbers" for c in result.cues)


def test_as_expected_is_a_realised_fall_at_full_weight() -> None:
    sentence = shared_sentence(
        "NVDA/NVDA_4Q25.txt", "GAAP gross margin was 73% and non-GAAP gross margin was 73.5% "
        "and down sequentially as expected with our first deliveries of the Blackwell "
        "architecture.")
    result = MODEL.judge(sentence, MARGIN_DOWN)
    assert result.stance == SUPPORTS and not result.forward_looking and result.weight == 1.0
    forecast = "We expect gross margin to be down sequentially."
    assert MODEL.judge(forecast, MARGIN_DOWN).forward_looking


def test_a_direction_word_across_but_belongs_to_another_clause() -> None:
    sentence = shared_sentence(
        "NVDA/NVDA_3Q26_presentation.txt", "Looking ahead to fiscal year 2027, and input costs "
        "are on the rise, but we are working to hold gross margins in the mid-70s.")
    result = MODEL.judge(sentence, MARGIN_UP)
    assert result.stance == NEUTRAL and result.forward_looking
    same_clause = "Gross margins are on the rise, but input costs are too."
    assert MODEL.judge(same_clause, MARGIN_UP).stance == SUPPORTS


def test_contracted_for_is_signing_not_shrinking() -> None:
    sentence = shared_sentence("ORCL/ORCL_2Q26_presentation.txt", "As Doug said, this quarter, we "
                               "contracted for an additional $68 billion of RPO.")
    rpo_up = Claim("rpo", "Oracle's RPO keeps growing.", terms=("RPO",), direction="up")
    assert MODEL.judge(sentence, rpo_up).stance == NEUTRAL
    margin_down = Claim("om", "Operating margins are shrinking.", terms=("operating margins",),
                        direction="down")
    assert MODEL.judge("Operating margins contracted 200 basis points.",
                       margin_down).stance == SUPPORTS


def test_layoffs_rising_supports_a_headcount_cut() -> None:
    """data/stance.yaml `inverse_subjects`: an employees claim's alias "layoffs" measures the
    opposite, so more layoffs support "cutting staff" and contradict "hiring more"."""
    cut = Claim("cut", "The company is cutting staff.", terms=("staff",), direction="down",
                metric="employees")
    hire = Claim("hire", "The company is hiring more people.", terms=("staff",), direction="up",
                 metric="employees")
    sentence = "Layoffs increased again this quarter."
    assert MODEL.judge(sentence, cut).stance == SUPPORTS
    assert MODEL.judge(sentence, hire).stance == CONTRADICTS
    assert MODEL.judge("Headcount increased again this quarter.", cut).stance == CONTRADICTS



def test_a_business_line_named_by_its_kind_is_answered_by_its_name() -> None:
    """"The gaming franchise grew about 50%": the drafted term drops the kind noun
    (data/extraction.yaml cues.line_noun) and NVIDIA's "Gaming revenue ... up 49%" supports
    it; the whole phrase, never said on a call, would leave the quarter silent."""
    from claims.extraction_rules import load_extraction_rules
    from claims.terms import claim_terms
    from claimtracker.models import spacy_pipeline

    sentence = shared_sentence("NVDA/2017-May-09-NVDA.txt",
                               "Gaming revenue in the first quarter was $1.03 billion, up 49% "
                               "year-on-year.")
    quote = "The gaming franchise grew about 50% from a year earlier."
    terms = claim_terms(quote, language="en", mentions=[], rules=load_extraction_rules(),
                        nlp=spacy_pipeline())
    assert "gaming" in terms and "gaming franchise" not in terms
    claim = Claim("gaming", quote, terms=terms, direction="up")
    assert MODEL.judge(sentence, claim).stance == SUPPORTS
    whole = Claim("gaming", quote, terms=("gaming franchise",), direction="up")
    assert MODEL.judge(sentence, whole).stance == NEUTRAL


def test_streamlining_costs_lowers_them() -> None:
    """Amazon's Q1 2023 release: "streamline infrastructure costs, and provide a more
    seamless ... experience": streamline is the costs' direction, not the "more" of the next
    clause."""
    sentence = ("Southwest Airlines selected AWS as its preferred cloud provider for a "
                "large-scale modernization as part of the airline’s long-term plan to optimize "
                "airline operations, streamline infrastructure costs, and provide a more "
                "seamless and enjoyable travel experience to customers.")
    claim = Claim("cost", "Its own chips give it a cost advantage.", terms=("costs",),
                  direction="down")
    assert MODEL.judge(sentence, claim).stance == SUPPORTS


def test_a_level_a_falling_rate_reached_is_confirmed_by_the_rate_stated() -> None:
    """"Azure has cooled from triple-digit growth to 95% in the December quarter" (down):
    the January 2017 call's "Azure revenue grew 95% ..." states the level reached, so it
    supports; a claim that revenue fell 20% is still contradicted by revenue growing 20%."""
    sentence = shared_sentence("MSFT/2017-Jan-26-MSFT.txt",
                               "Azure revenue grew 95% in constant currency this quarter.")
    cooled = Claim("azure", "Azure has cooled from triple-digit growth a year ago to 95% in "
                   "the December quarter.", terms=("Azure",), direction="down")
    assert MODEL.judge(sentence, cooled).stance == SUPPORTS
    fell = Claim("rev", "Revenue fell 20% last quarter.", terms=("revenue",), direction="down")
    assert MODEL.judge("Revenue grew 20% year over year.", fell).stance == CONTRADICTS
