"""One rule for quarters that are only implied (Q4 = FY - 9M) and one for a period's fiscal slot,
whether the numbers come from a filing's XBRL or from EDGAR's companyfacts JSON.

Numbers are Alphabet's and Apple's as filed (../shared/edgar).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from claimtracker.db import Store
from claimtracker.quarters import (
    FiscalQuarter,
    event_quarter,
    fiscal_slot,
    normalise_fye,
    periodic_quarter,
)
from ingest.edgar.companyfacts import derive_quarters, reported_values

ALPHABET_FACTS = Path("mirror/data.sec.gov/api/xbrl/companyfacts/CIK0001652044.json")


@pytest.fixture(scope="module")
def filings_db(shared_db_path: Path):
    store = Store.open(shared_db_path, read_only=True)
    yield store
    store.close()


def test_filings_and_companyfacts_derive_the_same_quarters(filings_db: Store) -> None:
    rows = filings_db.con.execute(
        "SELECT c.cik, c.metric, c.period_start, c.period_end, c.value, c.fiscal_year, "
        "c.fiscal_quarter, x.value, x.fiscal_year, x.fiscal_quarter "
        "FROM facts c JOIN facts x ON x.cik = c.cik AND x.metric = c.metric "
        "AND x.period_start = c.period_start AND x.period_end = c.period_end "
        "WHERE c.source = 'companyfacts' AND c.derived AND x.derived "
        "AND x.source IN ('inline_xbrl', 'xbrl_instance') AND x.dimensions IS NULL"
    ).fetchall()
    # Apple's and Alphabet's 10-Ks and companyfacts overlap on fourth quarters (and some Q3s).
    assert {cik for cik, *_ in rows} == {320193, 1652044}
    assert len(rows) >= 20
    for cik, metric, start, end, value, year, quarter, x_value, x_year, x_quarter in rows:
        assert (value, year, quarter) == (x_value, x_year, x_quarter), (cik, metric, start, end)
    # Alphabet capex FY2023 $32,251M minus nine months $21,232M.
    capex_q4 = [r for r in rows if r[0] == 1652044 and r[1] == "capex" and r[3].year == 2023
                and r[6] == 4]
    assert [r[4] for r in capex_q4] == [11_019_000_000]


def test_companyfacts_derives_only_quarters_nobody_stated(edgar_dir: Path) -> None:
    doc = json.loads((edgar_dir / ALPHABET_FACTS).read_bytes())
    values = reported_values(doc, "capex")
    derived = derive_quarters(values)
    stated_ends = {v.end for v in values if v.months == 3}
    assert derived and all(d.end not in stated_ends for d in derived)
    assert len({d.end for d in derived}) == len(derived)  # one value per quarter
    by_period = {(v.start, v.end): v for v in values}
    for quarter in derived:
        longer = next(v for v in values if v.end == quarter.end and v.months in (6, 9, 12)
                      and (v.start, date.fromordinal(quarter.start.toordinal() - 1)) in by_period)
        shorter = by_period[(longer.start, date.fromordinal(quarter.start.toordinal() - 1))]
        assert quarter.months == 3 and quarter.derived
        assert quarter.value == longer.value - shorter.value


def test_fiscal_slot_of_52_53_week_periods_and_instants() -> None:
    # Apple (fiscal year ends late September): 2022-06-26 .. 2022-09-24 is fiscal 2022 Q4.
    assert fiscal_slot(date(2022, 6, 26), date(2022, 9, 24), 9) == (2022, 4, 3)
    assert fiscal_slot(date(2021, 9, 26), date(2022, 9, 24), 9) == (2022, None, 12)
    # A headcount at a quarter end belongs to that quarter, at the year end to the year only.
    assert fiscal_slot(None, date(2023, 7, 1), 9) == (2023, 3, None)
    assert fiscal_slot(None, date(2023, 9, 30), 9) == (2023, None, None)
    assert fiscal_slot(None, None, 12) == (None, None, None)


def test_filing_quarters_from_fiscal_focus_or_dates() -> None:
    assert periodic_quarter("10-K", "2023", "FY", date(2023, 12, 31)) == FiscalQuarter(2023, 4)
    assert periodic_quarter("10-Q", "2023", "Q3", None, 9) == FiscalQuarter(2023, 3)
    # No focus: from the period end; a 10-K is always the fourth quarter.
    assert periodic_quarter("10-Q", None, None, date(2023, 7, 1), 9) == FiscalQuarter(2023, 3)
    assert periodic_quarter("10-K", "", "", date(2023, 9, 30), 9) == FiscalQuarter(2023, 4)
    assert periodic_quarter("10-Q", None, None, None) is None
    # An 8-K without results: the quarter it was filed in (Apple, filed 2023-08-03 -> Q4).
    assert event_quarter(date(2023, 8, 3), 9) == FiscalQuarter(2023, 4)


@pytest.mark.parametrize(("text", "mmdd"), [
    ("--12-31", "1231"), ("--09-30", "0930"), ("December 31", "1231"), ("Sep 30", "0930"),
    ("12/31", "1231"), ("0928", "0928"), ("", None), ("not a date", None),
])
def test_fiscal_year_end_forms(text: str, mmdd: str | None) -> None:
    assert normalise_fye(text) == mmdd


def test_source_file_digests_are_the_files_sha256(filings_db: Store) -> None:
    rows = filings_db.con.execute(
        "SELECT path, sha256 FROM source_files WHERE status = 'parsed' AND size > 1000000"
    ).fetchall()
    assert rows  # the big submissions are hashed in chunks, never read whole for it
    for path, digest in rows[:3]:
        assert digest == hashlib.sha256(Path(path).read_bytes()).hexdigest()
