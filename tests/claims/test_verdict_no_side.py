"""A quarter where nothing takes a side says whether management named the claim's subject.

The stance model marks a sentence that names the claim's subject past every gate
(`StanceResult.on_subject`), whatever its stance; when no sentence and no number takes a side,
the verdict stays not_discussed (calling it mixed did not pay on the labelled articles) and
its reason counts those sentences, so a reader knows the evidence is worth opening.
"""

from __future__ import annotations

from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import NEUTRAL, RuleStance
from claims.verdict import decide

CALL = "AAPL/2019-Jan-29-AAPL.txt"


def _claim() -> Claim:
    return Claim("aapl-services", "Apple's Services business keeps growing faster than the "
                 "rest of the company.", ticker="AAPL", kind="narrative", direction="up",
                 horizon="past", terms=["Services"])


def test_a_sentence_naming_the_subject_without_a_side_is_on_subject() -> None:
    claim = _claim()
    names = shared_sentence(CALL, "is now reporting on a quarterly basis GM for products in "
                                  "aggregate and for Services in aggregate.")
    other = shared_sentence(CALL, "Saw strong results from wearables business, there with "
                                  "revenues up over 50%.")
    named, elsewhere = RuleStance().judge(names, claim), RuleStance().judge(other, claim)
    assert named.stance == NEUTRAL and named.on_subject
    assert elsewhere.stance == NEUTRAL and not elsewhere.on_subject
    assert named.as_dict()["on_subject"] is True

    verdict = decide(claim, [named, elsewhere], None)
    assert verdict.verdict == "not_discussed"
    assert "1 name the claim's subject without taking a side" in verdict.reason
    silent = decide(claim, [elsewhere], None)
    assert silent.verdict == "not_discussed" and "name the claim's subject" not in silent.reason


def test_a_sided_sentence_is_on_subject_too() -> None:
    claim = _claim()
    sided = shared_sentence(CALL, "Services GM increased 170 BP sequentially due to favorable "
                                  "mix and leverage, partially offset by FX.")
    result = RuleStance().judge(sided, claim)
    assert result.stance != NEUTRAL and result.on_subject
