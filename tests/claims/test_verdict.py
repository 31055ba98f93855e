"""Verdict rules: silence is never a contradiction; numbers decide metric claims."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from claims.ledger import Claim, load_ledger
from claims.stance import RuleStance
from claims.stance_rules import load_stance_rules
from claims.verdict import decide
from claimtracker.errors import ConfigError

LEDGER = load_ledger(Path(__file__).resolve().parents[2] / "data" / "claims"
                     / "amazon-next-cycle.yaml")
MODEL = RuleStance()
# Amazon's 10-Q Q2 2023 capex (purchases of property and equipment) against Q2 2022.
CAPEX_CUT = {"name": "capex", "yoy": -27.15, "qoq": -19.37, "change_unit": "%",
             "expected": "down", "score": 1.0}


def test_no_data_and_no_side_are_not_discussed() -> None:
    claim = LEDGER.claim("own-chips-deployed")
    assert decide(claim, [], None, has_data=False).verdict == "not_discussed"
    neutral = [MODEL.judge("Our results are inherently unpredictable.", claim)]
    verdict = decide(claim, neutral, None)
    assert (verdict.verdict, verdict.score) == ("not_discussed", 0.0)


def test_metric_claim_follows_the_numbers_over_the_words() -> None:
    claim = LEDGER.claim("capex-burden")
    words = [MODEL.judge("We expect capital expenditures to increase next year.", claim)]
    verdict = decide(claim, words, CAPEX_CUT)
    assert verdict.verdict == "supported" and verdict.score == 1.0
    assert "capex -27.1% YoY, -19.4% QoQ (expected down)" in verdict.reason
    # Without a reported number the words decide.
    assert decide(claim, words, None).verdict == "contradicted"


def test_conflicting_sentences_give_mixed() -> None:
    claim = LEDGER.claim("margin-expansion")
    stances = [MODEL.judge(s, claim) for s in (
        "Operating margin was up 320 basis points year-over-year to 4.1%.",
        "We did see AWS segment margins decline from a record high of 39.5% in Q1 to 32.9% in Q2.",
    )]
    assert decide(claim, stances, None).verdict == "mixed"


def test_verdict_thresholds_are_data_checked_with_file_and_line(
        edited_stance_rules: Callable) -> None:
    path, line = edited_stance_rules(r"^  supported_at: 0\.34", "  supported_at: 1.5")
    with pytest.raises(ConfigError, match=rf"stance.yaml:{line}: verdict.supported_at is 1.5"):
        load_stance_rules(path)
    zero, _ = edited_stance_rules(r"^  full_weight: 1\.0", "  full_weight: 0")
    with pytest.raises(ConfigError, match=r"stance.yaml:\d+: verdict.full_weight is 0"):
        load_stance_rules(zero)


def test_a_comparison_with_no_peer_figure_is_mixed_at_most() -> None:
    """"growing about twice as fast as Azure": NVIDIA's "near tripling of Datacenter revenue"
    confirms one side; without Azure's figure the comparison is not confirmed (the labels'
    "one half of a two-part claim")."""
    from shared_text import shared_sentence

    twice = Claim("nvda-dc-twice-azure", "NVIDIA's data-center business is growing about twice "
                  "as fast as Azure, even though Azure itself is hardly standing still.",
                  terms=("Datacenter", "data center"), kind="both", direction="up",
                  compare={"with": ["MSFT"], "expect": "higher", "basis": "yoy"})
    said = shared_sentence("NVDA/2017-May-09-NVDA.txt", "We had a strong start to the year, "
                           "highlighting our record first quarter with a near tripling of "
                           "Datacenter revenue, reflecting surging interest in artificial "
                           "intelligence.")
    stance = RuleStance().judge(said, twice)
    assert stance.stance == "supports"
    verdict = decide(twice, [stance], None)
    assert verdict.verdict == "mixed" and "no peer figure" in verdict.reason
    compared = {"name": "data_center_revenue", "value": 409e6, "yoy": 186.0, "qoq": None,
                "change_unit": "%", "expected": "higher than MSFT", "score": 1.0}
    assert decide(twice, [stance], compared).verdict == "supported"
