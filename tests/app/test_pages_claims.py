"""The Claims and Metrics pages rendered by Streamlit's AppTest over the DB built from ../shared.

The numbers a page shows are compared with direct SQL on the same DB (not with the app's
own read model), so a wrong join or filter in the read models shows up here.
"""

from __future__ import annotations

import re
import shutil

import pytest
from pages_util import APP, ARTICLE, chart_data, frame_with, markdown_table, render, sql, texts
from streamlit.testing.v1 import AppTest

from app_pages.common import md_escape
from claims.render import VERDICT_MARKS, VERDICT_STYLE
from claimtracker.db import Store

pytestmark = pytest.mark.slow


# -- Claims --------------------------------------------------------------------------------------
def test_claims_page_lists_every_claim_with_its_timeline(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path)
    article_box = next(s for s in at.selectbox if s.label == "Article")
    assert article_box.value == ARTICLE
    table = markdown_table(at, "claim", "statement", "timeline", "trend")
    expected = dict(sql(scored_db_path, "SELECT claim_id, statement FROM claims "
                        "WHERE article_id = ?", [ARTICLE]))
    assert dict(zip(table["claim"], table["statement"], strict=True)) == expected
    assert {"robots-deployed", "own-chips-deployed", "capex-burden"} <= set(expected)
    marks = VERDICT_MARKS  # claims.render owns how a verdict looks
    for claim_id, timeline, latest, trend in zip(
            table["claim"], table["timeline"], table["latest"], table["trend"], strict=True):
        scored = sql(
            scored_db_path,
            "SELECT verdict, score FROM claim_scores WHERE article_id = ? AND claim_id = ? "
            "AND ticker = 'AMZN' ORDER BY fiscal_year, fiscal_quarter", [ARTICLE, claim_id])
        recent = scored[-8:]  # the overview shows the last 8 scored quarters
        assert timeline == "".join(marks[v] for v, _ in recent), claim_id
        # Seed claims name no quarter: "latest" answers with the newest discussed quarter.
        discussed = [v for v, _ in scored if v != "not_discussed"]
        # ("🟩 supported (2025Q3)": the verdict's name as claims.render labels it)
        name = latest.split(" ", 1)[1].rsplit(" (", 1)[0]
        assert name == VERDICT_STYLE[(discussed or [scored[-1][0]])[-1]].label, claim_id
        # The sparkline has one bar per quarter, higher for a clearly higher score.
        levels = ["▁▂▃▄▅▆▇█".index(ch) for ch in trend]
        assert len(levels) == len(recent), claim_id
        for (_, a), (_, b), la, lb in zip(recent, recent[1:], levels, levels[1:], strict=False):
            if b - a > 0.3:
                assert lb > la, (claim_id, a, b, trend)


def test_claim_view_shows_verdict_and_evidence_of_the_quarter(monkeypatch,
                                                              scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, claim="own-chips-deployed", quarter="2025Q3")
    assert next(s for s in at.selectbox if s.label == "Claim").value == "own-chips-deployed"
    assert next(s for s in at.selectbox if s.label == "Quarter").value == "2025Q3"
    ((verdict, score),) = sql(
        scored_db_path,
        "SELECT verdict, score FROM claim_scores WHERE article_id = ? AND claim_id = ? "
        "AND ticker = 'AMZN' AND fiscal_year = 2025 AND fiscal_quarter = 3",
        [ARTICLE, "own-chips-deployed"])
    (label,) = [e.label for e in at.expander]
    assert label.startswith("2025Q3") and verdict in label and f"({score:+.2f})" in label
    evidence = sql(
        scored_db_path,
        "SELECT s.text, s.role FROM claim_evidence e JOIN sentences s USING (sentence_id) "
        "WHERE e.article_id = ? AND e.claim_id = ? AND e.fiscal_year = 2025 "
        "AND e.fiscal_quarter = 3 AND e.ticker = 'AMZN' ORDER BY e.rank",
        [ARTICLE, "own-chips-deployed"])
    assert evidence, "the scorer stored no evidence for Trainium in 2025Q3"
    shown = "\n".join(texts(at, "markdown"))
    for text, role in evidence:
        assert md_escape(text) in shown
        assert role != "analyst"
    everything = (shown + "\n".join(texts(at, "caption"))).replace("\\", "")
    assert "fully subscribed" in everything  # as evidence or as its context
    assert any("EDGAR" in c or ".txt`" in c for c in texts(at, "caption"))
    assert at.query_params["claim"] in ("own-chips-deployed", ["own-chips-deployed"])


def test_metric_claim_charts_its_scores_and_the_reported_metric(monkeypatch,
                                                                scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, claim="margin-expansion")
    scores = chart_data(at, "Score by quarter")
    expected = sql(scored_db_path,
                   "SELECT fiscal_year, fiscal_quarter, verdict, score FROM claim_scores "
                   "WHERE article_id = ? AND claim_id = 'margin-expansion' AND ticker = 'AMZN' "
                   "ORDER BY fiscal_year, fiscal_quarter", [ARTICLE])
    assert list(scores["quarter"]) == [f"{y}Q{q}" for y, q, _, _ in expected]
    assert list(scores["verdict"]) == [v for _, _, v, _ in expected]
    assert list(scores["score"]) == pytest.approx([sc for _, _, _, sc in expected])
    margin = chart_data(at, "Reported operating_margin").set_index("quarter")["value"]
    assert set(margin.index) <= set(scores["quarter"])
    ((revenue, income),) = sql(
        scored_db_path,
        "SELECT max(value) FILTER (metric = 'revenue'), max(value) FILTER "
        "(metric = 'operating_income') FROM facts WHERE fiscal_year = 2024 AND "
        "fiscal_quarter = 1 AND source = 'inline_xbrl' AND dimensions IS NULL "
        "AND duration_months = 3 AND cik = 1018724")
    assert margin["2024Q1"] == pytest.approx(income / revenue, abs=5e-5)  # 4 places


