"""Reported numbers: source preference, YTD derivation, QoQ/YoY, catalogue formulas, segments
and comparative claims."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims.compare import compare_change
from claims.ledger import Claim
from claims.metrics import MetricSeries, quarterly_series
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from claimtracker.tickers import canonical_ticker

AMZN = 1018724


def _fact(store: Store, metric: str, value: float, start: str, end: str, months: int,
          source: str, year: int, quarter: int | None) -> None:
    key = hashlib.sha1(f"{metric}{value}{start}{end}{source}".encode()).hexdigest()
    store.con.execute(
        "INSERT INTO facts (fact_id, cik, accession, concept, metric, value, unit, period_start,"
        " period_end, fiscal_year, fiscal_quarter, duration_months, source) "
        "VALUES (?, ?, 'acc', 'c', ?, ?, 'USD', ?, ?, ?, ?, ?, ?)",
        [key, AMZN, metric, value, dt.date.fromisoformat(start), dt.date.fromisoformat(end),
         year, quarter, months, source])


@pytest.fixture
def amzn(fresh_db: Store) -> Store:
    fresh_db.con.execute("INSERT INTO companies (cik, ticker, fiscal_year_end) "
                         "VALUES (?, 'AMZN', '1231')", [AMZN])
    return fresh_db


def test_filing_value_beats_release_text_and_companyfacts(amzn: Store) -> None:
    # Amazon Q2 2023 revenue: 10-Q inline XBRL 134,383M; the release rounds to 134.4B.
    _fact(amzn, "revenue", 134.4e9, "2023-04-01", "2023-06-30", 3, "release_text", 2023, 2)
    _fact(amzn, "revenue", 134.0e9, "2023-04-01", "2023-06-30", 3, "companyfacts", 2023, 2)
    _fact(amzn, "revenue", 134_383e6, "2023-04-01", "2023-06-30", 3, "inline_xbrl", 2023, 2)
    point = quarterly_series(amzn, "AMZN", "revenue")[FiscalQuarter(2023, 2)]
    assert (point.value, point.source) == (134_383e6, "inline_xbrl")


def test_quarter_derived_from_year_to_date_values(amzn: Store) -> None:
    # Cash capex is reported year to date in 10-Qs: H1 2023 25,671M, Q1 2023 14,207M.
    _fact(amzn, "capex", 14_207e6, "2023-01-01", "2023-03-31", 3, "inline_xbrl", 2023, 1)
    _fact(amzn, "capex", 25_671e6, "2023-01-01", "2023-06-30", 6, "inline_xbrl", 2023, None)
    q2 = quarterly_series(amzn, "AMZN", "capex")[FiscalQuarter(2023, 2)]
    assert q2.value == pytest.approx(11_464e6) and q2.derived


def test_operating_margin_change_in_points_against_expected_direction(amzn: Store) -> None:
    for year, quarter, revenue, income in ((2022, 3, 127.1e9, 2.5e9), (2023, 2, 134.4e9, 7.7e9),
                                           (2023, 3, 143.1e9, 11.2e9)):
        end = {2: "06-30", 3: "09-30"}[quarter]
        start = {2: "04-01", 3: "07-01"}[quarter]
        _fact(amzn, "revenue", revenue, f"{year}-{start}", f"{year}-{end}", 3, "release_text",
              year, quarter)
        _fact(amzn, "operating_income", income, f"{year}-{start}", f"{year}-{end}", 3,
              "release_text", year, quarter)
    change = MetricSeries(amzn, "AMZN").change("operating_margin", FiscalQuarter(2023, 3), "up")
    assert change["value"] == pytest.approx(11.2 / 143.1, abs=1e-4)
    assert change["yoy"] == pytest.approx((11.2 / 143.1 - 2.5 / 127.1) * 100, abs=0.01)
    assert change["qoq"] == pytest.approx((11.2 / 143.1 - 7.7 / 134.4) * 100, abs=0.01)
    assert change["yoy_agrees"] == 1 and change["score"] == 1.0
    down = MetricSeries(amzn, "AMZN").change("operating_margin", FiscalQuarter(2023, 3), "down")
    assert down["score"] == -1.0


def test_amazon_capex_from_the_shared_filings(shared_db: Store) -> None:
    series = MetricSeries(shared_db, "AMZN")
    capex = series.series("capex")
    q2_2023 = capex[FiscalQuarter(2023, 2)]
    assert FiscalQuarter(2022, 2) in capex  # the comparative quarter of the Q2 2023 10-Q
    assert q2_2023.source == "inline_xbrl" and 10e9 < q2_2023.value < 13e9
    change = series.change("capex", FiscalQuarter(2023, 2), "down")
    assert change["yoy"] < -20  # Amazon cut capex in 2023 ...
    assert change["yoy_agrees"] == 1
    assert series.change("capex", FiscalQuarter(2024, 1), "down")["yoy"] > 0  # ... not in 2024


def test_operating_leverage_keeps_its_meaning(amzn: Store) -> None:
    # Catalogue formula growth(operating_income) - growth(revenue): YoY value, QoQ beside it.
    for year, quarter, revenue, income in ((2022, 3, 127.1e9, 2.5e9), (2023, 2, 134.4e9, 7.7e9),
                                           (2023, 3, 143.1e9, 11.2e9)):
        end = {2: "06-30", 3: "09-30"}[quarter]
        start = {2: "04-01", 3: "07-01"}[quarter]
        _fact(amzn, "revenue", revenue, f"{year}-{start}", f"{year}-{end}", 3, "release_text",
              year, quarter)
        _fact(amzn, "operating_income", income, f"{year}-{start}", f"{year}-{end}", 3,
              "release_text", year, quarter)
    change = MetricSeries(amzn, "AMZN").change("operating_leverage", FiscalQuarter(2023, 3), "up")
    growth = lambda new, old: round((new - old) / old * 100, 2)  # noqa: E731
    assert change["yoy"] == change["value"] == round(growth(11.2, 2.5) - growth(143.1, 127.1), 2)
    assert change["qoq"] == round(growth(11.2, 7.7) - growth(143.1, 134.4), 2)
    assert (change["unit"], change["change_unit"], change["score"]) == ("pp", "pp", 1.0)


# -- small DBs built from chosen ../shared files --------------------------------------------------

TICKERS = "mirror/www.sec.gov/files/company_tickers.json"
COMPANYFACTS = [f"mirror/data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
                for cik in (320193, 1045810, 1652044)]
SEGMENT_FILINGS = [
    "mirror/www.sec.gov/Archives/edgar/data/1018724/000101872423000012/amzn-20230630.htm",
    "mirror/www.sec.gov/Archives/edgar/data/1045810/000104581023000175/nvda-20230730.htm",
    "sec-edgar-filings/GOOG/10-Q/0001652044-23-000070/primary-document.html",
]


def _small_db(factory: pytest.TempPathFactory, edgar_dir: Path, files: list[str]) -> Path:
    """A DB ingested from symlinks to `files` of ../shared/edgar (same relative paths)."""
    from ingest.filings.local import ingest_dir

    base = factory.mktemp("small-db")
    for rel in files:
        target = base / "edgar" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(edgar_dir / rel)
    with Store.open(base / "db.duckdb") as store:
        summary = ingest_dir(store, base / "edgar", progress=False)
        assert not summary.failed, summary.failed
    return base / "db.duckdb"


@pytest.fixture(scope="module")
def facts_db(tmp_path_factory: pytest.TempPathFactory, edgar_dir: Path) -> Iterator[Store]:
    """Apple, NVIDIA and Alphabet from their companyfacts JSON only."""
    path = _small_db(tmp_path_factory, edgar_dir, [TICKERS, *COMPANYFACTS])
    with Store.open(path, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def segments_db(tmp_path_factory: pytest.TempPathFactory, edgar_dir: Path) -> Iterator[Store]:
    """Amazon's, NVIDIA's and Alphabet's 10-Qs for the quarter ended mid-2023 (inline XBRL)."""
    path = _small_db(tmp_path_factory, edgar_dir, [TICKERS, *SEGMENT_FILINGS])
    with Store.open(path, read_only=True) as store:
        yield store


