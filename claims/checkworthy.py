"""Check-worthiness: does a sentence assert something a filing or a call could confirm?

Following the ClaimBuster idea (factual, checkable assertions over opinions), a sentence
earns points for what makes it checkable: a named company, product or metric; a number; a
trend (grow, cut, improve ...); a forecast. Questions, headings and first-person biography
are not claims. Cues exist in Korean and English, so one rule set serves both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.sentences import Sentence

ENTITY_KO = ("아마존", "AWS", "엔비디아", "마이크로소프트", "메타", "트레이니엄", "인퍼런시아",
             "스패로우", "프로테우스", "클라우드", "연준", "트럼프")
METRIC_KO = ("이익", "레버리지", "해자", "격차", "매출", "인건비", "고정비", "비용", "원가", "마진",
             "투자", "설비", "점유율", "소비", "금리", "관리자", "직급", "로봇", "칩")
TREND_KO = ("개선", "증가", "상승", "감소", "축소", "성장", "폭발", "확대", "전환", "도입", "배치",
            "절감", "하락", "정체", "줄이", "줄어", "뛰", "회수", "극대화", "부양", "인하", "우위",
            "눌려", "올랐")
FORECAST_KO = ("것입니다", "될 것", "전망", "예상", "가능성", "내년", "2026", "직전", "지날수록",
               "이어질")
TREND_EN = ("grow", "grew", "increas", "declin", "reduc", "cut", "expand", "improv", "accelerat",
            "lower", "rais", "rise", "rose", "fell", "deploy", "launch", "shrink", "boost")
FORECAST_EN = ("will", "expect", "forecast", "outlook", "next year", "guidance", "by 20")
METRIC_EN = ("revenue", "sales", "margin", "income", "profit", "capex", "capital expenditure",
             "cost", "headcount", "employees", "share", "cash flow", "chips", "robots")
FIRST_PERSON = ("저는", "저의", "제가", "I am", "I have", "my ")
_NUMBER = re.compile(r"\d")
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z]{1,}\b|\b[A-Z]{2,}\b")

MIN_SCORE = 2.0  # calibrated on the seed article: every ledger quote scores >= 2


@dataclass(frozen=True)
class Worthiness:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def checkable(self) -> bool:
        return self.score >= MIN_SCORE


def _has(text: str, words: tuple[str, ...]) -> bool:
    lower = text.lower()
    return any(w.lower() in lower for w in words)


def check_worthiness(sentence: Sentence) -> Worthiness:
    """Points: entity 1, metric word 1, number 0.5, trend 1, forecast 0.5; 0 for non-claims."""
    text = sentence.text
    if sentence.heading or text.rstrip("*’” ").endswith("?"):
        return Worthiness(0.0, ["heading or question"])
    if _has(text, FIRST_PERSON):
        return Worthiness(0.0, ["first-person biography"])
    reasons: list[str] = []
    score = 0.0
    if _has(text, ENTITY_KO) or _LATIN_NAME.search(text):
        score += 1
        reasons.append("entity")
    if _has(text, METRIC_KO) or _has(text, METRIC_EN):
        score += 1
        reasons.append("metric")
    if _NUMBER.search(text):
        score += 0.5
        reasons.append("number")
    if _has(text, TREND_KO) or _has(text, TREND_EN):
        score += 1
        reasons.append("trend")
    if _has(text, FORECAST_KO) or _has(text, FORECAST_EN):
        score += 0.5
        reasons.append("forecast")
    return Worthiness(score, reasons)
