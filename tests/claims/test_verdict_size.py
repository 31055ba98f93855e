"""A metric claim's stated size against the reported number (claims/stance_size.py)."""

from __future__ import annotations

import pytest

from claims.ledger import Claim
from claims.stance_rules import load_stance_rules
from claims.stance_size import claim_level, claim_requirement
from claims.verdict import decide

RULES = load_stance_rules()


def _metric(yoy: float | None, value: float | None = None, unit: str = "%") -> dict[str, object]:
    return {"name": "revenue", "value": value, "yoy": yoy, "qoq": None, "change_unit": unit,
            "expected": "up", "score": 1.0}


@pytest.mark.parametrize(("quote", "need"), [
    ("Meta's revenue is growing more than 20% a year.", ("min", 20.0)),
    ("데이터센터 매출은 최근 네 분기 연속 전년 대비 50% 넘게 성장했습니다.", ("min", 50.0)),
    ("Azure is growing faster than 30% a year and has accelerated to around 40%.",
     ("min", 38.0)),  # "around": within the close band (5%) of 40%
    ("Azure is growing 40%.", ("min", 40.0)),  # a plain figure must be reached
    ("Google Cloud revenue growth accelerated every quarter this year, reaching 34%.", None),
    ("Oracle's total revenue growth has accelerated into the double digits.", None),
    ("네트워킹 매출은 전년 대비 두 배 이상 늘며 새로운 성장 축이 되었습니다.", ("min", 100.0)),
    ("블랙웰 초기 물량이 본격 출하되던 시기에 총이익률은 70% 초반까지 밀렸습니다.", None),
])
def test_claim_requirement(quote: str, need: tuple[str, float] | None) -> None:
    assert claim_requirement(quote, RULES) == need


def test_right_direction_short_of_the_size_is_mixed() -> None:
    claim = Claim("meta-rev", "Meta's revenue is growing more than 20% a year.", kind="metric",
                  metric="revenue")
    # META 2025Q1: "Q1 total revenue was $42.3 billion, up 16%"
    short = decide(claim, [], _metric(16.1))
    assert short.verdict == "mixed" and "size: 16.1% against at least 20%" in short.reason
    assert decide(claim, [], _metric(26.2)).verdict == "supported"


def test_close_to_an_approximate_figure_is_met_a_plain_one_is_not() -> None:
    around = Claim("azure", "Azure has accelerated to around 40%.", kind="metric",
                   metric="segment_revenue")
    plain = Claim("azure", "Azure is growing 40%.", kind="metric", metric="segment_revenue")
    assert decide(around, [], _metric(39.0)).verdict == "supported"
    assert decide(plain, [], _metric(39.0)).verdict == "mixed"
    assert decide(around, [], _metric(33.0)).verdict == "mixed"


def test_a_ratio_claim_reads_its_percentage_as_a_level() -> None:
    claim = Claim("gm", "Tesla's total gross margin climbed back above 20% by the end of the year.",
                  kind="metric", metric="gross_margin")
    assert decide(claim, [], _metric(0.9, value=0.172, unit="pp")).verdict == "mixed"
    assert decide(claim, [], _metric(3.0, value=0.201, unit="pp")).verdict == "supported"


@pytest.mark.parametrize(("quote", "level"), [
    ("블랙웰 초기 물량이 본격 출하되던 시기에 총이익률은 70% 초반까지 밀렸습니다.", (70.0, 73.4)),
    ("As Blackwell ramps, we expect gross margins to be in the low 70s.", (70.0, 73.4)),
    ("TSMC는 지난해 달러 기준 매출 성장률 전망을 30% 중반까지 끌어올렸습니다.", (33.3, 36.7)),
    ("그리고 지금 총이익률은 다시 70% 중반을 향해 회복되고 있습니다.", None),  # towards: a move
])
def test_level_words_read_as_ranges(quote: str, level: tuple[float, float] | None) -> None:
    assert claim_level(quote, RULES) == level


def test_a_level_claim_is_mixed_outside_its_range() -> None:
    claim = Claim("gm-dip", "블랙웰 초기 물량이 본격 출하되던 시기에 총이익률은 70% 초반까지 "
                  "밀렸습니다.", kind="metric", metric="gross_margin", direction="down")
    down = {**_metric(-2.5, value=0.730, unit="pp"), "expected": "down"}
    assert decide(claim, [], down).verdict == "supported"  # 73.0%: in the low 70s
    high = {**_metric(-1.0, value=0.756, unit="pp"), "expected": "down"}
    verdict = decide(claim, [], high)
    assert verdict.verdict == "mixed" and "level: 75.6% above 70-73.4%" in verdict.reason
