"""One alert, its deterministic id, and the `alerts` table (write once, read with filters).

Why a hash key: the same change seen by a second `update` must not be a second alert, so the
id depends only on what the alert is about (kind, ticker, quarter, subject), never on when it
was raised or on its wording; writes are INSERT ... ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter


def alert_id(kind: str, ticker: str, quarter: FiscalQuarter, subject: str) -> str:
    key = "\x1f".join([kind, ticker.upper(), str(quarter), subject])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class Alert:
    """An alert as computed; `evidence` items are {text, source, url}."""

    kind: str
    ticker: str
    quarter: FiscalQuarter
    subject: str
    severity: float
    title: str
    detail: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        return alert_id(self.kind, self.ticker, self.quarter, self.subject)


def save_alerts(store: Store, alerts: list[Alert], run_id: int | None) -> int:
    """Insert the alerts not stored yet (one transaction); return how many were new."""
    if not alerts:
        return 0
    with store.transaction() as con:
        before = con.execute("SELECT count(*) FROM alerts").fetchone()[0]
        con.executemany(
            "INSERT INTO alerts (alert_id, kind, ticker, fiscal_year, fiscal_quarter, subject, "
            "severity, title, detail, evidence, numbers, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [[a.alert_id, a.kind, a.ticker, a.quarter.year, a.quarter.quarter, a.subject,
              round(min(max(a.severity, 0.0), 1.0), 3), a.title, a.detail,
              json.dumps(a.evidence, ensure_ascii=False), json.dumps(a.numbers, default=str),
              run_id] for a in alerts],
        )
        after = con.execute("SELECT count(*) FROM alerts").fetchone()[0]
    return int(after - before)


def has_alerts_table(store: Store) -> bool:
    """False on a DB built before alerts existed (a reader never migrates it)."""
    row = store.con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'alerts'").fetchone()
    return bool(row and row[0])


def last_update_start(store: Store) -> Any:
    """When the latest `update` run started (what `--new` counts from), or None."""
    row = store.con.execute("SELECT max(started_at) FROM runs WHERE kind = 'update'").fetchone()
    return row[0] if row else None


def read_alerts(store: Store, *, tickers: Sequence[str] | None = None,
                kinds: Sequence[str] | None = None, since: FiscalQuarter | None = None,
                new_only: bool = False) -> list[dict[str, Any]]:
    """Stored alerts as the issue's JSON objects, newest quarter first, then by severity."""
    if not has_alerts_table(store):
        return []
    where, params = ["TRUE"], []  # type: ignore[var-annotated]
    if tickers:
        where.append(f"upper(ticker) IN ({', '.join('?' for _ in tickers)})")
        params += [t.upper() for t in tickers]
    if kinds:
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params += list(kinds)
    if since is not None:
        where.append("fiscal_year * 4 + fiscal_quarter - 1 >= ?")
        params.append(since.index)
    if new_only:
        started = last_update_start(store)
        if started is None:
            return []
        where.append("raised_at >= ?")
        params.append(started)
    rows = store.con.execute(
        "SELECT alert_id, kind, ticker, fiscal_year, fiscal_quarter, severity, title, detail, "
        "evidence, numbers, raised_at, subject FROM alerts WHERE " + " AND ".join(where) +
        " ORDER BY fiscal_year DESC, fiscal_quarter DESC, ticker, severity DESC, alert_id",
        params,
    ).fetchall()
    return [{"alert_id": r[0], "kind": r[1], "ticker": r[2],
             "quarter": str(FiscalQuarter(r[3], r[4])), "severity": r[5], "title": r[6],
             "detail": r[7], "evidence": json.loads(r[8] or "[]"),
             "numbers": json.loads(r[9] or "{}"), "raised_at": r[10].isoformat(),
             "subject": r[11]} for r in rows]


def alert_counts_by_claim(store: Store, article_id: str,
                          ticker: str | None = None) -> dict[str, int]:
    """claim_id -> number of verdict_flip alerts (of one company, when given), for the Claims
    page's per-claim count."""
    if not has_alerts_table(store):
        return {}
    rows = store.con.execute(
        "SELECT subject, count(*) FROM alerts WHERE kind = 'verdict_flip' AND subject LIKE ? "
        "ESCAPE '\\' AND (? IS NULL OR upper(ticker) = upper(?)) GROUP BY subject",
        [article_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%",
         ticker, ticker],
    ).fetchall()
    return {subject.split("/", 1)[1]: n for subject, n in rows}
