"""The peer view: one metric across companies, on the calendar quarter each period ends in."""

from __future__ import annotations

import math

from pages_util import frame_with, render, sql

from claimtracker.db import Store
from pipeline.views_peers import peer_attention, peer_metric


def test_metric_across_companies_lines_up_calendar_quarters(monkeypatch,
                                                            scored_db_path) -> None:
    with Store.open(scored_db_path, read_only=True) as store:
        rows = peer_metric(store, "revenue", ["AMZN", "AAPL"])
    apple = [r for r in rows if r["ticker"] == "AAPL"]
    assert apple and {r["ticker"] for r in rows} == {"AMZN", "AAPL"}
    # Apple's fiscal year ends in September: its fiscal Q1 is the calendar quarter Oct-Dec.
    for r in apple:
        year, fiscal_q = int(r["fiscal_quarter"][:4]), int(r["fiscal_quarter"][-1])
        calendar_year = year - 1 if fiscal_q == 1 else year
        assert r["calendar_quarter"] == f"CY{calendar_year}Q{(fiscal_q + 2) % 4 + 1}"
    at = render(monkeypatch, scored_db_path, "peers", metric="revenue", ticker="AMZN")
    at.multiselect(key="peer_tickers").set_value(["AMZN", "AAPL"]).run()
    table = at.dataframe[0].value
    assert set(table.columns) == {"AMZN", "AAPL"}
    for r in rows:
        shown = table.loc[r["calendar_quarter"], r["ticker"]]
        assert math.isclose(shown, r["value"], rel_tol=1e-9)
    assert at.query_params["ticker"] == ["AMZN", "AAPL"]  # the view is in the URL


def test_topic_attention_is_the_share_of_management_sentences(monkeypatch,
                                                              scored_db_path) -> None:
    (topic,) = sql(scored_db_path, "SELECT topic FROM mentions GROUP BY 1 "
                                   "ORDER BY count(*) DESC LIMIT 1")[0]
    with Store.open(scored_db_path, read_only=True) as store:
        rows = peer_attention(store, topic, ["AMZN"])
    assert rows and all(0 <= r["share"] <= 1 for r in rows)
    busiest = max(rows, key=lambda r: r["mentioning"])
    assert busiest["mentioning"] > 0
    at = render(monkeypatch, scored_db_path, "peers", topic=topic, ticker="AMZN")
    table = frame_with(at, "AMZN")
    assert math.isclose(table.loc[busiest["calendar_quarter"], "AMZN"], busiest["share"])