def test_companyfacts_give_quarterly_series(facts_db: Store) -> None:
    for ticker in ("AAPL", "NVDA", "GOOGL"):  # GOOGL and GOOG are one company (CIK 1652044)
        series = MetricSeries(facts_db, ticker)
        for metric in ("revenue", "operating_income", "capex", "gross_margin"):
            quarters = series.series(metric)
            assert len(quarters) >= 40, (ticker, metric)
            assert all(q.source == "companyfacts" for q in quarters.values())
        fiscal_2024 = {FiscalQuarter(2024, q) for q in (1, 2, 3, 4)}
        assert fiscal_2024 <= set(series.series("gross_margin")), ticker
    # NVIDIA Q2 FY2024 (10-Q): gross profit 9,462M on revenue 13,507M.
    margin = MetricSeries(facts_db, "NVDA").change("gross_margin", FiscalQuarter(2024, 2), "up")
    assert margin["value"] == pytest.approx(9_462 / 13_507, abs=1e-4)
    assert margin["unit"] == "ratio" and margin["change_unit"] == "pp" and margin["yoy"] > 20
    # Alphabet tags no GrossProfit: its gross margin is (revenue - cost of revenue) / revenue.
    alphabet = MetricSeries(facts_db, "GOOG")
    q3 = FiscalQuarter(2023, 3)
    cost, revenue = alphabet.series("cost_of_revenue")[q3], alphabet.series("revenue")[q3]
    expected = 1 - cost.value / revenue.value
    assert alphabet.change("gross_margin", q3, "up")["value"] == pytest.approx(expected, abs=1e-4)
    fcf = alphabet.change("free_cash_flow", q3, "up")["value"]
    assert fcf == alphabet.series("operating_cash_flow")[q3].value - \
        alphabet.series("capex")[q3].value


