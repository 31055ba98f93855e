"""The app's read model on small hand-made rows whose right answers are worked out by hand."""

from __future__ import annotations

import re

import pytest

from app_pages.common import highlight, markdown_table, md_escape, sparkline
from app_pages.updater import parse_progress
from claimtracker.db import Store
from nlp.provenance import MANAGEMENT_SQL, is_management, source_link, transcript_file
from pipeline import views, views_metrics, views_topics


def _sentence(store: Store, sid: str, year: int, quarter: int, *, role: str | None,
              doc_type: str = "transcript", text: str = "x", ticker: str = "AMZN") -> None:
    store.con.execute(
        "INSERT INTO sentences (sentence_id, source_kind, source_id, ord, start_char, end_char, "
        "text, text_hash, ticker, fiscal_year, fiscal_quarter, doc_type, role) "
        "VALUES (?, 'turn', ?, 0, 0, 1, ?, ?, ?, ?, ?, ?, ?)",
        [sid, f"src-{sid}", text, sid, ticker, year, quarter, doc_type, role],
    )


def _mention(store: Store, sid: str, topic: str, n: int = 0, method: str = "ruler") -> None:
    store.con.execute(
        "INSERT INTO mentions (mention_id, sentence_id, topic, method) VALUES (?, ?, ?, ?)",
        [f"{sid}-{topic}-{n}-{method}", sid, topic, method],
    )


@pytest.fixture
def topic_db(fresh_db: Store) -> Store:
    """Four quarters; robotics talked about in 2024Q1-Q2 then never again, capex throughout."""
    plan = {(2024, 1): 10, (2024, 2): 20, (2024, 3): 5, (2024, 4): 4}
    for (year, q), n in plan.items():
        for i in range(n):
            _sentence(fresh_db, f"{year}{q}m{i}", year, q, role="management")
        _sentence(fresh_db, f"{year}{q}a", year, q, role="analyst")  # never counted
        _mention(fresh_db, f"{year}{q}a", "robotics")
        _mention(fresh_db, f"{year}{q}m0", "capex")
    _mention(fresh_db, "20241m1", "robotics")
    _mention(fresh_db, "20241m1", "robotics", n=1)  # two terms, one sentence: counts once
    _mention(fresh_db, "20242m1", "robotics")
    _mention(fresh_db, "20242m2", "robotics")
    _mention(fresh_db, "20241m3", "trainium")  # one quarter only: cannot "go quiet"
    # A filing sentence (no role) is management language too.
    _sentence(fresh_db, "10q", 2024, 3, role=None, doc_type="10-Q")
    _mention(fresh_db, "10q", "capex", method="semantic")
    return fresh_db


def test_topic_heatmap_normalises_per_1000_management_sentences(topic_db: Store) -> None:
    heat = views_topics.topic_heatmap(topic_db, "AMZN")
    base = {q["quarter"]: q["management_sentences"] for q in heat["quarters"]}
    assert base == {"2024Q1": 10, "2024Q2": 20, "2024Q3": 6, "2024Q4": 4}
    cells = {(c["topic"], c["quarter"]): c for c in heat["cells"]}
    assert cells[("robotics", "2024Q1")]["sentences"] == 1
    assert cells[("robotics", "2024Q1")]["per_1000"] == pytest.approx(100.0)
    assert cells[("robotics", "2024Q2")]["per_1000"] == pytest.approx(100.0)  # 2 of 20
    assert cells[("capex", "2024Q3")]["sentences"] == 2  # the call's and the 10-Q's
    assert ("robotics", "2024Q3") not in cells  # only the analyst mentioned it


def test_went_quiet_needs_two_quarters_then_absence(topic_db: Store) -> None:
    topics = {t["topic"]: t for t in views_topics.topic_heatmap(topic_db, "AMZN")["topics"]}
    assert (topics["robotics"]["first"], topics["robotics"]["last"]) == ("2024Q1", "2024Q2")
    assert topics["robotics"]["went_quiet"] is True
    assert topics["robotics"]["quiet_quarters"] == 2
    assert topics["trainium"]["went_quiet"] is False
    assert topics["capex"]["went_quiet"] is False


def test_topic_heatmap_filters_method_and_calls(topic_db: Store) -> None:
    ruler_only = views_topics.topic_heatmap(topic_db, "AMZN", methods=("ruler",))
    capex = {c["quarter"]: c["sentences"] for c in ruler_only["cells"] if c["topic"] == "capex"}
    assert capex["2024Q3"] == 1
    calls = views_topics.topic_heatmap(topic_db, "AMZN", calls_only=True)
    assert {q["quarter"]: q["management_sentences"] for q in calls["quarters"]}["2024Q3"] == 5


def _fact(store: Store, fid: str, metric: str, value: float, year: int, quarter: int,
          source: str = "inline_xbrl", derived: bool = False) -> None:
    store.con.execute(
        "INSERT INTO facts (fact_id, cik, concept, metric, value, unit, period_start, period_end, "
        "fiscal_year, fiscal_quarter, duration_months, source, derived) "
        "VALUES (?, 1018724, 'us-gaap:X', ?, ?, 'USD', DATE '2024-01-01', DATE '2024-03-31', "
        "?, ?, 3, ?, ?)",
        [fid, metric, value, year, quarter, source, derived],
    )