def test_untrusted_sentence_is_shown_as_text(monkeypatch, scored_db_path, tmp_path) -> None:
    hostile = ("<script>alert('x')</script> Trainium <img src=x onerror=alert(1)> "
               "**bold** [click](javascript:alert(2)) :red[red]")
    db = tmp_path / "hostile.duckdb"
    shutil.copy(scored_db_path, db)
    with Store.open(db) as store:
        store.con.execute(
            "UPDATE sentences SET text = ? WHERE sentence_id = (SELECT sentence_id FROM "
            "claim_evidence WHERE article_id = ? AND claim_id = 'own-chips-deployed' "
            "AND fiscal_year = 2025 AND fiscal_quarter = 3 ORDER BY rank LIMIT 1)",
            [hostile, ARTICLE])
    at = render(monkeypatch, db, claim="own-chips-deployed", quarter="2025Q3")
    (shown,) = [m for m in texts(at, "markdown") if "onerror" in m]
    assert "\\<script\\>" in shown and "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in shown
    assert "<script" not in shown.replace("\\<", "") and "](" not in shown
    assert re.sub(r"\\(.)", r"\1", shown).endswith(hostile)  # every character still there


def test_claims_show_alert_counts_linking_to_the_alerts_page(monkeypatch, scored_db_path,
                                                             tmp_path) -> None:
    """Each claim's verdict-flip alerts are counted in the overview (as stored), and the
    claim's view links to the Alerts page filtered to that company, kind and claim."""
    from alerts.engine import raise_alerts

    db = tmp_path / "alerted.duckdb"
    shutil.copy(scored_db_path, db)
    with Store.open(db) as store:
        raise_alerts(store)
    expected = dict(sql(db, "SELECT split_part(subject, '/', 2), count(*) FROM alerts "
                        "WHERE kind = 'verdict_flip' AND ticker = 'AMZN' AND subject LIKE ? "
                        "GROUP BY ALL", [ARTICLE + "/%"]))
    assert expected, "no verdict flips raised on the seed ledger"
    claim = max(expected, key=lambda c: (expected[c], c))
    at = render(monkeypatch, db, claim=claim)
    table = markdown_table(at, "claim", "alerts")
    shown = dict(zip(table["claim"], table["alerts"], strict=True))
    assert shown == {c: str(expected.get(c, 0)) for c in shown}
    link = f"/alerts?ticker=AMZN&kind=verdict_flip&claim={ARTICLE}%2F{claim}"
    assert any(link in t and f"{expected[claim]} verdict-flip" in t
               for t in texts(at, "markdown"))
    # As the browser opens the link: straight onto the Alerts page with its params (the
    # shell's ?page= routing; render() would run the Claims page first, which rewrites them).
    page = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"page": "alerts", "ticker": "AMZN", "kind": "verdict_flip",
                       "claim": f"{ARTICLE}/{claim}"}.items():
        page.query_params[key] = value
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    titles = [t for t in texts(page, "markdown") if t.startswith("**AMZN")]
    assert len(titles) == expected[claim]
    assert all(md_escape(claim) in t for t in titles)


# -- Metrics -------------------------------------------------------------------------------------
def test_metrics_page_matches_reported_facts(monkeypatch, shared_db_path) -> None:
    at = render(monkeypatch, shared_db_path, "metrics", ticker="AMZN")
    table = frame_with(at, "quarter", "revenue ($B)").set_index("quarter")
    rows = sql(
        shared_db_path,
        "SELECT f.metric, f.value FROM facts f JOIN companies c USING (cik) "
        "WHERE c.ticker = 'AMZN' AND f.fiscal_year = 2024 AND f.fiscal_quarter = 1 "
        "AND f.duration_months = 3 AND f.dimensions IS NULL AND f.source = 'inline_xbrl' "
        "AND f.metric IN ('revenue', 'operating_income')")
    facts = dict(rows)
    # Amazon's 10-Q for Q1 2024: net sales $143,313M, operating income $15,307M.
    assert facts["revenue"] == pytest.approx(143_313e6)
    assert table.loc["2024Q1", "revenue ($B)"] == pytest.approx(facts["revenue"] / 1e9)
    assert table.loc["2024Q1", "operating income ($B)"] == pytest.approx(
        facts["operating_income"] / 1e9)
    assert table.loc["2024Q1", "operating margin (%)"] == pytest.approx(
        100 * facts["operating_income"] / facts["revenue"], abs=0.005)  # the scorer's 4 places
    assert "revenue: inline_xbrl" in table.loc["2024Q1", "sources"]
    assert list(table.index) == sorted(table.index)
