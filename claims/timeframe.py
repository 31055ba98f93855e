"""A claim's time frame: the article's date, past vs forecast, and the quarter it speaks of.

The verdict shown as a claim's "latest" must come from the quarter the claim is about, not
from whatever quarter was reported last, so the drafter records it: an explicit quarter in the
sentence ("Q3 2025", "3분기", "third quarter"), a half ("하반기", "second half of 2026"), a year
("2026", "내년", "next year") or a relative phrase ("this quarter", "지난 분기") is turned into
the company's fiscal quarter, counted from the article's date. A past claim with no time phrase
speaks of the last quarter that ended before the article. Quarter labels written in the
article (Q3, 3분기) are taken as the company's own fiscal labels, as companies report them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claims.extraction_rules import LANGS, ExtractionRules, cue_pattern, find_cues
from claims.grammar import load_grammar
from claimtracker.quarters import (
    FiscalQuarter,
    calendar_quarter_end,
    fiscal_quarter_of,
    fiscal_year_end_month,
    quarter_before_date,
)

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = (
    (re.compile(r"(?<!\d)(20\d{2})[-./](\d{1,2})[-./](\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(20\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"), "ymd"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(20\d{{2}})\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(20\d{{2}})\b", re.I), "dmy"),
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4}
#: (pattern, whether the year comes first)
_Q_EXPLICIT = (
    (re.compile(r"\bQ([1-4])\s*(?:FY\s*)?'?(20\d{2}|\d{2})\b", re.I), False),
    (re.compile(r"\b(?:FY\s*)?(20\d{2})\s*Q([1-4])\b", re.I), True),
    (re.compile(r"\b([1-4])Q\s*'?(20\d{2}|\d{2})\b", re.I), False),
    (re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\s+"
                r"(?:of\s+)?(?:fiscal\s+(?:year\s+)?)?(20\d{2})\b", re.I), False),
    (re.compile(r"(20\d{2})\s*년?\s*([1-4])\s*분기"), True),
)
_Q_BARE = (re.compile(r"(?<![\d.])([1-4])\s*분기"),
           re.compile(r"\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b", re.I),
           re.compile(r"\bQ([1-4])\b"))
_HALF = (re.compile(r"(20\d{2})\s*년?\s*(상반기|하반기)"),
         re.compile(r"\b(first|second)\s+half\s+(?:of\s+)?(20\d{2})\b", re.I),
         re.compile(r"\bH([12])\s*'?(20\d{2})\b"))
_YEAR = re.compile(r"(?<![\d.,$])(20\d{2})(?:\s*년)?(?![\d%])")
# "the March quarter", "the December-quarter": a quarter named by the month it ends in
_MONTH_QUARTER = re.compile(r"\b(january|february|march|april|june|july|august|september|"
                            r"october|november|december)[\s-]+quarter\b"
                            r"|(?<!\d)(1[0-2]|[1-9])\s*월\s*분기", re.I)


@dataclass(frozen=True)
class ArticleDate:
    date: dt.date
    source: str  # text | flag | today
    evidence: str = ""


def _parse_date(match: re.Match[str], order: str) -> dt.date | None:
    groups = match.groups()
    try:
        if order == "ymd":
            return dt.date(int(groups[0]), int(groups[1]), int(groups[2]))
        month = _MONTHS[groups[0 if order == "mdy" else 1][:3].lower()]
        day = int(groups[1] if order == "mdy" else groups[0])
        return dt.date(int(groups[2]), month, day)
    except (ValueError, KeyError):
        return None


def _dates_in(line: str) -> list[tuple[int, dt.date, str]]:
    found = []
    for pattern, order in _DATES:
        for match in pattern.finditer(line):
            day = _parse_date(match, order)
            if day:
                found.append((match.start(), day, match.group(0)))
    return sorted(found, key=lambda f: f[0])


def last_quarter(day: dt.date, fiscal_year_end: str | None) -> FiscalQuarter:
    """The company's last fiscal quarter that ended before `day`."""
    return quarter_before_date(day, fiscal_year_end_month(fiscal_year_end))


