"""The app in Korean (`?lang=ko` or the sidebar switch) and in English (the default), rendered
by AppTest over the scored shared-data DB: the app's own words change, the data does not.
"""

from __future__ import annotations

import re

import pytest
from pages_util import ARTICLE, frame_with, markdown_table, render, sql, texts
from streamlit.testing.v1 import AppTest

from app_pages.i18n import load_labels
from claimtracker.metric_catalog import load_catalog

pytestmark = pytest.mark.slow

HANGUL = re.compile("[\uac00-\ud7a3]")
WIDGETS = ("selectbox", "multiselect", "text_input", "text_area", "number_input", "toggle",
           "radio", "select_slider", "button", "date_input")


def ko(key: str) -> str:
    return load_labels()[key]["ko"]


def widget_labels(at: AppTest) -> list[str]:
    return [str(w.label) for kind in WIDGETS for w in getattr(at, kind)]


def headings(at: AppTest) -> list[str]:
    return texts(at, "title") + texts(at, "header") + texts(at, "subheader")


def test_claims_page_in_korean_keeps_the_data(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, lang="ko", article=ARTICLE,
                claim="own-chips-deployed", quarter="2025Q3")
    assert at.title[0].value == "주장"
    labels = widget_labels(at)
    assert {"글", "주장", "분기", "언어"} <= set(labels)
    assert all(HANGUL.search(label) for label in labels), labels
    assert {"주장과 분기별 판정", "분기별 근거"} <= set(headings(at))
    assert not any(HANGUL.search(h) is None for h in headings(at)[1:]), headings(at)
    # The overview: Korean headers, the claims' own ids and statements unchanged.
    table = markdown_table(at, "주장", "내용", "최신 판정", "타임라인", "추세")
    expected = dict(sql(scored_db_path, "SELECT claim_id, statement FROM claims "
                        "WHERE article_id = ?", [ARTICLE]))
    assert dict(zip(table["주장"], table["내용"], strict=True)) == expected
    verdicts_ko = {ko(f"verdict.{v}") for v in
                   ("supported", "mixed", "contradicted", "not_discussed")}
    for latest in table["최신 판정"]:
        name = re.sub(r"^\S+ | \(\d{4}Q\d\)$", "", latest)
        assert name in verdicts_ko, latest
    # The quarter's verdict in Korean; the evidence sentences are the stored English ones.
    ((verdict,),) = [sql(scored_db_path,
                         "SELECT verdict FROM claim_scores WHERE article_id = ? AND claim_id = "
                         "'own-chips-deployed' AND ticker = 'AMZN' AND fiscal_year = 2025 "
                         "AND fiscal_quarter = 3", [ARTICLE])[0]]
    (label,) = [e.label for e in at.expander]
    assert label.startswith("2025Q3") and ko(f"verdict.{verdict}") in label and "문장" in label
    shown = "\n".join(texts(at, "markdown")).replace("\\", "")
    assert "fully subscribed" in shown or "Trainium" in shown
    assert at.query_params["lang"] in ("ko", ["ko"])  # a shared link keeps the language


def test_english_is_the_default_with_no_korean_label(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, article=ARTICLE)
    assert at.title[0].value == "Claims"
    assert {"Article", "Claim", "Quarter", "Language"} <= set(widget_labels(at))
    assert not [x for x in widget_labels(at) + headings(at) if HANGUL.search(x)]
    assert not [c for c in texts(at, "caption") + texts(at, "info") if HANGUL.search(c)
                and ARTICLE not in c]  # (the seed article's own title is Korean)
    switch = at.sidebar.radio[0]
    assert switch.value == "en" and "lang" not in at.query_params


def test_the_sidebar_switch_changes_language_and_keeps_it_across_pages(monkeypatch,
                                                                       scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, article=ARTICLE)
    at.sidebar.radio[0].set_value("ko").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "주장" and at.query_params["lang"] in ("ko", ["ko"])
    at.switch_page("app_pages/search.py").run()
    assert at.title[0].value == "검색"
    assert at.text_input[0].label == ko("search.query")
    doc = next(s for s in at.selectbox if s.label == ko("search.document"))
    assert doc.value == "any" and ko("doc_type.transcript") in doc.options  # values stay English
    assert at.caption[0].value == ko("search.empty")
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Search" and "lang" not in at.query_params


def test_topics_table_in_korean_has_the_same_numbers(monkeypatch, scored_db_path) -> None:
    english = frame_with(render(monkeypatch, scored_db_path, "topics", ticker="AMZN"),
                         "topic", "first", "last")
    at = render(monkeypatch, scored_db_path, "topics", ticker="AMZN", lang="ko")
    korean = frame_with(at, "주제", "첫 언급", "마지막 언급")
    assert list(korean.columns) == [ko(f"topics.col.{c}") for c in (
        "topic", "first", "last", "quarters", "sentences", "went_quiet", "quiet_quarters",
        "description")]
    assert korean.iloc[:, :5].values.tolist() == english.iloc[:, :5].values.tolist()
    assert at.title[0].value == "주제" and {"기업", "컨퍼런스콜만"} <= set(widget_labels(at))
    assert "경영진 문장" in at.caption[0].value


def test_metrics_and_data_pages_in_korean(monkeypatch, scored_db_path) -> None:
    at = render(monkeypatch, scored_db_path, "metrics", ticker="AMZN", lang="ko")
    assert at.title[0].value == "지표"
    revenue = f"{load_catalog().get('revenue').aliases['ko'][0]} (십억 달러)"  # 매출
    table = frame_with(at, "분기", revenue, "영업이익률 (%)", "출처")
    english = frame_with(render(monkeypatch, scored_db_path, "metrics", ticker="AMZN"),
                         "quarter", "revenue ($B)")
    assert table[revenue].fillna(-1).tolist() == english["revenue ($B)"].fillna(-1).tolist()
    assert [m.label.split()[0] for m in at.metric] == ["매출", "영업이익", "영업이익률", "설비투자"]

    at = render(monkeypatch, scored_db_path, "data", lang="ko")
    assert at.title[0].value == "데이터"
    counts = {m.label: m.value for m in at.metric}
    ((filings, calls),) = sql(scored_db_path, "SELECT (SELECT count(*) FROM filings), "
                              "(SELECT count(*) FROM calls)")
    assert counts["공시"] == f"{filings:,}" and counts["컨퍼런스콜"] == f"{calls:,}"
    assert ko("data.runs") in headings(at)
    assert all(HANGUL.search(label) for label in widget_labels(at)), widget_labels(at)
