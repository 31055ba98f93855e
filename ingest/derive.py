"""Three-month values that filings imply but do not state: Q2 = 6M - 3M, Q4 = FY - 9M.

Most companies report cash flows (capex) year-to-date only, and nobody files a Q4 10-Q, so
a quarter often exists only as the difference of two cumulative periods that start on the
same day. Those differences are stored as facts with `derived = TRUE` and the reported
periods in `evidence`; a stated three-month value always wins over a derived one.
Recomputed per company after each ingest run that wrote something for it.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from claimtracker.db import Store
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import fiscal_year_end_month
from ingest.filing_parse import fiscal_slot

_XBRL_SOURCES = ("inline_xbrl", "xbrl_instance")


def _flow_metrics() -> list[str]:
    """The catalogue's flow metrics stored in facts (revenue, capex, operating cash flow...)."""
    catalog = load_catalog()
    return [m for m in catalog.base_ids() if catalog.get(m).kind == "flow"]


def _fact_id(cik: int, concept: str, unit: str, start: date, end: date) -> str:
    key = f"derived|{cik}|{concept}|{unit}|{start}|{end}"
    return hashlib.sha1(key.encode()).hexdigest()[:24]


def _latest(rows: list[tuple]) -> dict[tuple, dict[str, Any]]:
    """Per (concept, unit, start, months): the value of the most recently filed filing."""
    best: dict[tuple, dict[str, Any]] = {}
    for concept, metric, value, unit, start, end, months, accession, source, filed in rows:
        key = (concept, unit, start, months)
        order = (filed or date.min, accession or "")
        if key not in best or order > best[key]["order"]:
            best[key] = {"concept": concept, "metric": metric, "value": value, "unit": unit,
                         "start": start, "end": end, "months": months, "accession": accession,
                         "source": source, "order": order}
    return best


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
    best = _latest(rows)
    stated = {(v["concept"], v["unit"], v["end"]) for v in best.values() if v["months"] == 3}
    derived: dict[str, tuple] = {}
    for (concept, unit, start, months), longer in best.items():
        shorter = best.get((concept, unit, start, months - 3)) if months in (6, 9, 12) else None
        if shorter is None or (concept, unit, longer["end"]) in stated:
            continue
        q_start = shorter["end"] + timedelta(days=1)
        q_end = longer["end"]
        year, quarter, duration = fiscal_slot(q_start, q_end, fye_month)
        if duration != 3:
            continue
        fid = _fact_id(cik, concept, unit, q_start, q_end)
        evidence = (f"derived: {longer['months']} months to {longer['end']} "
                    f"({longer['accession']}) minus {shorter['months']} months to "
                    f"{shorter['end']} ({shorter['accession']})")
        derived[fid] = (fid, cik, longer["accession"], concept, longer["metric"],
                        longer["value"] - shorter["value"], unit, None, q_start, q_end, year,
                        quarter, 3, None, longer["source"], True, evidence)
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
