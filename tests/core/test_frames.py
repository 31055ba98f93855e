"""The verdict that answers a claim comes from its time frame, not the newest quarter."""

from __future__ import annotations

from pipeline.frames import frame_verdict


def _points(*verdicts: str) -> list[dict[str, str]]:
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    return [{"quarter": q, "verdict": v} for q, v in zip(quarters, verdicts, strict=False)]


def test_past_claim_is_answered_by_its_quarter() -> None:
    points = _points("contradicted", "supported", "mixed", "not_discussed")
    assert frame_verdict(points, horizon="past", frame="2025Q2")["quarter"] == "2025Q2"


def test_past_claim_silent_in_its_quarter_takes_the_next_discussed_one() -> None:
    points = _points("supported", "not_discussed", "contradicted", "mixed")
    assert frame_verdict(points, horizon="past", frame="2025Q2")["quarter"] == "2025Q3"


def test_forecast_is_answered_by_the_newest_discussed_quarter_after_it() -> None:
    points = _points("supported", "supported", "contradicted", "not_discussed")
    got = frame_verdict(points, horizon="forecast", frame="2025Q2")
    assert got["quarter"] == "2025Q3" and got["verdict"] == "contradicted"


def test_without_frame_the_newest_discussed_quarter() -> None:
    points = _points("supported", "mixed", "not_discussed", "not_discussed")
    assert frame_verdict(points, horizon="past", frame=None)["quarter"] == "2025Q2"
    silent = _points("not_discussed", "not_discussed")
    assert frame_verdict(silent, horizon="past", frame=None)["quarter"] == "2025Q2"
    assert frame_verdict([], horizon="past", frame=None) is None
