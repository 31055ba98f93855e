"""Time to first render of the Claims page (target <= 2 s), in a real browser and in AppTest.

Usage: .venv/bin/python bench/app.py [--db PATH] [--runs 3]
(DB: --db, else CLAIMTRACKER_DB, else data/claimtracker.duckdb; it should hold scored claims.)

Browser figure: from navigation to the Claims page until its claims table is in the DOM (the
first render: the overview a user came for), and until the evidence is there and Streamlit has
finished the script run (page complete). "cold" is the first load after `streamlit run app.py`
reports healthy: the server has run its start-up warm-up (imports, `app_pages.warmup`) but its
query cache is empty, and the browser has an empty HTTP cache. "warm" loads reuse the server's
query cache and the browser's HTTP cache, as a returning user does.
AppTest figure: one in-process script run of app.py with a cold query cache and no warm-up
(AppTest does not start a server), i.e. the server-side cost without any head start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from app_pages.devserver import CHROMIUM, CHROMIUM_ARGS, app_server  # noqa: E402
from claimtracker import config  # noqa: E402

FIRST = "Claims and their verdicts by quarter"  # the claims table is drawn right under it
DONE = "Evidence by quarter"


def browser_times(db: Path, runs: int, path: str = "/") -> list[tuple[float, float]]:
    """Per load: (seconds to the claims table in the DOM, seconds until the run finished)."""
    from playwright.sync_api import sync_playwright

    times = []
    with app_server(db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context()  # one user: the browser caches Streamlit's JS bundle
        for _ in range(runs):
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base + path, wait_until="commit")
            page.locator("[data-testid='stMarkdownContainer'] table").first.wait_for(
                timeout=120_000)
            first = time.perf_counter() - start
            page.get_by_text(DONE).first.wait_for(timeout=120_000)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                timeout=120_000)
            times.append((first, time.perf_counter() - start))
            page.close()
        browser.close()
    return times


def apptest_time(db: Path) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["CLAIMTRACKER_DB"] = str(db)
    start = time.perf_counter()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the Claims page failed: {at.exception[0].value}")
    if not any(s.value == "Evidence by quarter" for s in at.subheader):
        raise SystemExit(f"{db} has no scored claims: run `claimtracker score` first.")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    db = config.db_path(args.db).resolve()
    if not db.exists():
        raise SystemExit(f"{db} does not exist: build it with `make run` first.")
    print(f"DB: {db}")
    print(f"AppTest, one cold script run of the Claims page: {apptest_time(db):.2f} s")
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} missing: browser timing skipped (`make browser`).")
        return
    times = browser_times(db, args.runs + 1)
    (cold_first, cold_done), warm = times[0], times[1:]
    print(f"Chromium, cold server: claims table {cold_first:.2f} s, page complete "
          f"{cold_done:.2f} s (target <= 2 s)")
    if warm:
        print(f"Chromium, warm (median of {len(warm)}): claims table "
              f"{statistics.median(t[0] for t in warm):.2f} s, page complete "
              f"{statistics.median(t[1] for t in warm):.2f} s (target <= 2 s)")


if __name__ == "__main__":
    main()