def test_segment_series_from_xbrl_dimensions(segments_db: Store) -> None:
    # NVIDIA 10-Q Q2 FY2024, revenue by market platform: Data Center 10,323M (3,806M a year ago).
    data_center = MetricSeries(segments_db, "NVDA").change("data_center_revenue",
                                                            FiscalQuarter(2024, 2), "up")
    assert data_center["value"] == 10_323e6 and data_center["year_ago"] == 3_806e6
    assert data_center["yoy"] == pytest.approx(171.23)
    # Segment note of each 10-Q: AWS 22,140M (19,739M); Google Cloud 8,031M (6,276M).
    aws = MetricSeries(segments_db, "AMZN").series("cloud_revenue")
    assert (aws[FiscalQuarter(2023, 2)].value, aws[FiscalQuarter(2022, 2)].value) == \
        (22_140e6, 19_739e6)
    cloud = MetricSeries(segments_db, "GOOG").series("cloud_revenue")
    assert cloud[FiscalQuarter(2023, 2)].value == 8_031e6
    # Consolidated revenue is untouched by the segment rows.
    assert MetricSeries(segments_db, "GOOG").series("revenue")[FiscalQuarter(2023, 2)].value \
        == 74_604e6
    assert MetricSeries(segments_db, "NVDA").series("cloud_revenue") == {}


def _claim(metric: str, compare: dict, direction: str = "up", quote: str = "q") -> Claim:
    return Claim(claim_id="c", quote=quote, kind="metric", metric=metric, direction=direction,
                 compare=compare)


def test_comparative_claim_quarter_by_quarter(segments_db: Store) -> None:
    # "Google Cloud grows faster than AWS": +28.0% vs +12.2% YoY in calendar Q2 2023.
    faster = _claim("cloud_revenue", {"with": ["AMZN"], "expect": "higher", "basis": "yoy"})
    result = compare_change(segments_db, faster, "GOOGL", FiscalQuarter(2023, 2))
    assert result["yoy"] == pytest.approx(27.96) and result["peers"] == {"AMZN": 12.16}
    assert result["agrees"] == {"AMZN": 1} and result["score"] == 1.0
    assert result["calendar_quarter"] == "CY2023Q2" and "calendar quarter" in result["alignment"]
    assert {"name", "quarter", "value", "yoy", "qoq", "change_unit", "expected"} <= set(result)
    slower = _claim("cloud_revenue", {"with": ["GOOG"], "expect": "higher", "basis": "yoy"})
    assert compare_change(segments_db, slower, "AMZN", FiscalQuarter(2023, 2))["score"] == -1.0
    # No peer number in that quarter: nothing to compare.
    assert compare_change(segments_db, faster, "GOOG", FiscalQuarter(2021, 2)) is None
    plain = _claim("cloud_revenue", None)  # type: ignore[arg-type]
    assert compare_change(segments_db, plain, "GOOG", FiscalQuarter(2023, 2)) is None
    # "twice as fast": +28.0% is ahead of +12.2% and more than twice it; three times is not met
    spec = {"with": ["AMZN"], "expect": "higher", "basis": "yoy"}
    twice = _claim("cloud_revenue", spec, quote="Google Cloud is growing twice as fast as AWS.")
    assert compare_change(segments_db, twice, "GOOGL", FiscalQuarter(2023, 2))["score"] == 1.0
    thrice = _claim("cloud_revenue", spec, quote="구글 클라우드는 AWS보다 세 배 빠르게 성장합니다.")
    result = compare_change(segments_db, thrice, "GOOGL", FiscalQuarter(2023, 2))
    assert result["agrees"] == {"AMZN": 0} and result["score"] == 0.0


def test_comparison_aligns_calendar_quarters(facts_db: Store) -> None:
    # NVIDIA's Q2 FY2024 ended 2023-07-30 (calendar Q3); Apple's quarter ending in calendar Q3
    # is its Q4 FY2023, Alphabet's its Q3 2023.
    claim = _claim("revenue", {"with": ["AAPL", "GOOGL"], "expect": "higher"})
    result = compare_change(facts_db, claim, "NVDA", FiscalQuarter(2024, 2))
    assert result["calendar_quarter"] == "CY2023Q3" and result["basis"] == "yoy"
    google = canonical_ticker(facts_db.con, "GOOG")  # the one ticker the DB names Alphabet by
    assert result["peer_quarters"] == {"AAPL": "2023Q4", google: "2023Q3"}
    apple = MetricSeries(facts_db, "AAPL").change("revenue", FiscalQuarter(2023, 4), "up")
    assert result["peers"]["AAPL"] == apple["yoy"] and result["score"] == 1.0
    # Ratios compare by value by default: Alphabet's capex burden is heavier than Apple's.
    burden = _claim("capex_intensity", {"with": ["AAPL"], "expect": "higher"})
    heavier = compare_change(facts_db, burden, "GOOG", FiscalQuarter(2023, 3))
    assert heavier["basis"] == "value" and heavier["score"] == 1.0
    assert heavier["value"] > heavier["peers"]["AAPL"] > 0


