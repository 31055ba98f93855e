"""Stance rules on real management sentences copied from ../shared transcripts and releases."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.ledger import load_ledger
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance, StanceModel

SEED = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"
LEDGER = load_ledger(SEED)
MODEL = RuleStance()

CASES = [
    # (claim, sentence from ../shared, expected stance)
    ("own-chips-deployed",  # AMZN_3Q25.txt, prepared remarks
     "Trainium2 continues to see strong adoption, is fully subscribed is now a multibillion-dollar "
     "business that grew 150% quarter-over-quarter.", SUPPORTS),
    ("own-chips-deployed", "It's fully subscribed on Trainium2.", SUPPORTS),  # 3Q25 Q&A
    ("robots-deployed",  # AMZN_3Q25.txt, Jassy answer
     "We have over 1 million robots in our fulfillment network at this point.", SUPPORTS),
    ("robots-fixed-cost",  # AMZN_2Q25.txt
     "Automation and robotics are also important contributors to improving cost efficiencies "
     "and driving better customer experiences over time.", SUPPORTS),
    ("logistics-efficiency",  # 8-K 2024-02-01 release (2023 Q4)
     "Our regionalized fulfillment network led to our fastest-ever delivery speeds for Prime "
     "members while also lowering our cost to serve.", SUPPORTS),
    ("capex-burden",  # AMZN_3Q25.txt, CFO
     "Looking ahead, we expect our full year cash CapEx to be approximately $125 billion in "
     "2025, and we expect that amount will increase in 2026.", CONTRADICTS),
    ("capex-burden",  # AMZN_4Q25.txt
     "We expect to invest about $200 billion in capital expenditures across Amazon, but "
     "predominantly in AWS because we have very high demand.", CONTRADICTS),
    ("chip-cost-moat",  # AMZN_4Q25.txt
     "Trainium2 is 30% to 40% more price performance than comparable GPUs and is a "
     "multibillion-dollar annualized revenue run rate business.", SUPPORTS),
    ("chip-cost-moat",  # 8-K 2023-04-27 release (2023 Q1)
     "Compared to other EC2 instances, Inferentia2 provides up to 40% better inference price "
     "performance, and Trainium delivers up to 50% savings on training costs.", SUPPORTS),
    ("margin-expansion",  # AMZN_3Q25.txt: a hedge with no direction takes no side
     "Operating margin may fluctuate quarter-to-quarter, we have a deliberate approach to "
     "achieve sustained progress over the long term.", NEUTRAL),
    ("margin-expansion",  # 8-K 2022-10-27 release (2022 Q3)
     "Operating income decreased to $2.5 billion in the third quarter, compared with $4.9 "
     "billion in third quarter 2021.", CONTRADICTS),
    ("aws-leader",  # AMZN_4Q25.txt
     "We continue to add more incremental revenue and capacity than others and extend our "
     "leadership position.", SUPPORTS),
    ("manager-cuts",  # AMZN_3Q25.txt
     "And that means removing layers.", SUPPORTS),
]


@pytest.mark.parametrize(("claim_id", "sentence", "expected"), CASES)
def test_rules_on_real_sentences(claim_id: str, sentence: str, expected: str) -> None:
    result = MODEL.judge(sentence, LEDGER.claim(claim_id))
    assert result.stance == expected, result.cues


def test_negation_flips_the_direction() -> None:
    claim = LEDGER.claim("manager-cuts")
    plain = MODEL.judge("We are reducing the number of managers.", claim)
    negated = MODEL.judge("We are not reducing the number of managers.", claim)
    assert (plain.stance, negated.stance) == (SUPPORTS, CONTRADICTS)
    assert negated.cues[0]["negated"] is True


def test_forward_looking_and_hedged_sentences_weigh_less_for_past_claims() -> None:
    claim = LEDGER.claim("capex-burden")  # horizon: past
    realised = MODEL.judge("Capital expenditures increased 30% year over year.", claim)
    forward = MODEL.judge("We expect capital expenditures to increase next year.", claim)
    hedged = MODEL.judge("Capital expenditures may increase next year.", claim)
    assert realised.stance == forward.stance == hedged.stance == CONTRADICTS
    assert realised.weight > forward.weight > hedged.weight
    assert forward.forward_looking and hedged.hedged


def test_rule_model_satisfies_the_stance_protocol() -> None:
    assert isinstance(MODEL, StanceModel)