def find_article_date(text: str, rules: ExtractionRules, *, head_lines: int = 5,
                      ) -> tuple[dt.date, str] | None:
    """The publication date written in the article: a full date on a line with a date cue
    (published, 작성 ...), else the first full date in the first `head_lines` lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for line in lines:
        if find_cues(line, rules.date_cues):
            dates = _dates_in(line)
            if dates:
                return dates[0][1], line.strip()[:80]
    for line in lines[:head_lines]:
        dates = _dates_in(line)
        if dates:
            return dates[0][1], line.strip()[:80]
    return None


def article_date(text: str, rules: ExtractionRules, given: dt.date | None = None,
                 today: dt.date | None = None) -> ArticleDate:
    """--date wins, then the date the text gives, else today (the caller must say so)."""
    if given is not None:
        return ArticleDate(given, "flag")
    found = find_article_date(text, rules)
    if found:
        return ArticleDate(found[0], "text", found[1])
    return ArticleDate(today or dt.date.today(), "today")


def has_forecast_cue(text: str, rules: ExtractionRules) -> bool:
    """A forecast cue (`horizon.forecast`) or a Korean prospective modifier ("줄어들
    것이라고": data/grammar.yaml)."""
    return bool(find_cues(text, rules.forecast) or load_grammar().prospective.search(text))


def is_forecast(sentence: str, rules: ExtractionRules) -> bool:
    """A forecast cue outside the phrases that report what happened ("as expected")."""
    for phrase in find_cues(sentence, rules.not_forecast):
        sentence = re.sub(re.escape(phrase), " ", sentence, flags=re.IGNORECASE)
    return has_forecast_cue(sentence, rules)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _explicit_quarter(sentence: str) -> FiscalQuarter | None:
    for pattern, year_first in _Q_EXPLICIT:
        match = pattern.search(sentence)
        if not match:
            continue
        a, b = match.group(1), match.group(2)
        if year_first:
            return FiscalQuarter(_year(a), int(b))
        return FiscalQuarter(_year(b), _ORDINAL.get(a.lower()) or int(a))
    return None


def _bare_quarter(sentence: str, current: FiscalQuarter, forecast: bool,
                  earliest: FiscalQuarter) -> FiscalQuarter | None:
    """The quarter a bare number names ("3분기", "the third quarter"): the last such quarter
    up to the current one for a past claim, the first not yet reported (from `earliest`) for
    a forecast."""
    for pattern in _Q_BARE:
        match = pattern.search(sentence)
        if match:
            label = match.group(1).lower()
            number = _ORDINAL.get(label) or int(label)
            if forecast:
                return min(q for q in (FiscalQuarter(current.year + d, number)
                                       for d in (-1, 0, 1)) if q >= earliest)
            quarter = FiscalQuarter(current.year, number)
            return FiscalQuarter(current.year - 1, number) if quarter > current else quarter
    return None


def _half(sentence: str, fye: int) -> FiscalQuarter | None:
    for pattern in _HALF:
        match = pattern.search(sentence)
        if match:
            a, b = match.group(1), match.group(2)
            year, half = (int(a), 1 if b == "상반기" else 2) if a.isdigit() and len(a) == 4 \
                else (int(b), {"first": 1, "second": 2, "1": 1, "2": 2}[a.lower()])
            return fiscal_quarter_of(dt.date(year, 6 if half == 1 else 12, 30 if half == 1
                                             else 31), fye)
    return None


def _month_quarter(sentence: str, day: dt.date, fye: int, forecast: bool,
                   earliest: FiscalQuarter) -> FiscalQuarter | None:
    """The fiscal quarter ending in the named month ("the March quarter", "9월 분기"): the
    first such quarter from `earliest` (the first not yet reported) for a forecast, naming
    the last month it names ("collapsed in the August quarter ... slip further in the December
    quarter"); the last one before the article otherwise."""
    matches = list(_MONTH_QUARTER.finditer(sentence))
    if not matches:
        return None
    match = matches[-1] if forecast else matches[0]  # a forecast speaks of its latest period
    month = _MONTHS[match.group(1)[:3].lower()] if match.group(1) else int(match.group(2))
    ends = [dt.date(year, month, calendar.monthrange(year, month)[1]) for year in
            (day.year - 1, day.year, day.year + 1)]
    if forecast:
        return next((q for q in (fiscal_quarter_of(e, fye) for e in ends) if q >= earliest),
                    fiscal_quarter_of(ends[-1], fye))
    return fiscal_quarter_of([e for e in ends if e < day][-1], fye)


def _relative_quarter(sentence: str, day: dt.date, rules: ExtractionRules, fye: int,
                      forecast: bool, last: FiscalQuarter) -> FiscalQuarter | None:
    """The quarter a relative phrase names ("next year", "this quarter"). The past a claim is
    compared with ("at a slower rate than last year", `time.comparison_base`) is not its
    period, and a forecast naming both ("this year, after doubling last year") speaks of the
    present or the future."""
    current = last.shift(1)
    lower = sentence.lower()
    for lang in LANGS:
        for cue in rules.time["comparison_base"].get(lang, ()):
            lower = cue_pattern(cue).sub(" ", lower)
    # "this quarter" in a past-tense claim is the quarter just reported.
    relative = {"this_quarter": current if forecast else last, "last_quarter": last,
                "next_quarter": current.shift(1),
                "last_year": fiscal_quarter_of(dt.date(day.year - 1, 12, 31), fye),
                "next_year": fiscal_quarter_of(dt.date(day.year + 1, 12, 31), fye),
                "this_year": (fiscal_quarter_of(dt.date(day.year, 12, 31), fye)
                              if forecast else last)}
    order = sorted(relative, key=lambda key: key.startswith("last_")) if forecast else relative
    for key in order:
        if find_cues(lower, rules.time[key]):
            return relative[key]
    return None


def _first_unreported(last: FiscalQuarter, day: dt.date, fye: int, rules: ExtractionRules,
                      reported: Callable[[FiscalQuarter], bool | None] | None) -> FiscalQuarter:
    """`last` (the quarter ended before the article) unless it had been reported by then: the
    DB's answer through `reported`, else `report_lag_days` after its end."""
    known = reported(last) if reported is not None else None
    if known is None:
        known = (day - calendar_quarter_end(last, fye)).days > rules.report_lag_days
    return last.shift(1) if known else last


def claim_quarter(sentence: str, day: dt.date, rules: ExtractionRules, *,
                  fiscal_year_end: str | None = None, forecast: bool | None = None,
                  reported: Callable[[FiscalQuarter], bool | None] | None = None,
                  ) -> str | None:
    """The fiscal quarter ("2025Q3") the sentence speaks of, counted from the article date.
    `reported` says whether the quarter before the date had been reported by then
    (claims.reported reads the DB); without an answer, `report_lag_days` guesses."""
    fye = fiscal_year_end_month(fiscal_year_end)
    forecast = is_forecast(sentence, rules) if forecast is None else forecast
    last = quarter_before_date(day, fye)
    current = last.shift(1)
    # only a forecast asks which quarter is the first not yet reported (a DB query at most)
    unreported = _first_unreported(last, day, fye, rules, reported) if forecast else current
    found = _explicit_quarter(sentence) or _bare_quarter(sentence, current, forecast, unreported)
    found = found or _month_quarter(sentence, day, fye, forecast, unreported) \
        or _half(sentence, fye)
    if found is None:
        found = _relative_quarter(sentence, day, rules, fye, forecast, last)
    if found is None:
        years = [int(y) for y in _YEAR.findall(sentence) if 2000 <= int(y) <= day.year + 10]
        if years:
            # a forecast speaks of its latest year ("double its 2016 revenue by 2020": 2020)
            year = max(years) if forecast else years[0]
            found = (fiscal_quarter_of(dt.date(year, 12, 31), fye) if year != day.year or
                     forecast else last)
    if found is None:
        return None if forecast else str(last)
    return str(found)


_SUBORDINATE = {"advcl", "relcl", "acl"}


def _subordinate(token: Any) -> bool:
    """True when the token sits in an adverbial or relative clause, or in a "so ... that"
    clause of an adjective ("demand is so strong that X plans to ..."): not the claim's own
    time frame. A reported clause ("says it will") stays the claim's."""
    while token.dep_ != "ROOT" and token.head.i != token.i:
        if token.dep_ in _SUBORDINATE or (token.dep_ == "ccomp"
                                          and token.head.pos_ in ("ADJ", "ADV", "NOUN")):
            return True
        token = token.head
    return False


def main_clause_horizon(sentence: str, rules: ExtractionRules, nlp: Any) -> str | None:
    """English, by the parse: forecast when a forecast cue sits in the main (or reported)
    clause; past when none does and the main verb is in the past ("AMD signed a deal ...
    starting in 2026"); "" when none does and the verb is not past (the quarter decides);
    None when there is no parse to read."""
    for phrase in find_cues(sentence, rules.not_forecast):
        sentence = re.sub(re.escape(phrase), lambda m: " " * len(m.group(0)), sentence,
                          flags=re.IGNORECASE)
    doc = nlp(sentence)
    lower = sentence.lower()
    cues = [m.span() for lang in ("en",) for cue in rules.forecast[lang]
            for m in cue_pattern(cue).finditer(lower)]
    spans = [doc.char_span(a, b, alignment_mode="expand") for a, b in cues]
    if any(span is not None and len(span) and not _subordinate(span.root) for span in spans):
        return "forecast"
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    perfect = root.tag_ == "VBN" and any(c.lemma_ == "have" for c in root.children)
    return "past" if root.tag_ == "VBD" or perfect else ""


def horizon_of(sentence: str, day: dt.date, quarter: str | None, rules: ExtractionRules, *,
               fiscal_year_end: str | None = None, parsed: str | None = None) -> str:
    """forecast when the words say so or the quarter lies after the article's last quarter;
    `parsed` is main_clause_horizon's answer when the sentence was parsed: "past" or
    "forecast" decide, "" leaves the quarter to decide (no forecast cue in the main clause)."""
    if parsed:
        return parsed
    if parsed is None and is_forecast(sentence, rules):
        return "forecast"
    if quarter:
        last = quarter_before_date(day, fiscal_year_end_month(fiscal_year_end))
        if FiscalQuarter.parse(quarter) > last.shift(1):
            return "forecast"
    return "past"
