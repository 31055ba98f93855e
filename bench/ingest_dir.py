"""Time `ingest --from-dir` over ../shared/edgar (target: well under a couple of minutes, 1 core).

Usage: .venv/bin/python bench/ingest_dir.py [--path ../shared/edgar]

Prints, for a fresh in-memory DB: the first (full) run with its row counts, then the second
run, which must parse nothing (every file unchanged) and write no rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from claimtracker.db import Store  # noqa: E402
from ingest.filings.local import ingest_dir  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=REPO_ROOT.parent / "shared" / "edgar")
    args = parser.parse_args()
    with Store.open(None) as store:
        for label in ("first run", "second run"):
            started = time.perf_counter()
            summary = ingest_dir(store, args.path, progress=False)
            seconds = time.perf_counter() - started
            print(f"{label}: {seconds:.2f}s wall, {time.process_time():.2f}s CPU so far; "
                  f"parsed {len(summary.parsed)}, unchanged {len(summary.unchanged)}, "
                  f"skipped {len(summary.skipped)}, failed {len(summary.failed)}; "
                  f"rows {summary.rows or 'none'}")


if __name__ == "__main__":
    main()
