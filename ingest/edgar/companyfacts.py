"""Quarterly numbers from EDGAR's companyfacts JSON, for quarters whose documents we lack.

companyfacts holds every value a company ever tagged, period by period. Income statement
lines come as three-month values, but cash-flow lines (capex) come only year-to-date
(3, 6, 9, 12 months), and fourth quarters are rarely tagged at all. We keep, per metric and
period, the latest-filed value (restatements win), then derive the missing quarters from
cumulative periods with the same start: Q2 = 6M - 3M, Q3 = 9M - 6M, Q4 = FY - 9M, by the rule
filings use too (`ingest.filings.derive.missing_quarters`). Derived rows carry derived=TRUE.
Fiscal year and quarter come from `claimtracker.quarters.fiscal_slot`, as for filings' facts.

Rows are replaced per company in one transaction (source='companyfacts'), so a rerun with
the same JSON changes nothing. The live sync fetches the JSON; `ingest --from-dir` merges the
files it finds (`merge_companyfacts_file`). Concepts per metric come from data/metrics.yaml.
Their fact_id hashes (source, cik, metric, period, unit): one row per metric and period,
whichever concept supplied it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from claimtracker.db import Store
from claimtracker.errors import InputError
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import fiscal_slot, fiscal_year_end_month, period_months
from ingest.filings.derive import missing_quarters
from ingest.filings.writer import upsert_company

SOURCE = "companyfacts"
_ROW = "(" + ", ".join("?" * 14) + ")"
_ROWS_PER_STATEMENT = 500

#: metric -> concepts, most preferred first (companies switch concepts over the years); the
#: metric catalogue (data/metrics.yaml) owns the lists.
METRIC_CONCEPTS: dict[str, tuple[str, ...]] = load_catalog().concept_map()


def _units(metric: str) -> tuple[str, ...]:
    return load_catalog().get(metric).units


@dataclass(frozen=True)
class CompanyFact:
    """One value for one metric and period, ready for the facts table."""

    metric: str
    concept: str
    value: float
    unit: str
    start: date | None
    end: date
    accession: str | None
    filed: date | None
    derived: bool = False

    @property
    def months(self) -> int | None:
        return period_months(self.start, self.end)


def _entries(doc: dict[str, Any], concept: str) -> list[tuple[str, dict[str, Any]]]:
    taxonomy, name = concept.split(":", 1)
    units = doc.get("facts", {}).get(taxonomy, {}).get(name, {}).get("units", {})
    return [(unit, entry) for unit, entries in units.items() for entry in entries]


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def reported_values(doc: dict[str, Any], metric: str) -> list[CompanyFact]:
    """Per period, the latest-filed value of the most preferred concept that has one."""
    best: dict[tuple[date | None, date], tuple[tuple[int, date], CompanyFact]] = {}
    allowed_units = _units(metric)
    for rank, concept in enumerate(load_catalog().get(metric).concepts):
        for unit, entry in _entries(doc, concept):
            if unit not in allowed_units or entry.get("val") is None or not entry.get("end"):
                continue
            fact = CompanyFact(
                metric=metric,
                concept=concept,
                value=float(entry["val"]),
                unit=unit,
                start=_d(entry.get("start")),
                end=date.fromisoformat(entry["end"]),
                accession=entry.get("accn"),
                filed=_d(entry.get("filed")),
            )
            if fact.start is not None and fact.months not in (3, 6, 9, 12):
                continue
            # Preferred concept first; within a concept the latest filing (restatements win).
            key = (-rank, fact.filed or date.min)
            period = (fact.start, fact.end)
            if period not in best or key > best[period][0]:
                best[period] = (key, fact)
    return sorted((f for _, f in best.values()), key=lambda f: (f.end, f.start or f.end))


def derive_quarters(values: list[CompanyFact]) -> list[CompanyFact]:
    """Three-month values missing from `values`, as differences of cumulative periods."""
    return [
        CompanyFact(metric=longer.metric, concept=longer.concept,
                    value=longer.value - shorter.value, unit=longer.unit, start=start,
                    end=longer.end, accession=longer.accession, filed=longer.filed, derived=True)
        for shorter, longer, start in missing_quarters(values)
    ]


def company_facts(doc: dict[str, Any]) -> list[CompanyFact]:
    """Every reported and derived value of the tracked metrics in one companyfacts JSON."""
    out: list[CompanyFact] = []
    for metric in load_catalog().base_ids():
        values = reported_values(doc, metric)
        out.extend(values)
        out.extend(derive_quarters(values))
    return out


def _fact_id(cik: int, fact: CompanyFact) -> str:
    key = f"{SOURCE}|{cik}|{fact.metric}|{fact.start}|{fact.end}|{fact.unit}"
    return hashlib.sha1(key.encode()).hexdigest()


def merge_companyfacts(store: Store, cik: int, doc: dict[str, Any], fye_month: int) -> int:
    """Replace this company's companyfacts rows with those of `doc`; returns the row count."""
    rows = []
    for fact in company_facts(doc):
        year, quarter, months = fiscal_slot(fact.start, fact.end, fye_month)
        rows.append(
            [
                _fact_id(cik, fact),
                cik,
                fact.accession,
                fact.concept,
                fact.metric,
                fact.value,
                fact.unit,
                fact.start,
                fact.end,
                year,
                quarter,
                months,
                SOURCE,
                fact.derived,
            ]
        )
    with store.transaction() as con:
        con.execute("DELETE FROM facts WHERE source = ? AND cik = ?", [SOURCE, cik])
        # Multi-row INSERTs: DuckDB's executemany runs one statement per row (seconds here).
        for i in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[i:i + _ROWS_PER_STATEMENT]
            con.execute(
                "INSERT INTO facts (fact_id, cik, accession, concept, metric, value, unit, "
                "period_start, period_end, fiscal_year, fiscal_quarter, duration_months, "
                "source, derived) VALUES " + ", ".join([_ROW] * len(chunk)),
                [value for row in chunk for value in row],
            )
    return len(rows)


