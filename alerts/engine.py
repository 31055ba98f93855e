"""Raise alerts: run every enabled kind, rank and cap per company-quarter, store the new ones.

Why rank and cap here, not in each kind: a reader reads about `cap.per_company_quarter`
alerts of a company's quarter whatever their kind, so severities compete across kinds.
A company's whole history is recomputed when any of its inputs changed (alerts/inputs.py) and
stored with deterministic ids, so a rerun adds nothing, a new quarter adds only its own alerts,
and a company with nothing new is not computed at all.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alerts.first_mention import first_mentions
from alerts.inputs import changed_tickers, input_digests, save_digests, stored_digests
from alerts.language_change import language_changes
from alerts.metric_surprise import metric_surprises
from alerts.model import Alert, save_alerts
from alerts.settings import AlertSettings, load_settings
from alerts.tone_shift import tone_shifts
from alerts.verdict_flip import verdict_flips
from alerts.went_quiet import quiet_topics
from claimtracker.db import Store
from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import load_catalog

Kind = Callable[[Store, dict[str, Any], "list[str] | None"], list[Alert]]

#: kind -> function; the order is the order of the report, not of importance.
KINDS: dict[str, Kind] = {
    "verdict_flip": verdict_flips,
    "metric_surprise": metric_surprises,
    "went_quiet": quiet_topics,
    "language_change": language_changes,
    "tone_shift": tone_shifts,
    "first_mention": first_mentions,
}


@dataclass
class AlertRun:
    """What one raise did: `counts` feeds update's one-line summary."""

    computed: dict[str, int] = field(default_factory=dict)
    companies: list[str] = field(default_factory=list)  # the companies computed this time
    skipped: int = 0  # companies whose inputs had not changed
    kept: int = 0
    new: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {"new alerts": self.new, "alerts": self.kept}

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "computed": self.computed,
                "companies": self.companies, "unchanged_companies": self.skipped,
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}


def _check(settings: AlertSettings) -> None:
    """Metric ids of the alerts file must exist in the metric catalogue."""
    catalog = load_catalog()
    section = settings.section("metric_surprise")
    unknown = [m for m in section["metrics"] + section["sign_change_metrics"]
               if m not in catalog.metrics]
    if unknown:
        raise ConfigError(f"{settings.file}: metric_surprise names unknown metric(s) "
                          f"{', '.join(unknown)}; use ids of {catalog.path}.")


def rank_and_cap(alerts: list[Alert], cap: int) -> list[Alert]:
    """At most `cap` alerts per (ticker, quarter), highest severity first (stable by id)."""
    groups: dict[tuple[str, int], list[Alert]] = defaultdict(list)
    for alert in alerts:
        groups[(alert.ticker, alert.quarter.index)].append(alert)
    kept: list[Alert] = []
    for group in groups.values():
        group.sort(key=lambda a: (-a.severity, a.alert_id))
        kept += group[:cap]
    return kept


def compute_alerts(store: Store, *, settings: AlertSettings | None = None,
                   kinds: list[str] | None = None, tickers: list[str] | None = None,
                   run: AlertRun | None = None) -> list[Alert]:
    """Every enabled kind's alerts over the DB's whole history, ranked and capped."""
    settings = settings or load_settings()
    _check(settings)
    run = run if run is not None else AlertRun()
    found: list[Alert] = []
    for name, compute in KINDS.items():
        section = settings.section(name)
        if not section["enabled"] or (kinds and name not in kinds):
            continue
        started = time.perf_counter()
        alerts = compute(store, section, tickers)
        run.seconds[name] = time.perf_counter() - started
        run.computed[name] = len(alerts)
        found += alerts
    return rank_and_cap(found, settings.cap)


def raise_alerts(store: Store, *, run_id: int | None = None,
                 settings: AlertSettings | None = None, everything: bool = False) -> AlertRun:
    """Compute the companies whose inputs changed (all with `everything`) and store what is
    new; idempotent (alerts already stored are left as they are)."""
    settings = settings or load_settings()
    run = AlertRun()
    digests = input_digests(store, settings)
    run.companies = sorted(digests) if everything else changed_tickers(
        digests, stored_digests(store))
    run.skipped = len(digests) - len(run.companies)
    if not run.companies:
        return run
    alerts = compute_alerts(store, settings=settings, tickers=run.companies, run=run)
    run.kept = len(alerts)
    run.new = save_alerts(store, alerts, run_id)
    # Only after the alerts are stored: an interrupted run recomputes these companies.
    save_digests(store, {t: digests[t] for t in run.companies})
    return run