def test_metrics_pick_the_authoritative_source_and_compute_margin(fresh_db: Store) -> None:
    fresh_db.con.execute(
        "INSERT INTO companies (cik, ticker, name, fiscal_year_end) "
        "VALUES (1018724, 'AMZN', 'AMAZON COM INC', '1231')")
    _fact(fresh_db, "r1", "revenue", 143_313e6, 2024, 1, source="release_text")
    _fact(fresh_db, "r2", "revenue", 143_313e6, 2024, 1)
    _fact(fresh_db, "o1", "operating_income", 15_307e6, 2024, 1)
    _fact(fresh_db, "c1", "capex", 14_925e6, 2024, 1, source="companyfacts", derived=True)
    _fact(fresh_db, "c2", "capex", 14_900e6, 2024, 1, source="release_text")
    fresh_db.con.execute(  # employees: an instant at the fiscal year end
        "INSERT INTO facts (fact_id, cik, concept, metric, value, period_end, source) VALUES "
        "('e1', 1018724, 'dei:EntityNumberOfEmployees', 'employees', 1525000, "
        "DATE '2023-12-31', 'inline_xbrl')")
    rows = {r["quarter"]: r for r in views_metrics.metrics_by_quarter(fresh_db, "AMZN")}
    q1 = rows["2024Q1"]
    assert q1["revenue_source"] == "inline_xbrl"
    assert q1["operating_margin"] == pytest.approx(15_307 / 143_313, abs=5e-5)  # 4 places
    assert q1["capex"] == 14_900e6 and q1["capex_source"] == "release_text"  # reported > derived
    assert q1["capex_disagree"] is True
    assert rows["2023Q4"]["employees"] == 1_525_000
    margin = views_metrics.metric_series(fresh_db, "AMZN", "operating_margin")
    assert [m["quarter"] for m in margin] == ["2024Q1"]


def test_a_10k_q4_beats_the_release_text_in_the_app_as_in_the_scorer(fresh_db: Store) -> None:
    """The issue's case: Q4 capex read from a release vs derived from the 10-K (FY - 9M)."""
    from claims.metrics import MetricSeries
    from claimtracker.quarters import FiscalQuarter

    fresh_db.con.execute(
        "INSERT INTO companies (cik, ticker, name, fiscal_year_end) "
        "VALUES (1018724, 'AMZN', 'AMAZON COM INC', '1231')")
    rows = [("fy", "2024-01-01", 12, 83_000e6, "inline_xbrl"),
            ("9m", "2024-01-01", 9, 55_000e6, "inline_xbrl"),
            ("q4r", "2024-10-01", 3, 27_900e6, "release_text"),
            ("q3c", "2024-07-01", 3, 22_600e6, "companyfacts"),
            ("q3r", "2024-07-01", 3, 22_500e6, "release_text")]
    for fid, start, months, value, source in rows:
        end = "2024-12-31" if fid in ("fy", "q4r") else "2024-09-30"
        fresh_db.con.execute(
            "INSERT INTO facts (fact_id, cik, concept, metric, value, unit, period_start, "
            "period_end, fiscal_year, fiscal_quarter, duration_months, source, derived) VALUES "
            "(?, 1018724, 'us-gaap:PaymentsToAcquireProductiveAssets', 'capex', ?, 'USD', "
            "CAST(? AS DATE), CAST(? AS DATE), 2024, ?, ?, ?, false)",
            [fid, value, start, end, 4 if end.endswith("12-31") else 3, months, source])
    page = {r["quarter"]: r for r in views_metrics.metrics_by_quarter(fresh_db, "AMZN")}
    chart = {p["quarter"]: p for p in views_metrics.metric_series(fresh_db, "AMZN", "capex")}
    scorer = MetricSeries(fresh_db, "AMZN")
    assert page["2024Q4"]["capex"] == 28_000e6 == chart["2024Q4"]["value"]
    assert page["2024Q4"]["capex_source"] == "inline_xbrl (derived)"
    assert scorer.change("capex", FiscalQuarter(2024, 4), "up")["value"] == 28_000e6
    assert page["2024Q4"]["capex_disagree"] is True  # the release's 27.9B stays visible
    # Between two reported values the release text beats companyfacts, in both.
    assert page["2024Q3"]["capex"] == 22_500e6 == chart["2024Q3"]["value"]
    assert scorer.change("capex", FiscalQuarter(2024, 3), "up")["value"] == 22_500e6


def test_md_escape_makes_markup_inert() -> None:
    hostile = ("<script>alert(1)</script> <img src=x onerror=alert(2)> **b** "
               "[l](javascript:x) :red[x] $x$")
    escaped = md_escape(hostile)
    assert "<" not in re.sub(r"\\<", "", escaped)
    assert "**" not in escaped and "](" not in escaped and ":red[" not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == hostile  # nothing lost, only escaped


