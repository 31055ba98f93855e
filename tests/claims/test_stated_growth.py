"""The YoY change management states, for companies and segments without an XBRL series:
sentences verbatim from Micron, Intel, AMD and NVIDIA calls in ../shared/transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.compare import _stated_quarter, company_of
from claims.stated_growth import STATED_FILE, load_stated_rules, metric_names, read_yoy
from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import FiscalQuarter


def _yoy(metric: str, ticker: str, text: str) -> float | None:
    catalog = load_catalog()
    level, names = metric_names(catalog.get(metric), ticker)
    return read_yoy(text, names, load_stated_rules(),
                    company_wide=not catalog.get(level).is_segment)


@pytest.mark.parametrize("metric, ticker, text, expected", [
    ("revenue", "MU", "Revenue was up 2% sequentially and down 42% year-over-year.", -42.0),
    ("revenue", "MU", "Total fiscal second quarter revenue was $5.8 billion, down 21% from the "
                      "prior year and down 26% from the fiscal first quarter.", -21.0),
    ("revenue_growth", "INTC", "Total revenue of $16.1 billion was flat year-over-year, as our "
                               "PC-centric business grew 4% and our data-centric businesses "
                               "were down 5%.", 0.0),
    ("revenue", "INTC", "Revenue came in at $19.8 billion, up 23% year-on-year and $800 million "
                        "higher than guide.", 23.0),
    ("data_center_revenue", "INTC", "Data Center Group revenue was up 24% year-over-year.", 24.0),
    # a segment's figure is not the company's
    ("revenue", "AMD", "Computing and Graphics segment revenue was $958 million, up 60% "
                       "year-over-year due to strong sales of our Radeon graphics and Ryzen "
                       "desktop processors.", None),
    ("revenue", "MU", "Revenue for the Compute and Networking Business Unit was $2.1 billion, "
                      "down 48% year-over-year and 13% from the prior quarter.", None),
    ("revenue", "MU", "DRAM revenue declined 45% year-over-year and 19% sequentially from the "
                      "fiscal second quarter.", None),
    ("revenue", "INTC", "PC-centric revenue was down 5% year-on-year on a very tough compare.",
     None),
    # an outlook is not a result
    ("revenue", "INTC", "With products spanning from the data center to the edge, we expect to "
                        "generate more than $3.5 billion in AI-driven data-centric revenue in "
                        "2019, up more than 20% year-over-year.", None),
])
def test_stated_yoy(metric: str, ticker: str, text: str, expected: float | None) -> None:
    assert _yoy(metric, ticker, text) == expected


def test_quarters_align_by_calendar_and_companies_without_filings_are_known() -> None:
    # Micron's fiscal year ends in August: its 2019Q4 ends in CY2019Q3
    assert _stated_quarter(8, "CY2019Q3") == FiscalQuarter(2019, 4)
    assert _stated_quarter(12, "CY2019Q3") == FiscalQuarter(2019, 3)
    # NVIDIA, whose year ends in January: its fiscal 2019Q3 ends in October 2018
    assert _stated_quarter(1, "CY2018Q4") == FiscalQuarter(2019, 3)


def test_company_of_falls_back_on_the_company_book(tmp_path: Path) -> None:
    from claimtracker.db import Store

    store = Store.open(tmp_path / "empty.duckdb")
    micron = company_of(store, "MU")
    assert micron is not None and (micron.cik, micron.fye_month) == (723125, 8)
    assert company_of(store, "ZZZZ") is None


def test_rules_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "stated_growth.yaml"
    bad.write_text(STATED_FILE.read_text().replace("window_words: 9", "window_words: nine"))
    with pytest.raises(ConfigError, match=r"stated_growth.yaml:\d+: `window_words` must be"):
        load_stated_rules(bad)
