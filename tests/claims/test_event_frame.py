"""A past claim that dates an event is only partly confirmed before the event's quarter.

"AMD launched its 7nm Ryzen 3000 desktop chips in July" (2019Q3): in April 2019, "Ryzen
Products continued to ramp" supports the story, not the launch, which had not happened yet;
the labelled articles read such quarters as mixed. claims/forecast_frame.before_event marks
supporting sentences there as partial (`frame`), so the verdict is mixed at most; from the
event's quarter on, and for claims that date no event, nothing changes.
"""

from __future__ import annotations

from shared_text import shared_sentence

from claims.forecast_frame import before_event, event_quarter
from claims.ledger import Claim
from claims.stance import SUPPORTS, RuleStance
from claims.verdict import decide
from claimtracker.quarters import FiscalQuarter

RAMP = ("AMD/2019-Apr-30-AMD.txt",
        "Ryzen Products continued to ramp driven by strong growth across both desktop and "
        "mobile processors.")


def _claim(quote: str) -> Claim:
    return Claim("amd-ryzen", quote, ticker="AMD", kind="narrative", direction="up",
                 horizon="past", quarter="2019Q3", terms=["Ryzen"])


def test_support_before_the_event_quarter_is_partial() -> None:
    claim = _claim("AMD launched its 7nm Ryzen 3000 desktop chips in July.")
    assert event_quarter(claim) == FiscalQuarter(2019, 3)
    sentence = shared_sentence(*RAMP)
    stance = RuleStance().judge(sentence, claim)
    assert stance.stance == SUPPORTS
    hit = {"text": sentence}

    before = before_event(claim, FiscalQuarter(2019, 1), [(hit, stance)])
    assert before[0][1].stance == SUPPORTS  # still shown as support, weighed as partial
    assert any(c.get("rule") == "frame" for c in before[0][1].cues)
    assert decide(claim, [s for _, s in before], None).verdict == "mixed"

    at_event = before_event(claim, FiscalQuarter(2019, 3), [(hit, stance)])
    assert decide(claim, [s for _, s in at_event], None).verdict == "supported"


def test_a_claim_that_dates_no_event_is_left_alone() -> None:
    claim = _claim("AMD's Ryzen desktop chips keep taking share every quarter.")
    assert event_quarter(claim) is None
    stance = RuleStance().judge(shared_sentence(*RAMP), claim)
    pairs = before_event(claim, FiscalQuarter(2019, 1), [({"text": ""}, stance)])
    assert pairs[0][1] is stance
    # a Korean past claim of a start of production dates an event too
    korean = Claim("tsm-n2", "TSMC는 N2 공정 양산을 시작했습니다.", ticker="TSM",
                   kind="narrative", direction="up", horizon="past", quarter="2025Q4")
    assert event_quarter(korean) == FiscalQuarter(2025, 4)
