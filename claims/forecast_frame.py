"""A forecast's frame: which quarters can speak to a claim about a named future period.

"Alphabet will raise capex in 2020" is decided by what management guides for 2020 and, once
2020 is reported, by the result; capex rising in 2018 says nothing about it. So for a forecast
claim whose period the drafter read ("in 2020", "next quarter": `claim.quarter`):

- before that period's last quarter, the outlook for it decides, not an outlook naming other
  years only ("we expect 2019 capex to ..."). When the quarter holds such an outlook,
  realised sentences turn neutral; when it holds none, a realised sentence going the claim's
  way shows the trend, not the forecast: like a plan for a done claim it weighs without
  taking a side (`frame` cue; claims/verdict.py), so the quarter is mixed at most. The
  quarter's own reported number is not the forecast's number;
- in the period's quarter, the reported number and realised sentences settle it;
- after it, later calls speak of later periods: the claim is not discussed there, and its
  verdict stays the one of its own quarter.

A forecast without a named period ("will keep growing") is left to the stance rules.

A past claim that dates an event ("AMD launched its 7nm chips in July", data/stance.yaml
`aspect.event`) has a frame too: before the event's quarter (`claim.quarter`) management can
only plan or progress towards it, so a sentence supporting the claim there confirms part of it
(`frame` cue: the quarter is mixed at most), as the labelled articles read such quarters.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from claims.ledger import Claim
from claims.stance_aspect import dates_event
from claims.stance_result import NEUTRAL, SUPPORTS, StanceResult
from claims.stance_rules import load_stance_rules
from claimtracker.quarters import FiscalQuarter

_YEAR = re.compile(r"(?<![\d.,$])(20\d{2})(?![\d%])")  # 2020, FY2020, fiscal 2020, '2020


def target_quarter(claim: Claim) -> FiscalQuarter | None:
    """The last fiscal quarter of the period a forecast claim names; None otherwise."""
    if claim.horizon != "forecast" or not claim.quarter:
        return None
    try:
        return FiscalQuarter.parse(claim.quarter)
    except ValueError:
        return None


def after_period(claim: Claim, quarter: FiscalQuarter) -> FiscalQuarter | None:
    """The forecast's period when `quarter` comes after it (the claim is settled there)."""
    target = target_quarter(claim)
    return target if target is not None and quarter > target else None


def years_of_period(target: FiscalQuarter, fye_month: int) -> set[int]:
    """Years a sentence may name for the period: its fiscal year, and the calendar year
    most of it falls in when the fiscal year ends early in the calendar (NVIDIA's fiscal
    2020 ends in January 2020)."""
    return {target.year, target.year - 1} if fye_month <= 3 else {target.year}


def names_other_years(text: str, years: set[int]) -> bool:
    """True when the sentence names years and none of them is the forecast's."""
    named = {int(y) for y in _YEAR.findall(text)}
    return bool(named) and not named & years


def framed(claim: Claim, quarter: FiscalQuarter, pairs: list[tuple[dict[str, Any], StanceResult]],
           metric: dict[str, Any] | None, fye_month: int = 12,
           ) -> tuple[list[tuple[dict[str, Any], StanceResult]], dict[str, Any] | None]:
    """The quarter's (hit, stance) pairs and number as the forecast's frame lets them count
    (module doc): before the period, other years' outlooks turn neutral, realised sentences
    turn neutral beside an outlook for the period and partial without one (all kept as
    evidence, marked `frame`), and the reported number is set aside."""
    target = target_quarter(claim)
    if target is None or quarter >= target:
        return pairs, metric
    years = years_of_period(target, fye_month)

    def other_period(hit: dict[str, Any], stance: StanceResult) -> bool:
        return stance.forward_looking and names_other_years(hit.get("text", ""), years)

    outlook = any(s.stance != NEUTRAL and s.forward_looking and not other_period(h, s)
                  for h, s in pairs)
    out = []
    for hit, stance in pairs:
        if stance.stance == NEUTRAL:
            pass
        elif other_period(hit, stance) or (outlook and not stance.forward_looking):
            why = "another period's outlook" if stance.forward_looking else \
                "realised, beside the outlook for the forecast's period"
            stance = dataclasses.replace(stance, stance=NEUTRAL, weight=0.0, cues=[
                *stance.cues, {"frame": why, "period": str(target)}])
        elif not stance.forward_looking:
            stance = dataclasses.replace(stance, cues=[
                *stance.cues, {"rule": "frame", "frame": "realised, before the forecast's "
                               "period", "period": str(target)}])
        out.append((hit, stance))
    return out, None


def event_quarter(claim: Claim) -> FiscalQuarter | None:
    """The quarter a past claim dates its event to (module doc); None for other claims."""
    if claim.horizon != "past" or not claim.quarter \
            or not dates_event(claim.quote, load_stance_rules().aspect):
        return None
    try:
        return FiscalQuarter.parse(claim.quarter)
    except ValueError:
        return None


def before_event(claim: Claim, quarter: FiscalQuarter,
                 pairs: list[tuple[dict[str, Any], StanceResult]],
                 ) -> list[tuple[dict[str, Any], StanceResult]]:
    """Before the event's quarter, supporting sentences are partial (`frame` cue, kept as
    evidence); contradicting ones ("the launch slipped") still count."""
    event = event_quarter(claim)
    if event is None or quarter >= event:
        return pairs
    return [(hit, dataclasses.replace(stance, cues=[
        *stance.cues, {"rule": "frame", "frame": "before the quarter the claim dates the "
                       "event to", "period": str(event)}]) if stance.stance == SUPPORTS
             else stance) for hit, stance in pairs]
