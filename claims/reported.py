"""Whether a company had reported a fiscal quarter by a date, read from the DB's calls.

Why: a forecast naming a bare quarter ("1분기 매출은 줄어들 것", "the December quarter will
...") speaks of the first quarter not yet reported when the article was written. Micron
reports about three weeks after its quarter ends, others six: a fixed lag
(data/extraction.yaml `report_lag_days`) guesses wrong either way, and the DB knows. None
when the DB does not cover the period (no call for the quarter or the one before it), so the
caller falls back on the lag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from claimtracker.quarters import FiscalQuarter
from claimtracker.tickers import same_company_tickers


def quarter_reported(con: Any, ticker: str, quarter: FiscalQuarter, day: dt.date,
                     ) -> bool | None:
    """True when the company's call for `quarter` took place on or before `day`, False when
    it came later or when only the quarter before had been reported by then, None when the DB
    cannot tell."""
    if con is None or not ticker:
        return None
    try:
        rows = con.execute(
            "SELECT fiscal_year, fiscal_quarter, min(call_date) FROM calls "
            "WHERE list_contains(?, ticker) AND call_date IS NOT NULL "
            "AND fiscal_year IS NOT NULL AND fiscal_quarter IS NOT NULL GROUP BY 1, 2",
            [same_company_tickers(con, ticker)]).fetchall()
    except Exception:  # an old or empty DB: no calls table to read
        return None
    held = {FiscalQuarter(int(y), int(q)): d for y, q, d in rows}
    if quarter in held:
        return held[quarter] <= day
    before = held.get(quarter.shift(-1))
    return False if before is not None and before <= day else None
