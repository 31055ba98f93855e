"""Alerts: time to compute every alert on a DB, and how many a reader gets per company-quarter.

Usage:
    .venv/bin/python bench/alerts.py --db data/claimtracker.duckdb   # enriched and scored DB

Computes (never stores) every enabled kind over the DB's whole history, timed per kind and
per 10,000 sentences, then prints the alerts per company-quarter by kind after rank-and-cap
(data/alerts.yaml `cap.per_company_quarter`): mean, max, and the Amazon quarters one by one.
The DB is opened read-only, so the figures can be taken while nothing else writes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alerts.engine import AlertRun, compute_alerts  # noqa: E402
from alerts.settings import load_settings  # noqa: E402
from alerts.verdict_flip import verdict_flips  # noqa: E402
from claimtracker.db import Store  # noqa: E402


def _flip_noise(store: Store, section: dict) -> dict[str, tuple[int, str, int]]:
    """Flips with every verdict change counted (persist 1, mixed in) against the file's
    `persist_quarters` / `include_mixed`: the noise those settings cut."""
    out = {}
    for label, overrides in (("every change (persist 1, mixed in)",
                              {"persist_quarters": 1, "include_mixed": True}),
                             (f"data/alerts.yaml (persist {section['persist_quarters']}, "
                              f"mixed {'in' if section['include_mixed'] else 'out'})", {})):
        per = Counter(a.subject for a in verdict_flips(store, {**section, **overrides}))
        top, n = per.most_common(1)[0] if per else ("-", 0)
        out[label] = (sum(per.values()), top, n)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "claimtracker.duckdb")
    parser.add_argument("--ticker", default="AMZN", help="Company listed quarter by quarter.")
    args = parser.parse_args()
    settings = load_settings()
    with Store.open(args.db, read_only=True) as store:
        (sentences,) = store.con.execute("SELECT count(*) FROM sentences").fetchone()
        run = AlertRun()
        started = time.perf_counter()
        alerts = compute_alerts(store, settings=settings, run=run)
        seconds = time.perf_counter() - started
        flips = _flip_noise(store, settings.section("verdict_flip"))
    print(f"DB {args.db}: {sentences:,} sentences")
    print(f"all alerts computed in {seconds:.2f} s "
          f"({seconds / max(sentences, 1) * 10_000:.2f} s per 10,000 sentences)")
    for kind, n in run.computed.items():
        print(f"  {kind:<16} {n:>5} before the cap   {run.seconds[kind]:6.2f} s")
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for alert in alerts:
        groups[(alert.ticker, str(alert.quarter))][alert.kind] += 1
    totals = [sum(c.values()) for c in groups.values()]
    print(f"kept after the cap ({settings.cap} per company-quarter): {len(alerts)} alerts in "
          f"{len(groups)} company-quarters; per company-quarter mean "
          f"{statistics.fmean(totals) if totals else 0:.1f}, max {max(totals, default=0)}")
    kinds = sorted({k for c in groups.values() for k in c})
    for kind in kinds:
        per = [c[kind] for c in groups.values()]
        print(f"  {kind:<16} mean {statistics.fmean(per):5.2f}  max {max(per):3d}")
    print("verdict_flip noise (flips before the cap; the claim flipping most):")
    for label, (total, top, n) in flips.items():
        print(f"  {label:<44} {total:>5} flips   most: {top} x{n}")
    print(f"{args.ticker} by quarter: " + "  ".join(kinds))
    for (ticker, quarter), counts in sorted(groups.items()):
        if ticker == args.ticker.upper():
            print(f"  {quarter}  " + "  ".join(f"{counts[k]:>{len(k)}}" for k in kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