def test_markdown_table_keeps_each_value_in_its_cell_and_inert() -> None:
    rows = [{"claim": "a|b", "statement": "<script>x</script>\nnext line", "n": None},
            {"claim": "plain", "statement": "**bold**", "n": 3}]
    lines = markdown_table(rows, ["claim", "statement", "n"]).splitlines()
    assert len(lines) == 4  # header, rule, one line per row: a newline cannot split a row
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines]
    assert all(len(row) == 3 for row in cells)
    assert re.sub(r"\\(.)", r"\1", cells[2][0]).strip() == "a|b"
    assert "<" not in re.sub(r"\\<", "", lines[2]) and "**" not in lines[3]


def test_sparkline_maps_scores_to_bar_heights() -> None:
    assert sparkline([-1.0, 0.0, 1.0, 5.0, -3.0]) == "▁▅██▁"
    assert sparkline([]) == ""


def test_highlight_marks_terms_and_escapes_the_rest() -> None:
    out = highlight("Trainium2 is <b>fully</b> subscribed", ["Trainium2", "subscribed"])
    assert out.startswith(":orange-background[**Trainium2**]")
    assert ":orange-background[**subscribed**]" in out
    assert "\\<b\\>" in out


def test_hit_counts_by_quarter_orders_quarters() -> None:
    hits = [{"fiscal_year": 2025, "fiscal_quarter": 3}, {"fiscal_year": 2024, "fiscal_quarter": 4},
            {"fiscal_year": 2025, "fiscal_quarter": 3}, {"fiscal_year": None}]
    assert views.hit_counts_by_quarter(hits) == [{"quarter": "2024Q4", "hits": 1},
                                                 {"quarter": "2025Q3", "hits": 2}]


def test_parse_progress_reads_tqdm_lines() -> None:
    chunk = ("enrich: sentences:  12%|#2        | 120/1000 [00:01<00:09]\r"
             "enrich: sentences:  47%|####")
    assert parse_progress(chunk) == (0.47, "enrich: sentences: 47%")
    assert parse_progress("Ingested 12 filings") is None


def test_update_runner_reports_tqdm_progress_and_summary(tmp_path) -> None:
    import sys

    from app_pages.updater import run_with_progress

    child = ("import time\nfrom tqdm import tqdm\n"
             "for _ in tqdm(range(40), desc='ingest', mininterval=0):\n    time.sleep(0.002)\n"
             "print('Ingested 40 filings')\n")
    seen: list[tuple[float, str]] = []
    tails: list[str] = []
    result = run_with_progress([sys.executable, "-c", child],
                               on_progress=lambda f, label: seen.append((f, label)),
                               on_line=tails.append)
    assert result.ok and result.summary == "Ingested 40 filings"
    assert seen and seen[-1] == (1.0, "ingest: 100%")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert tails[-1].endswith("Ingested 40 filings")
    failed = run_with_progress([sys.executable, "-c", "import sys; sys.exit(75)"],
                               on_progress=lambda *_: None, on_line=lambda _: None)
    assert failed.exit_code == 75 and not failed.ok


def test_highlight_matches_whole_words_only() -> None:
    from app_pages.common import query_terms

    terms = query_terms("demand for our custom AI chips")
    assert set(terms) == {"demand", "custom", "AI", "chips"}
    out = highlight("Your customers want Trainium chips for AI demand", terms)
    assert out == ("Your customers want Trainium :orange-background[**chips**] for "
                   ":orange-background[**AI**] :orange-background[**demand**]")
    assert ":orange-background[**Trainium2**]" in highlight("Trainium2 is sold out", ["Trainium"])


def test_one_source_link_rule_for_split_and_single_calls() -> None:
    split = ["/t/TSLA_3Q25_presentation.txt", "/t/TSLA_3Q25_qna.txt"]
    assert transcript_file(split, "qa") == "/t/TSLA_3Q25_qna.txt"
    assert transcript_file(list(reversed(split)), "prepared") == "/t/TSLA_3Q25_presentation.txt"
    assert transcript_file(["/t/GOOG_3Q25.txt"], "qa") == "/t/GOOG_3Q25.txt"
    assert transcript_file(None, "qa") is None
    url = "https://www.sec.gov/Archives/edgar/data/1018724/x.htm"
    assert source_link(url, split, "qa") == url
    assert source_link(None, split, "qa") == "/t/TSLA_3Q25_qna.txt"


def test_management_rule_in_sql_and_python_agree(fresh_db: Store) -> None:
    rows = [("management", "transcript"), ("analyst", "transcript"), (None, "transcript"),
            (None, "10-Q"), (None, "earnings_release"), ("operator", "transcript")]
    picked = {(r, d) for r, d in fresh_db.con.execute(
        f"SELECT role, doc_type FROM (VALUES {', '.join('(?, ?)' for _ in rows)}) "
        f"s(role, doc_type) WHERE {MANAGEMENT_SQL}", [v for row in rows for v in row]
    ).fetchall()}
    assert picked == {(r, d) for r, d in rows if is_management({"role": r, "doc_type": d})}
    assert picked == {("management", "transcript"), (None, "10-Q"), (None, "earnings_release")}
