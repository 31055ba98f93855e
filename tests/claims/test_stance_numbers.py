"""Numbers attached to a claim subject (claims/stance_numbers.py) on real sentences.

Levels and prior-period comparisons carry the direction where no direction word does, or
where a nearby one would mislead. Every sentence is checked against its source file.
"""

from __future__ import annotations

from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance
from claims.stance_match import Subject, tokenize
from claims.stance_numbers import numbers_in, read_numbers
from claims.stance_rules import load_stance_rules

MODEL = RuleStance()
NUMBERS = load_stance_rules().numbers
FCF_STRONG = Claim("fcf", "All that AI business is already throwing off plenty of free cash flow.",
                   terms=("free cash flow",), metric="free_cash_flow", kind="both",
                   direction="up")
FCF_NEGATIVE = Claim("fcf-neg", "Oracle's free cash flow turned negative.",
                     terms=("free cash flow",), metric="free_cash_flow", kind="both",
                     direction="down")
GM_DOWN = Claim("gm", "Gross margin is being squeezed.", terms=("gross margin",),
                metric="gross_margin", kind="both", direction="down")
OM_UP = Claim("om", "Operating margin is expanding.", terms=("operating margin",),
              metric="operating_margin", kind="both", direction="up")


def test_negative_free_cash_flow_is_a_level_against_plenty() -> None:
    sentence = shared_sentence(
        "ORCL/ORCL_1Q26.txt",
        "Operating cash flow for Q1 was $8.1 billion, while free cash flow was a negative $362 "
        "million with CapEx of $8.5 billion.")
    result = MODEL.judge(sentence, FCF_STRONG)
    assert result.stance == CONTRADICTS, result.cues
    assert result.cues[0]["rule"] == "numbers"
    assert MODEL.judge(sentence, FCF_NEGATIVE).stance == SUPPORTS


def test_accounting_parentheses_and_minus_are_negative() -> None:
    tokens = tokenize("Free cash flow was $(362) million, and -5% a year ago.")
    found = numbers_in("Free cash flow was $(362) million, and -5% a year ago.", tokens, NUMBERS)
    assert [(n.value, n.kind) for n in found] == [(-362e6, "amount"), (-5.0, "pct")]


def test_prior_period_comparison_decides_without_direction_words() -> None:
    fell = shared_sentence(
        "MU/2019-Jun-25-MU.txt",
        "The consolidated gross margin for the fiscal third quarter was 39% compared to 61% in "
        "the prior year and 50% in the fiscal second quarter.")
    result = MODEL.judge(fell, GM_DOWN)
    assert result.stance == SUPPORTS, result.cues
    assert result.cues[0]["word"] == "39% vs 61%"
    rose = shared_sentence(
        "AVGO/AVGO_4Q25_presentation.txt",
        "Gross margin for infrastructure software was 93% in the quarter, compared to 91% a "
        "year ago.")
    assert MODEL.judge(rose, GM_DOWN).stance == CONTRADICTS
    up_from = shared_sentence(
        "MU/2017-Jun-29-MU.txt",
        "Non-GAAP gross margin for the quarter was 48%, up from 38.5% in the prior quarter, "
        "driven by increased DRAM ASPs and cost per bit reductions in both DRAM and NAND.")
    assert MODEL.judge(up_from, GM_DOWN).stance == CONTRADICTS
    op = shared_sentence("AMD/2020-Jan-28-AMD.txt",
                         "Operating margin was 19% as compared to 8% a year ago.")
    assert MODEL.judge(op, OM_UP).stance == SUPPORTS


def test_years_and_labels_are_not_quantities() -> None:
    text = "We expect CapEx in 2025 for our Q3 and H20 products."
    assert numbers_in(text, tokenize(text), NUMBERS) == []


def test_a_plain_positive_level_says_nothing() -> None:
    text = "Free cash flow was $12 billion in the quarter."
    tokens = tokenize(text)
    subject = Subject(0, 3, "free cash flow", "up")
    assert read_numbers(text, tokens, subject, NUMBERS, 8) is None
    assert MODEL.judge(text, FCF_STRONG).stance == NEUTRAL


REVENUE_20 = Claim("rev", "Meta's revenue is growing more than 20% a year.", terms=("revenue",),
                   metric="revenue", kind="both", direction="up")


def test_a_change_below_the_claimed_size_contradicts_at_reduced_weight() -> None:
    small = shared_sentence("META/META_1Q25.txt", "Q1 total revenue was $42.3 billion, up 16% or "
                            "19% on a constant currency basis.")
    result = MODEL.judge(small, REVENUE_20)
    assert result.stance == CONTRADICTS and result.weight == NUMBERS.size_weight, result.cues
    assert result.cues[-1]["word"] == "16% vs at least 20%"
    plain = Claim("rev-any", "Meta's revenue is growing.", terms=("revenue",), direction="up")
    assert MODEL.judge(small, plain).stance == SUPPORTS  # no size asked: direction decides
    assert NUMBERS.claim_size("데이터센터 매출은 전년 대비 50% 넘게 성장했습니다.") == ("min", 50.0)
    assert NUMBERS.claim_size("Meta's revenue is growing fast.") is None


def test_a_named_multiple_asks_for_its_size() -> None:
    """"more than doubled" asks for +100%: "increased 23%" is the right way, not the size."""
    backlog = Claim("bl", "Microsoft's commercial backlog has more than doubled to $625 billion.",
                    terms=("commercial remaining performance obligation",), direction="up")
    assert NUMBERS.claim_size(backlog.quote) == ("min", 100.0)
    small = shared_sentence("MSFT/2020-Jul-22-MSFT.txt", "As a result, commercial remaining "
                            "performance obligation increased 23% to $107 billion.")
    result = MODEL.judge(small, backlog)
    assert result.stance == CONTRADICTS and result.cues[-1]["rule"] == "size", result.cues
    rpo = Claim("rpo", "Oracle's RPO has exploded, up more than fourfold from a year ago.",
                terms=("RPO",), direction="up")
    big = shared_sentence("ORCL/ORCL_1Q26.txt",
                          "Our cloud RPO grew nearly 500% on top of 83% growth last year.")
    assert MODEL.judge(big, rpo).stance == SUPPORTS


def test_size_misses_alone_make_a_mixed_verdict_not_a_contradiction() -> None:
    """Labelling rule: direction confirmed but not the size is "mixed"."""
    from claims.verdict import decide

    small = shared_sentence("META/META_1Q25.txt", "Q1 total revenue was $42.3 billion, up 16% or "
                            "19% on a constant currency basis.")
    narrative = Claim("rev", REVENUE_20.quote, terms=("revenue",), direction="up")
    stance = MODEL.judge(small, narrative)
    assert decide(narrative, [stance], None).verdict == "mixed"
    opposite = MODEL.judge("Q1 total revenue was $42.3 billion, down 16%.", narrative)
    assert decide(narrative, [opposite], None).verdict == "contradicted"
