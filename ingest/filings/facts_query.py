"""`claimtracker facts`: reported numbers per fiscal quarter and year, one row per value.

The facts table keeps everything (year-to-date, trailing twelve months, segments, every
filing's comparatives). This view answers "what was capex in 2024 Q1": consolidated values
for three-month quarters and fiscal years (plus headcount instants), each period once per
source, preferring the metric's main concept and then the latest filing (restatements win).
"""

from __future__ import annotations

from typing import Any

from claimtracker.db import Store
from claimtracker.errors import InputError
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import fiscal_quarter_of, fiscal_year_end_month
from claimtracker.tickers import canonical_ticker
from ingest.filings.xbrl import concept_rank

#: Keys of `claimtracker facts --format json` objects (a contract: scripts rely on it).
FACT_KEYS = ("ticker", "metric", "concept", "fiscal_year", "fiscal_quarter", "period_start",
             "period_end", "value", "unit", "source", "accession")


def _is_fiscal_year(row: dict[str, Any], fye_month: int) -> bool:
    return row["duration_months"] == 12 and \
        fiscal_quarter_of(row["period_end"], fye_month).quarter == 4


def facts_for(store: Store, ticker: str, metric: str | None = None) -> list[dict[str, Any]]:
    """Quarterly (fiscal_quarter 1-4, three months) and annual (fiscal_quarter None) values."""
    stored = load_catalog().base_ids()
    if metric is not None and metric not in stored:
        raise InputError(f"unknown metric {metric!r}: use one of {', '.join(stored)} (the "
                         "reported metrics of data/metrics.yaml; ratios are derived from them).")
    ticker = canonical_ticker(store.con, ticker)  # one ticker per company: GOOGL -> GOOG
    company = store.con.execute(
        "SELECT cik, fiscal_year_end FROM companies WHERE upper(ticker) = upper(?)", [ticker]
    ).fetchone()
    if company is None:
        raise InputError(f"no company with ticker {ticker!r} in the DB: ingest its filings first "
                         "(claimtracker ingest --from-dir PATH).")
    cik, fye = company
    fye_month = fiscal_year_end_month(fye)
    cursor = store.con.execute(
        "SELECT f.metric, f.concept, f.fiscal_year, f.fiscal_quarter, f.period_start, "
        "f.period_end, f.value, f.unit, f.source, f.accession, f.duration_months, "
        "fl.filed_date, f.evidence, f.derived "
        "FROM facts f LEFT JOIN filings fl ON fl.accession = f.accession "
        "WHERE f.cik = ? AND f.metric IS NOT NULL AND f.dimensions IS NULL "
        "AND (? IS NULL OR f.metric = ?)",
        [cik, metric, metric],
    )
    columns = [d[0] for d in cursor.description]
    best: dict[tuple, dict[str, Any]] = {}
    for values in cursor.fetchall():
        row = dict(zip(columns, values, strict=True))
        quarterly = row["duration_months"] == 3
        annual = _is_fiscal_year(row, fye_month)
        instant = row["duration_months"] is None and row["metric"] == "employees"
        if not (quarterly or annual or instant):
            continue  # year-to-date and trailing-twelve-month values stay in the facts table
        if annual:
            row["fiscal_quarter"] = None
        source = row["source"]
        source_group = "xbrl" if source in ("inline_xbrl", "xbrl_instance") else source
        key = (row["metric"], row["period_start"], row["period_end"], source_group)
        rank = (concept_rank(row["concept"]), row["derived"], -_ordinal(row["filed_date"]),
                row["accession"] or "")
        if key not in best or rank < best[key]["_rank"]:
            row["_rank"] = rank
            best[key] = row
    rows = sorted(best.values(), key=lambda r: (
        r["metric"], r["fiscal_year"] or 0, r["fiscal_quarter"] or 5, r["period_end"], r["source"]
    ))
    return [{"ticker": ticker.upper(), **{k: r[k] for k in FACT_KEYS if k != "ticker"},
             "duration_months": r["duration_months"], "derived": r["derived"],
             "evidence": r["evidence"]} for r in rows]


def _ordinal(day: Any) -> int:
    return day.toordinal() if day is not None else 0


def render_facts(rows: list[dict[str, Any]]) -> str:
    """A plain table for people: one line per value."""
    if not rows:
        return "No facts."
    lines = [f"{'metric':<17}{'period':<9}{'start':<12}{'end':<12}{'value':>20}  "
             f"{'unit':<12}{'source':<13}accession"]
    for r in rows:
        quarter = f"Q{r['fiscal_quarter']}" if r["fiscal_quarter"] else " FY"
        period = f"{r['fiscal_year']}{quarter}"
        value = f"{r['value']:,.0f}"
        lines.append(
            f"{r['metric']:<17}{period:<9}{r['period_start'] or ''!s:<12}{r['period_end']!s:<12}"
            f"{value:>20}  {(r['unit'] or ''):<12}{r['source']:<13}{r['accession'] or ''}"
        )
    return "\n".join(lines)
