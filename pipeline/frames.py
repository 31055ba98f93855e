"""Which quarter's verdict answers a claim: its time frame, not simply the newest quarter.

A claim about what happened ("data-center revenue grew in Q3") is answered by the quarter it
speaks of; a forecast ("margins will expand next year") by the newest quarter at or after the
time it was made. Earlier quarters stay on the timeline as history. This is the one rule the
CLI, the scorer's output and the app use to say "latest".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimtracker.quarters import FiscalQuarter


def _quarter(point: dict[str, Any]) -> FiscalQuarter:
    return FiscalQuarter.parse(str(point["quarter"]))


def frame_verdict(points: Sequence[dict[str, Any]], *, horizon: str | None,
                  frame: str | None) -> dict[str, Any] | None:
    """The point ({"quarter", "verdict", ...}) that answers the claim, or None.

    past + frame: the frame quarter when management discussed it, else the nearest discussed
    quarter after it (results are often commented a quarter later), else before it.
    forecast + frame: the newest discussed quarter at or after the frame.
    no frame: the newest discussed quarter. Nothing discussed: the newest point.
    """
    ordered = sorted(points, key=_quarter)
    if not ordered:
        return None
    discussed = [p for p in ordered if p.get("verdict") != "not_discussed"]
    if not discussed:
        return ordered[-1]
    if not frame:
        return discussed[-1]
    anchor = FiscalQuarter.parse(frame)
    after = [p for p in discussed if _quarter(p) >= anchor]
    if horizon == "forecast":
        return after[-1] if after else discussed[-1]
    if after:
        return after[0]
    return discussed[-1]
