"""A forecast about a named period is decided by the outlook for that period and then by its
result; sentences from Alphabet's (GOOGL) 2019 calls, judged for the claim "Alphabet will
raise capex in 2020" (its period: 2020Q4)."""

from __future__ import annotations

from typing import Any

from claims.forecast_frame import after_period, framed, names_other_years, target_quarter
from claims.ledger import Claim
from claims.stance_result import NEUTRAL, SUPPORTS, StanceResult
from claims.verdict import decide
from claimtracker.quarters import FiscalQuarter

CLAIM = Claim("goog-capex-2020", "Alphabet will raise capex again in 2020.", ticker="GOOG",
              metric="capex", kind="both", direction="up", horizon="forecast",
              quarter="2020Q4")
# 2018Q4 call (Feb 2019): an outlook, but for 2019
OTHER_YEAR = ("With respect to CapEx, we continue to invest in both compute requirements and for "
              "office facilities, although we expect the CapEx growth rate in 2019 to moderate "
              "quite significantly.")
# 2019Q3 call: the quarter's number, and (2019Q4 call) the outlook for 2020
REALISED = ("Cash CapEx for the quarter was $6.7 billion, which I will discuss in the Google "
            "segment results.")
OUTLOOK = ("In terms of CapEx, in 2020, we intend to increase our investment in both technical "
           "infrastructure and office facilities versus 2019.")
METRIC = {"name": "capex", "yoy": 4.4, "score": 1.0}


def _pairs(*texts: tuple[str, bool]) -> list[tuple[dict[str, Any], StanceResult]]:
    return [({"text": text}, StanceResult(SUPPORTS, 1.0, [{"cue": "capex"}],
                                          forward_looking=forward)) for text, forward in texts]


def test_before_the_period_only_its_own_outlook_counts() -> None:
    given = _pairs((REALISED, False), (OTHER_YEAR, True), (OUTLOOK, True))
    pairs, metric = framed(CLAIM, FiscalQuarter(2019, 3), given, METRIC)
    stances = [s for _, s in pairs]
    # the outlook for 2020 decides; the realised sentence and 2019's outlook say nothing
    assert [s.stance for s in stances] == [NEUTRAL, NEUTRAL, SUPPORTS]
    assert stances[0].cues[-1]["frame"] == ("realised, beside the outlook for the forecast's "
                                            "period")
    assert stances[1].cues[-1] == {"frame": "another period's outlook", "period": "2020Q4"}
    assert metric is None  # 2019Q3's capex is not 2020's
    assert decide(CLAIM, stances, metric).verdict == "supported"


def test_without_an_outlook_the_trend_makes_a_quarter_mixed_at_most() -> None:
    pairs, metric = framed(CLAIM, FiscalQuarter(2019, 3),
                           _pairs((REALISED, False), (OTHER_YEAR, True)), METRIC)
    stances = [s for _, s in pairs]
    assert [s.stance for s in stances] == [SUPPORTS, NEUTRAL]
    assert stances[0].cues[-1] == {"rule": "frame", "frame": "realised, before the forecast's "
                                   "period", "period": "2020Q4"}
    assert decide(CLAIM, stances, metric).verdict == "mixed"
    assert decide(CLAIM, [stances[1]], metric).verdict == "not_discussed"


def test_the_period_itself_is_settled_by_what_it_reports() -> None:
    given = _pairs((REALISED, False))
    assert framed(CLAIM, FiscalQuarter(2020, 4), given, METRIC) == (given, METRIC)
    assert after_period(CLAIM, FiscalQuarter(2020, 4)) is None
    assert after_period(CLAIM, FiscalQuarter(2021, 1)) == FiscalQuarter(2020, 4)


def test_past_claims_and_forecasts_without_a_period_are_left_alone() -> None:
    past = Claim("goog-capex", "Alphabet raised capex in 2019.", ticker="GOOG", metric="capex",
                 horizon="past", quarter="2019Q4")
    open_ended = Claim("goog-capex-open", "Alphabet will keep raising capex.", ticker="GOOG",
                       horizon="forecast")
    given = _pairs((REALISED, False))
    for claim in (past, open_ended):
        assert target_quarter(claim) is None
        assert framed(claim, FiscalQuarter(2019, 3), given, METRIC) == (given, METRIC)


def test_fiscal_years_that_end_in_january_accept_the_calendar_year() -> None:
    # NVIDIA's fiscal 2020 ends in January 2020: "in 2019" speaks of it.
    assert not names_other_years("We expect data center to grow in 2019.", {2020, 2019})
    assert names_other_years("We expect data center to grow in fiscal 2019.", {2021, 2020})
    assert not names_other_years("Revenue of $3.1 billion, up 40%.", {2020})


