"""Three-month values that filings imply but do not state: Q2 = 6M - 3M, Q4 = FY - 9M.

`missing_quarters` is the one rule for it, used here for XBRL facts of filings and by
`ingest.edgar.companyfacts` for EDGAR's companyfacts JSON.

Most companies report cash flows (capex) year-to-date only, and nobody files a Q4 10-Q, so
a quarter often exists only as the difference of two cumulative periods that start on the
same day. Those differences are stored as facts with `derived = TRUE` and the reported
periods in `evidence`; a stated three-month value always wins over a derived one.
Recomputed per company after each ingest run that wrote something for it.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar

from claimtracker.db import Store
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import fiscal_slot, fiscal_year_end_month, period_months

_XBRL_SOURCES = ("inline_xbrl", "xbrl_instance")
#: Cumulative periods within a fiscal year that a quarter is the difference of.
_CUMULATIVE_MONTHS = (6, 9, 12)


class Cumulative(Protocol):
    """A reported value's period: start (None for an instant), end and whole months."""

    @property
    def start(self) -> date | None: ...
    @property
    def end(self) -> date: ...
    @property
    def months(self) -> int | None: ...


C = TypeVar("C", bound=Cumulative)


def missing_quarters(values: Iterable[C]) -> list[tuple[C, C, date]]:
    """(shorter, longer, quarter start) for each three-month quarter `values` imply but do not
    state: two periods with the same start, three months apart, the longer one 6, 9 or 12
    months long, and no stated (or already derived) three-month value ending on its end.
    `values` are one series (one concept or metric, one unit), one value per period."""
    durations = sorted((v for v in values if v.start is not None),
                       key=lambda v: (v.end, v.start))
    quarter_ends = {v.end for v in durations if v.months == 3}
    by_start: dict[date, list[C]] = {}
    for v in durations:
        by_start.setdefault(v.start, []).append(v)  # type: ignore[arg-type]
    found = []
    for cumulative in by_start.values():
        for shorter, longer in itertools.pairwise(cumulative):
            if longer.months not in _CUMULATIVE_MONTHS or \
                    (longer.months or 0) - (shorter.months or 0) != 3:
                continue
            start = shorter.end + timedelta(days=1)
            if longer.end in quarter_ends or period_months(start, longer.end) != 3:
                continue
            found.append((shorter, longer, start))
            quarter_ends.add(longer.end)
    return found


@dataclass(frozen=True)
class _Reported:
    """The latest-filed XBRL value of one concept, unit and period."""

    concept: str
    metric: str
    value: float
    unit: str
    start: date
    end: date
    months: int
    accession: str | None
    source: str


def _flow_metrics() -> list[str]:
    """The catalogue's flow metrics stored in facts (revenue, capex, operating cash flow...)."""
    catalog = load_catalog()
    return [m for m in catalog.base_ids() if catalog.get(m).kind == "flow"]


def _fact_id(cik: int, concept: str, unit: str, start: date, end: date) -> str:
    key = f"derived|{cik}|{concept}|{unit}|{start}|{end}"
    return hashlib.sha1(key.encode()).hexdigest()[:24]


def _latest(rows: list[tuple]) -> dict[tuple, list[_Reported]]:
    """Per (concept, unit): per period the value of the most recently filed filing."""
    best: dict[tuple, tuple[tuple, _Reported]] = {}
    for concept, metric, value, unit, start, end, months, accession, source, filed in rows:
        key = (concept, unit, start, months)
        order = (filed or date.min, accession or "")
        if key not in best or order > best[key][0]:
            best[key] = (order, _Reported(concept, metric, value, unit, start, end, months,
                                          accession, source))
    series: dict[tuple, list[_Reported]] = {}
    for _, reported in best.values():
        series.setdefault((reported.concept, reported.unit), []).append(reported)
    return series


def derive_company(store: Store, cik: int) -> int:
    """Replace the company's derived quarters; return how many were written."""
    con = store.con
    fye = con.execute("SELECT fiscal_year_end FROM companies WHERE cik = ?", [cik]).fetchone()
    fye_month = fiscal_year_end_month(fye[0] if fye else None)
    rows = con.execute(
        "SELECT f.concept, f.metric, f.value, f.unit, f.period_start, f.period_end, "
        "f.duration_months, f.accession, f.source, fl.filed_date "
        "FROM facts f LEFT JOIN filings fl ON fl.accession = f.accession "
        "WHERE f.cik = ? AND NOT f.derived AND f.dimensions IS NULL AND f.period_start IS NOT NULL "
        "AND list_contains(?, f.metric) AND list_contains(?, f.source)",
        [cik, _flow_metrics(), list(_XBRL_SOURCES)],
    ).fetchall()
    derived: dict[str, tuple] = {}
    for values in _latest(rows).values():
        for shorter, longer, q_start in missing_quarters(values):
            q_end = longer.end
            year, quarter, _ = fiscal_slot(q_start, q_end, fye_month)
            fid = _fact_id(cik, longer.concept, longer.unit, q_start, q_end)
            evidence = (f"derived: {longer.months} months to {longer.end} "
                        f"({longer.accession}) minus {shorter.months} months to "
                        f"{shorter.end} ({shorter.accession})")
            derived[fid] = (fid, cik, longer.accession, longer.concept, longer.metric,
                            longer.value - shorter.value, longer.unit, None, q_start, q_end,
                            year, quarter, 3, None, longer.source, True, evidence)
    with store.transaction() as tx:
        tx.execute("DELETE FROM facts WHERE cik = ? AND derived AND list_contains(?, source)",
                   [cik, list(_XBRL_SOURCES)])
        for row in derived.values():
            tx.execute(
                "INSERT INTO facts (fact_id, cik, accession, concept, metric, value, unit, "
                "decimals, period_start, period_end, fiscal_year, fiscal_quarter, "
                "duration_months, dimensions, source, derived, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(row),
            )
    return len(derived)
