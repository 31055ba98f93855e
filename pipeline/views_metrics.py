"""Read model of the Metrics page and the Claims page's metric chart.

No rule of its own: every quarter's value (sources, preference, derived Q4, units) is the
scorer's, from `claims.metrics.MetricSeries`, so the app shows exactly the numbers a verdict
used. The page's list of metrics is the catalogue's `headline:` (data/metrics.yaml). What this
module adds is presentation: every source that reported a quarter, so a disagreement stays
visible, and the filing link of the value shown.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claims.metrics import MetricSeries, find_company
from claimtracker.db import Store
from claimtracker.metric_catalog import load_catalog
from claimtracker.quarters import FiscalQuarter, fiscal_quarter_of

#: The Metrics page's derived column (a catalogue metric; shown when the catalogue has it).
MARGIN = "operating_margin"


def headline_metrics() -> dict[str, str]:
    """The metrics the Metrics page shows, in order (the catalogue's `headline:`) -> unit."""
    catalog = load_catalog()
    return {metric: catalog.get(metric).unit for metric in catalog.headline}


def company(store: Store, ticker: str) -> dict[str, Any] | None:
    """The company a ticker names (GOOGL finds GOOG's row), as the scorer resolves it."""
    found = find_company(store, ticker)
    if found is None:
        return None
    name = store.con.execute("SELECT name, fiscal_year_end FROM companies WHERE cik = ?",
                             [found.cik]).fetchone()
    return {"cik": found.cik, "ticker": found.ticker, "name": name[0] if name else None,
            "fiscal_year_end": name[1] if name else None}


def reported_sources(store: Store, ticker: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(quarter, metric) -> every undimensioned quarterly or instant fact reported, any source.

    Listed beside the chosen value only; the choice itself is `claims.metrics`'.
    """
    found = find_company(store, ticker)
    if found is None:
        return {}
    rows = store.con.execute(
        """
        SELECT f.metric, f.fiscal_year, f.fiscal_quarter, f.period_start, f.period_end, f.value,
               f.source, f.accession, fl.url
        FROM facts f LEFT JOIN filings fl ON fl.accession = f.accession
        WHERE f.cik = ? AND f.metric IS NOT NULL AND f.dimensions IS NULL
          AND ((f.period_start IS NULL AND f.period_end IS NOT NULL)
               OR (f.fiscal_year IS NOT NULL AND f.fiscal_quarter IS NOT NULL
                   AND coalesce(f.duration_months, 3) = 3))
        """,
        [found.cik],
    ).fetchall()
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for metric, year, quarter, start, end, value, source, accession, url in rows:
        # An instant (employees) belongs to the quarter its date falls in, as in the scorer.
        fq = fiscal_quarter_of(end, found.fye_month) if start is None \
            else FiscalQuarter(year, quarter)
        out[(str(fq), metric)].append(
            {"value": value, "source": source, "accession": accession, "url": url})
    return out


def _filing_urls(store: Store, accessions: set[str]) -> dict[str, str]:
    if not accessions:
        return {}
    wanted = sorted(accessions)
    return dict(store.con.execute(
        "SELECT accession, url FROM filings WHERE list_contains(?, accession)", [wanted]
    ).fetchall())


def _label(point: dict[str, Any]) -> str:
    return point["source"] + (" (derived)" if point["derived"] else "")


def metrics_by_quarter(store: Store, ticker: str) -> list[dict[str, Any]]:
    """One row per fiscal quarter: each headline metric's value (the scorer's), its source and
    link, every source seen and whether they disagree; plus the operating margin."""
    series = MetricSeries(store, ticker)
    metrics = series.catalog.headline
    values = {m: {p["quarter"]: p for p in series.values(m)} for m in metrics}
    margin = {p["quarter"]: p["value"] for p in series.values(MARGIN)}
    seen = reported_sources(store, ticker)
    urls = _filing_urls(store, {p["accession"] for by_q in values.values() for p in by_q.values()
                                if p["accession"]})
    quarters = sorted({q for by_q in values.values() for q in by_q}, key=FiscalQuarter.parse)
    out = []
    for quarter in quarters:
        row: dict[str, Any] = {"quarter": quarter}
        for metric in metrics:
            point = values[metric].get(quarter)
            row[metric] = point["value"] if point else None
            row[f"{metric}_source"] = _label(point) if point else None
            if point is None:
                continue
            facts = seen.get((quarter, metric), [])
            row[f"{metric}_url"] = urls.get(point["accession"] or "")
            row[f"{metric}_sources"] = sorted({f["source"] for f in facts} | {point["source"]})
            row[f"{metric}_disagree"] = len({round(f["value"]) for f in facts}
                                            | {round(point["value"])}) > 1
        row[MARGIN] = margin.get(quarter)
        out.append(row)
    return out


def metric_series(store: Store, ticker: str, metric: str) -> list[dict[str, Any]]:
    """`[{quarter, value, source}]` of any catalogue metric, oldest first: the scorer's values
    (claim_scores.metric.value), so a claim's chart and its verdicts show the same numbers."""
    return [{"quarter": p["quarter"], "value": p["value"], "source": _label(p)}
            for p in MetricSeries(store, ticker).values(metric)]


def metric_labels() -> dict[str, str]:
    """Every catalogue metric id -> its label (data/metrics.yaml), for pickers."""
    catalog = load_catalog()
    return {metric: definition.label for metric, definition in catalog.metrics.items()}