def test_a_forecast_speaks_of_its_latest_year() -> None:
    """"double its fiscal 2016 Services revenue by 2020": 2016 is the base, 2020 the period
    (the frame would otherwise close in 2017 and drop every later quarter)."""
    import datetime as dt

    from claims.extraction_rules import load_extraction_rules
    from claims.timeframe import claim_quarter

    rules = load_extraction_rules()
    day = dt.date(2018, 2, 15)
    quote = ("Services revenue is growing at close to 20% a year, and Apple says it is on pace "
             "to double its fiscal 2016 Services revenue by 2020.")
    assert claim_quarter(quote, day, rules, fiscal_year_end="0930", forecast=True) == "2021Q1"
    past = "Gross margin rose to 34% in 2017 from 32% in 2016."
    assert claim_quarter(past, day, rules, fiscal_year_end="1231", forecast=False) == "2017Q4"


def test_the_year_a_claim_is_compared_with_is_not_its_period() -> None:
    """A capex outlook "at a slower rate than last year" must not be framed on last year:
    the frame would close there and drop every later call as not discussed. The same holds
    for a past claim ("grew faster than last year" speaks of the quarter just reported) and
    in Korean ("작년보다", "지난해 ... 수준에서"); a forecast naming this year and last year
    speaks of this year, while "last year" alone still names last year."""
    import datetime as dt

    from claims.extraction_rules import load_extraction_rules
    from claims.timeframe import claim_quarter

    rules = load_extraction_rules()
    day = dt.date(2018, 10, 30)
    quote = ("For the fiscal year that ends next June, management expects datacenter capex to "
             "keep rising, just at a slower rate than last year.")
    assert claim_quarter(quote, day, rules, fiscal_year_end="0630", forecast=True) is None
    past = "Capex grew faster than last year."
    assert claim_quarter(past, day, rules, fiscal_year_end="1231", forecast=False) == "2018Q3"
    korean = "설비투자도 작년처럼 올해 다시 두 배 가까이 늘릴 계획이라고 합니다."
    assert claim_quarter(korean, day, rules, fiscal_year_end="1231", forecast=True) == "2018Q4"
    budget = "올해 예산은 520억~560억 달러로 지난해 400억 달러 수준에서 크게 뛰었습니다."
    assert claim_quarter(budget, day, rules, fiscal_year_end="1231", forecast=True) == "2018Q4"
    raised = "TSMC는 지난해 달러 기준 매출 성장률 전망을 30% 중반까지 끌어올렸습니다."
    assert claim_quarter(raised, day, rules, fiscal_year_end="1231", forecast=True) == "2017Q4"


def test_a_target_on_track_is_an_outlook() -> None:
    """AMZN Q3 2025: "on track to double again by 2027" is the outlook a capacity forecast is
    decided by, not a realised sentence."""
    from claims.stance_match import tokenize
    from claims.stance_result import forward_looking
    from claims.stance_rules import load_stance_rules

    sentence = ("To put that into perspective, we're now double the power capacity that AWS was "
                "in 2022, and we're on track to double again by 2027.")
    assert forward_looking(sentence, tokenize(sentence).words, load_stance_rules())
    result = ("Revenue came in at $19.8 billion, up 23% year-on-year and $800 million higher "
              "than guide.")  # INTC Q1 2020
    assert not forward_looking(result, tokenize(result).words, load_stance_rules())


def test_a_forecast_naming_a_bare_quarter_may_speak_of_the_one_just_ended() -> None:
    """In mid-January the December quarter has ended but is not reported yet: "4분기 매출은
    ... 줄어들 것" (a warning AMD gave in October) speaks of it, not of next December. Two
    months later it is reported, and the same words name the next one. A forecast naming two
    month-quarters speaks of the later ("collapsed in the August quarter ... slip further in
    the December quarter")."""
    import datetime as dt

    from claims.extraction_rules import load_extraction_rules
    from claims.timeframe import claim_quarter

    rules = load_extraction_rules()
    warned = ("다만 게임기용 세미커스텀 칩의 계절적 비수기 탓에 4분기 매출은 전 분기보다 15% 안팎 "
              "줄어들 것이라고 회사가 미리 경고했습니다.")
    assert claim_quarter(warned, dt.date(2018, 1, 15), rules, fiscal_year_end="1231",
                         forecast=True) == "2017Q4"
    assert claim_quarter(warned, dt.date(2018, 3, 15), rules, fiscal_year_end="1231",
                         forecast=True) == "2018Q4"
    slip = ("Micron's gross margin has collapsed to about 30% in the August quarter, half of what "
            "it was a year ago, and management expects it to slip further in the December "
            "quarter as memory prices keep falling.")
    assert claim_quarter(slip, dt.date(2019, 10, 1), rules, fiscal_year_end="0831",
                         forecast=True) == "2020Q2"
    assert claim_quarter(slip, dt.date(2019, 10, 1), rules, fiscal_year_end="0831",
                         forecast=False) == "2019Q4"


