"""What a claim measures: a segment's margin, a growth rate, the figures it states
(claims/stance_shape.py, claims/stance_figures.py, claims/verdict.py). Sentences are from the
MSFT, AMZN and AAPL calls in ../shared/transcripts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claims.ledger import Claim
from claims.stance import RuleStance
from claims.stance_figures import claim_figures
from claims.stance_result import CONTRADICTS, NEUTRAL, SUPPORTS, StanceResult
from claims.stance_rules import load_stance_rules
from claims.stance_shape import claim_segment, rate_claim
from claims.verdict import decide
from claimtracker.errors import ConfigError

RULES = load_stance_rules()
MODEL = RuleStance()

CLOUD_GM = Claim("msft-cloud-gm", "마이크로소프트 클라우드의 총이익률은 AI 인프라 비용에도 "
                 "불구하고 오히려 개선되고 있습니다.", ticker="MSFT", kind="both",
                 metric="gross_margin", terms=("gross margin", "cloud", "costs"))
CAPEX_RATE = Claim("msft-capex-rate", "경영진은 이번 회계연도 설비투자 증가율이 지난해보다 "
                   "낮아질 것이라고 했습니다.", ticker="MSFT", kind="both", metric="capex",
                   direction="down", horizon="forecast", terms=("capital expenditures", "capex"))


def test_segment_margin_is_judged_only_by_that_segments_margin() -> None:
    company = ("Company gross margin percentage was 69%, down slightly year-over-year, driven by "
               "investments in AI.")
    segment = ("Segment gross margin dollars increased 19% and 16% in constant currency, and "
               "gross margin percentage increased driven by efficiency gains in M365 Commercial "
               "Cloud that were partially offset by investments in AI.")
    revenue = ("Microsoft Cloud revenue was $49.1 billion, ahead of expectations and grew 26% "
               "and 25% in constant currency.")
    own = ("Microsoft Cloud gross margin percentage was slightly better than expected at 68% "
           "and down year-over-year due to the investments in AI.")
    assert MODEL.judge(company, CLOUD_GM).stance == NEUTRAL
    assert MODEL.judge(segment, CLOUD_GM).stance == NEUTRAL
    assert MODEL.judge(revenue, CLOUD_GM).stance == NEUTRAL
    assert MODEL.judge(own, CLOUD_GM).stance == CONTRADICTS


def test_company_name_is_no_segment() -> None:
    # "Apple's gross margin" is the company's: company-level sentences still judge it
    claim = Claim("aapl-gm", "Apple's gross margin is now above 48%.", ticker="AAPL",
                  terms=("gross margin",))
    assert claim_segment(claim, RULES.shape) is None
    english = Claim("msft", "Microsoft Cloud gross margin is improving.", ticker="MSFT",
                    terms=("Microsoft Cloud gross margin",))
    assert claim_segment(english, RULES.shape) == (("cloud",), ("gross margin",))


def test_segment_claim_sets_the_company_metric_aside() -> None:
    # the company's gross margin rising is not Microsoft Cloud's
    metric = {"name": "gross_margin", "value": 0.69, "yoy": 0.5, "qoq": 0.2,
              "change_unit": "pp", "expected": "up", "score": 1.0}
    verdict = decide(CLOUD_GM, [], metric)
    assert verdict.verdict == "not_discussed"


def test_growth_rate_claim_reads_the_rate_not_the_level() -> None:
    assert MODEL.judge("We expect CapEx to grow.", CAPEX_RATE).stance == NEUTRAL
    lower = MODEL.judge("It will grow at a lower rate than FY 2025 and will include a greater "
                        "mix of short-lived assets.", CAPEX_RATE)
    higher = MODEL.judge("Therefore, total spend will increase sequentially, and we now expect "
                         "the FY '26 growth rate to be higher than FY '25.", CAPEX_RATE)
    assert lower.stance == SUPPORTS and higher.stance == CONTRADICTS
    metric = {"name": "capex", "value": 3.5e10, "yoy": 50.0, "qoq": 10.0, "change_unit": "%",
              "expected": "down", "score": -1.0}
    assert decide(CAPEX_RATE, [lower], metric).verdict == "supported"


def test_a_rate_path_is_a_rate_claim() -> None:
    """Several figures trace the rate's path: the rate decides, not the level's growth
    (Microsoft FY2020 Q1 call: "Azure revenue grew 59%" is the level, not the slowdown)."""
    claim = Claim("azure", "애저 매출 성장률은 76%에서 73%, 64%, 59%로 분기마다 둔화되고 "
                  "있습니다.", ticker="MSFT", direction="down",
                  terms=("Azure", "애저", "growth rate", "revenue"))
    assert rate_claim(claim, RULES.shape)
    assert MODEL.judge("Azure revenue grew 59%, driven by continued growth in our "
                       "consumption-based business.", claim).stance == NEUTRAL
    slower = MODEL.judge("Azure growth will continue to reflect the balance between strong "
                         "growth in our consumption-based businesses and moderating growth in "
                         "our per-user business.", claim)
    assert slower.stance == SUPPORTS and slower.cues[0]["rule"] == "rate"


def test_figure_with_a_stated_size_of_the_rate_is_no_rate_claim() -> None:
    claim = Claim("aapl-services", "반면 서비스 매출 성장률은 10% 아래로 떨어졌습니다.",
                  direction="down", terms=("services", "revenue growth"))
    assert MODEL.judge("Services revenue reached an all-time high of $30 billion, up 14% "
                       "year-over-year.", claim).cues != [{"rate": False}]


def test_claim_figures() -> None:
    assert [f.value for f in claim_figures("M365 코파일럿 유료 사용자는 1,500만 명을 넘었습니다.",
                                           RULES)] == [15e6]
    # an end point with a period is a figure; without one it is where the series ends up
    assert [f.value for f in claim_figures("AWS growth has accelerated every quarter of 2025, "
                                           "reaching 24% in the fourth quarter.", RULES)] == [24]
    assert claim_figures("Google Cloud revenue growth accelerated every quarter this year, "
                         "reaching 34%.", RULES) == ()
    assert claim_figures("iPhone revenue is growing at a double-digit pace again, and the "
                         "iPhone 17 lineup is the main reason.", RULES) == ()


def test_unstated_figure_caps_support_at_mixed() -> None:
    claim = Claim("copilot", "M365 코파일럿 유료 사용자는 1,500만 명을 넘었습니다.", ticker="MSFT",
                  terms=("코파일럿", "M365", "users"))
    growth = StanceResult(SUPPORTS, 1.0, [{"cue": "seat", "direction": "up", "expects": "up"}])
    assert decide(claim, [growth], None).verdict == "mixed"
    stated = MODEL.judge("We saw accelerating seat growth quarter-over-quarter and now have 15 "
                         "million paid Microsoft 365 Copilot seats and multiples more enterprise "
                         "chat users.", claim)
    assert {"rule": "figures", "met": [0]} in stated.cues
    assert decide(claim, [growth, stated], None).verdict == "supported"


def test_endpoint_short_in_an_earlier_quarter_is_mixed() -> None:
    claim = Claim("aws", "AWS growth has accelerated every quarter of 2025, reaching 24% in the "
                  "fourth quarter.", ticker="AMZN", terms=("AWS",))
    q2 = MODEL.judge("In Q2, AWS grew 17.5% year-over-year and now has over $123 billion "
                     "annualized revenue run rate.", claim)
    q4 = MODEL.judge("AWS growth continued to accelerate to 24%, the fastest we've seen in 13 "
                     "quarters.", claim)
    assert decide(claim, [q2], None).verdict == "mixed"
    assert decide(claim, [q4], None).verdict == "supported"


def test_series_start_and_end_figures_are_no_quarter_figures() -> None:
    # "jumped to $155 billion", "from $75 billion to more than $90 billion": where a series
    # ends or started (GOOG backlog was $106 billion in 2025Q2, labelled supported)
    assert claim_figures("Google Cloud's backlog jumped to $155 billion.", RULES) == ()
    assert claim_figures("Alphabet has raised its 2025 capex guidance twice, from $75 billion "
                         "to more than $90 billion.", RULES) == ()
    assert [f.value for f in claim_figures("Amazon plans to spend about $200 billion on capex "
                                           "in 2026.", RULES)] == [200e9]


def test_double_digit_growth_asks_for_ten_percent() -> None:
    claim = Claim("iphone", "iPhone revenue is growing at a double-digit pace again.",
                  ticker="AAPL", terms=("iPhone revenue",))
    short = MODEL.judge("iPhone revenue was $49 billion, up 6% year-over-year, driven by the "
                        "iPhone 16 family.", claim)
    assert short.stance == CONTRADICTS and any(c.get("rule") == "size" for c in short.cues)
    assert MODEL.judge("iPhone revenue was $85.3 billion, up 23% year-over-year, driven by the "
                       "iPhone 17 family.", claim).stance == SUPPORTS


def test_single_digit_growth_asks_for_under_ten_percent() -> None:
    # Meta's calls: impressions grew 5% in Q1 2025, 14% in Q3
    claim = Claim("impressions", "Meta's ad impressions are growing only at a single-digit pace.",
                  ticker="META", terms=("ad impressions",))
    within = MODEL.judge("In Q1, the total number of ad impressions served across our services "
                         "increased 5%, and the average price per ad increased 10%.", claim)
    above = MODEL.judge("In Q3, the total number of ad impressions served across our services "
                        "increased 14%.", claim)
    assert within.stance == SUPPORTS
    assert above.stance == CONTRADICTS and any(c.get("rule") == "size" for c in above.cues)


def test_a_rate_forecast_is_not_answered_by_a_past_rate() -> None:
    past = MODEL.judge("I think in most instances, to make sure people understood that when we "
                       "were accelerating all of our CapEx spend over the past two and a half "
                       "or three years now, it was a reflection of demand.", CAPEX_RATE)
    assert past.stance == NEUTRAL


GAMING = Claim("nvda-gaming", "Gaming revenue hit a record in every quarter of the year.",
               ticker="NVDA", kind="both", metric="revenue", direction="up",
               terms=("Gaming", "revenue"))


def test_segment_revenue_is_judged_by_sentences_naming_the_segment() -> None:
    # NVIDIA's Q3 FY2026 call: the data-center record says nothing of Gaming; the Gaming line
    # does, though a revenue sentence need not repeat "revenue" ("Gaming was up 30%")
    data_center = "Record Q3 data center revenue of $51 billion, up 66% year-on-year."
    gaming = "Gaming revenue was $4.3 billion, up 30% year-on-year, driven by strong demand."
    bare = "Gaming was up 30% year-on-year, driven by strong demand."
    assert claim_segment(GAMING, RULES.shape) == (("gaming",), ("revenue",))
    assert MODEL.judge(data_center, GAMING).stance == NEUTRAL
    assert MODEL.judge(gaming, GAMING).stance == SUPPORTS
    assert MODEL.judge(bare, GAMING).stance == SUPPORTS


def test_a_period_or_the_company_before_revenue_names_no_segment() -> None:
    for quote in ("NVIDIA's Q3 revenue rose 62%.", "Total revenue rose 62%.",
                  "엔비디아 분기 매출이 늘었다."):
        assert claim_segment(Claim("x", quote, ticker="NVDA"), RULES.shape) is None, quote
    korean = Claim("x", "엔비디아의 데이터센터 매출이 급증했다.", ticker="NVDA")
    assert claim_segment(korean, RULES.shape) == (("data center",), ("revenue",))


def test_segment_revenue_claim_sets_the_company_revenue_aside() -> None:
    # NVIDIA's total revenue rising does not say Gaming hit a record
    metric = {"name": "revenue", "value": 57.0e9, "yoy": 62.5, "qoq": 22.0,
              "change_unit": "%", "expected": "up", "score": 1.0}
    assert decide(GAMING, [], metric).verdict == "not_discussed"


def test_named_only_measure_must_be_a_measure(edited_stance_rules: Callable) -> None:
    path, line = edited_stance_rules(r"^  named_only: \[revenue,",
                                     "  named_only: [bookings, revenue,")
    with pytest.raises(ConfigError, match=rf"stance.yaml:{line}: segments.named_only: "
                                          r"\['bookings'\] are not in segments.measures"):
        load_stance_rules(path)


def test_figure_tolerances_are_data_checked_with_file_and_line(
        edited_stance_rules: Callable) -> None:
    path, line = edited_stance_rules(r"tolerance: \{plain_pct: 0\.5,", "tolerance: {plain_pct: -1,")
    with pytest.raises(ConfigError, match=rf"stance.yaml:{line}: figures.tolerance.plain_pct"):
        load_stance_rules(path)


def test_a_scope_phrase_sets_the_segment_of_the_measure() -> None:
    """"On the services side, the gross margin keeps creeping higher" is Services' margin:
    Apple's total gross margin (down 0.7 points) is not its number, and only a sentence naming
    Services' margin speaks to it. "The gross margin" opening a sentence names no segment."""
    from shared_text import shared_sentence

    from ingest.transcripts.event_brief import load_summary_rules

    shape = load_stance_rules().shape
    services = Claim("aapl-services-gm", "On the services side, the gross margin keeps creeping "
                     "higher from one quarter to the next.", terms=("gross margin",),
                     metric="gross_margin", kind="both", direction="up")
    assert claim_segment(services, shape) == (("services",), ("gross margin",))
    plain = Claim("gm", "The gross margin keeps rising.", terms=("gross margin",),
                  metric="gross_margin", kind="both", direction="up")
    assert claim_segment(plain, shape) is None
    faster = Claim("amd-faster", "Put side by side, AMD is growing much faster than Apple: its "
                   "revenue rose 34% last quarter, against 13% for Apple.", terms=("revenue",),
                   metric="revenue", kind="both", direction="up")
    assert claim_segment(faster, shape) is None  # "Apple:" ends a clause, names no segment
    total = {"name": "gross_margin", "value": 0.376, "yoy": -0.7, "qoq": -0.4,
             "change_unit": "pp", "expected": "up", "score": -1.0}
    assert decide(services, [], total).verdict == "not_discussed"  # not its number
    raw = shared_sentence("AAPL/2019-Jan-29-AAPL.txt", "Services GM increased 170 BP "
                          "sequentially due to favorable mix and leverage, partially offset by FX.")
    said = load_summary_rules().plain(raw)  # as ingest stores it: "Services gross margin ..."
    assert RuleStance().judge(said, services).stance == SUPPORTS
    company = "Gross margin was 38%, down 70 basis points."
    assert RuleStance().judge(company, services).stance == NEUTRAL