def test_segment_members_found_under_any_of_the_company_tickers(fresh_db: Store) -> None:
    # The catalogue keys Alphabet's members by GOOG; a DB may name CIK 1652044 GOOGL.
    fresh_db.con.execute("INSERT INTO companies (cik, ticker, fiscal_year_end) "
                         "VALUES (1652044, 'GOOGL', '1231')")
    dims = ('{"srt:ConsolidationItemsAxis": "us-gaap:OperatingSegmentsMember", '
            '"us-gaap:StatementBusinessSegmentsAxis": "goog:GoogleCloudMember"}')
    for fid, value, dimensions in (("a", 8_031e6, dims), ("b", 74_604e6, None)):
        fresh_db.con.execute(
            "INSERT INTO facts (fact_id, cik, concept, metric, value, unit, period_start, "
            "period_end, fiscal_year, fiscal_quarter, duration_months, dimensions, source) "
            "VALUES (?, 1652044, 'us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax',"
            " 'revenue', ?, 'USD', DATE '2023-04-01', DATE '2023-06-30', 2023, 2, 3, ?, "
            "'inline_xbrl')", [fid, value, dimensions])
    for ticker in ("GOOGL", "GOOG"):
        series = MetricSeries(fresh_db, ticker)
        assert series.series("cloud_revenue")[FiscalQuarter(2023, 2)].value == 8_031e6
        assert series.series("revenue")[FiscalQuarter(2023, 2)].value == 74_604e6


def test_a_recovery_claim_is_judged_on_the_sequential_change(facts_db: Store) -> None:
    """NVIDIA Q2 FY2026: gross margin 72.4% after 60.5% (up QoQ) but below 75.1% a year ago."""
    from claims.stance_subjects import change_basis

    recovering = Claim("gm", "그리고 지금 총이익률은 다시 70% 중반을 향해 회복되고 있습니다.",
                       metric="gross_margin", direction="up", kind="both")
    plain = Claim("gm2", "Gross margin is higher.", metric="gross_margin", direction="up")
    assert change_basis(recovering) == "qoq" and change_basis(plain) == "yoy"
    series = MetricSeries(facts_db, "NVDA")
    q2 = FiscalQuarter(2026, 2)
    yearly = series.change("gross_margin", q2, "up", basis=change_basis(plain))
    sequential = series.change("gross_margin", q2, "up", basis=change_basis(recovering))
    assert yearly["yoy"] < 0 < yearly["qoq"] and yearly["score"] < 0
    assert sequential["basis"] == "qoq" and sequential["score"] == 1.0


def test_a_peer_known_by_its_calls_only_is_scored_as_a_claim_too(amzn: Store,
                                                                  tmp_path: Path) -> None:
    """Intel has no EDGAR row here (the company book knows it): comparing Amazon with it caches
    Intel's series, and a later claim about Intel must still get its own timeline."""
    from claims.compare import company_of
    from claims.score import score_claims

    for year, quarter, value in ((2023, 3, 143.1e9), (2024, 3, 158.9e9)):
        _fact(amzn, "revenue", value, f"{year}-07-01", f"{year}-09-30", 3, "inline_xbrl",
              year, quarter)
    intel = company_of(amzn, "INTC")
    assert intel is not None and (intel.cik, intel.fye_month) == (50863, 12)
    ledger = tmp_path / "peers.yaml"
    ledger.write_text(
        "article: {title: Peers, source: test, date: 2024-11-01, language: en}\n"
        "claims:\n"
        "  - {id: amzn-faster, quote: Amazon grows faster than Intel., ticker: AMZN,\n"
        "     metric: revenue, kind: metric, direction: up, horizon: past,\n"
        "     compare: {with: [INTC], expect: higher, basis: yoy}}\n"
        "  - {id: intc-revenue, quote: Intel's revenue is falling., ticker: INTC,\n"
        "     metric: revenue, kind: metric, direction: down, horizon: past}\n",
        encoding="utf-8")
    rows = score_claims(amzn, [ledger])
    assert {r["claim_id"] for r in rows} == {"amzn-faster"}  # Intel: no data, no quarters
    assert {r["quarter"] for r in rows} >= {"2024Q3"}