def test_report_lag_is_data_checked_on_load(tmp_path) -> None:
    """`report_lag_days` (data/extraction.yaml) sets when a quarter counts as unreported; a
    value that is no number of days is refused with the file and line."""
    import datetime as dt

    import pytest

    from claims.extraction_rules import DEFAULT_RULES, load_extraction_rules
    from claims.timeframe import claim_quarter
    from claimtracker.errors import ConfigError

    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert "report_lag_days: 45" in text
    edited = tmp_path / "extraction.yaml"
    edited.write_text(text.replace("report_lag_days: 45", "report_lag_days: 0"), encoding="utf-8")
    quote = "Revenue in the fourth quarter will fall by about 15%."
    assert claim_quarter(quote, dt.date(2018, 1, 15), load_extraction_rules(edited),
                         fiscal_year_end="1231", forecast=True) == "2018Q4"
    edited.write_text(text.replace("report_lag_days: 45", "report_lag_days: soon"),
                      encoding="utf-8")
    with pytest.raises(ConfigError, match=r"extraction.yaml:\d+: report_lag_days"):
        load_extraction_rules(edited)


def test_the_last_quarter_is_no_forecast_just_before_an_event_is() -> None:
    """직전 is "just before" (양산 직전: about to mass-produce, a forecast), but 직전 분기 is
    the quarter before: "직전 분기보다 6% 줄었다" reports a past quarter."""
    from claims.extraction_rules import load_extraction_rules
    from claims.timeframe import is_forecast

    rules = load_extraction_rules()
    assert not is_forecast("마이크론이 12월 18일 발표한 회계 1분기(11월 마감) 매출은 79억 달러로, "
                           "직전 분기보다 6% 줄었다.", rules)
    assert is_forecast("엔비디아의 차세대 칩은 양산 직전입니다.", rules)


def test_what_the_db_knows_was_reported_beats_the_lag_guess() -> None:
    """Micron reported its fiscal Q1 2019 on 2018-12-18: ten days later "1분기 매출은 ...
    줄어들 것" is no longer that quarter, though it ended within the 45-day lag. Without a
    call for the quarter before either, the DB does not cover the period: the lag decides."""
    import datetime as dt

    from claims.extraction_rules import load_extraction_rules
    from claims.reported import quarter_reported
    from claims.timeframe import claim_quarter
    from claimtracker.db import Store
    from claimtracker.quarters import FiscalQuarter

    store = Store.open(None)
    with store.transaction() as con:
        for call_id, quarter, day in (("mu-4q18", 4, "2018-09-20"), ("mu-1q19", 1, "2018-12-18")):
            con.execute("INSERT INTO calls (call_id, ticker, cik, fiscal_year, fiscal_quarter, "
                        "call_date, title, format, source_files) VALUES (?, 'MU', 723125, ?, ?, "
                        "?, 'Micron', 'streetevents', [])",
                        [call_id, 2019 if quarter == 1 else 2018, quarter, day])
    day = dt.date(2018, 12, 28)
    assert quarter_reported(store.con, "MU", FiscalQuarter(2019, 1), day) is True
    assert quarter_reported(store.con, "MU", FiscalQuarter(2019, 1), dt.date(2018, 12, 10)) \
        is False
    assert quarter_reported(store.con, "MU", FiscalQuarter(2016, 1), day) is None
    assert quarter_reported(None, "MU", FiscalQuarter(2019, 1), day) is None
    rules = load_extraction_rules()
    warned = "마이크론은 1분기 매출이 전 분기보다 10% 넘게 줄어들 것이라고 경고했다."
    guess = claim_quarter(warned, day, rules, fiscal_year_end="0831", forecast=True)
    known = claim_quarter(warned, day, rules, fiscal_year_end="0831", forecast=True,
                          reported=lambda q: quarter_reported(store.con, "MU", q, day))
    assert (guess, known) == ("2019Q1", "2020Q1")