def fiscal_year_end_of(doc: dict[str, Any]) -> str | None:
    """EDGAR's "MMDD" of the latest fiscal year a 10-K in `doc` reports (for unknown companies)."""
    latest: date | None = None
    for concept in ("us-gaap:NetIncomeLoss", "us-gaap:Revenues", "us-gaap:OperatingIncomeLoss"):
        for _, entry in _entries(doc, concept):
            if entry.get("fp") == "FY" and str(entry.get("form", "")).startswith("10-K") \
                    and entry.get("start") and entry.get("end"):
                start, end = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
                if 350 <= (end - start).days <= 380 and (latest is None or end > latest):
                    latest = end
    return latest.strftime("%m%d") if latest else None


def merge_companyfacts_file(store: Store, path: Path,
                            tickers: dict[int, tuple[str, str | None]] | None = None,
                            ) -> tuple[int, int]:
    """Merge one companyfacts JSON file; returns (cik, rows). Raises InputError if unusable.

    The company is added when the DB does not know it yet (ticker from `tickers`, EDGAR's
    ticker list by CIK; fiscal year end from the JSON's own 10-K periods).
    """
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable companyfacts JSON ({exc}); download it again "
                         "from data.sec.gov/api/xbrl/companyfacts/.") from exc
    if not isinstance(doc, dict) or "cik" not in doc or not isinstance(doc.get("facts"), dict):
        raise InputError(f"{path}: no `cik` and `facts` keys, so not an EDGAR companyfacts JSON.")
    cik = int(doc["cik"])
    known = store.con.execute("SELECT fiscal_year_end FROM companies WHERE cik = ?",
                              [cik]).fetchone()
    fye = known[0] if known and known[0] else fiscal_year_end_of(doc)
    if known is None or not known[0]:
        ticker, name = (tickers or {}).get(cik, (None, None))
        with store.transaction() as con:
            upsert_company(con, cik, ticker, doc.get("entityName") or name, fye)
    return cik, merge_companyfacts(store, cik, doc, fiscal_year_end_month(fye))
