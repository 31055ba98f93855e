"""Transcript ingest speed and the per-format counts quoted in the transcripts report.

Usage: .venv/bin/python bench/transcripts.py [PATH ...]   (default ../shared/transcripts)

Ingests into a fresh in-memory store twice (the second run must change nothing) and prints
seconds per run, calls / turns / participants per format and turns per role.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from claimtracker.db import Store  # noqa: E402
from ingest.transcripts import ingest_transcripts  # noqa: E402


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or [REPO_ROOT.parent / "shared" / "transcripts"]
    with Store.open(None) as store:
        for run in ("first", "second"):
            started = time.perf_counter()
            summary = ingest_transcripts(store, paths, progress=False)
            seconds = time.perf_counter() - started
            print(f"{run} run: {seconds:.2f} s  {summary.render().splitlines()[0]}")
        con = store.con
        print("\nformat           calls  turns  participants")
        for fmt, calls, turns, people in con.execute(
            "SELECT format, count(*), "
            "(SELECT count(*) FROM turns t JOIN calls d USING (call_id) WHERE d.format = c.format),"
            "(SELECT count(*) FROM call_participants p JOIN calls d USING (call_id) "
            " WHERE d.format = c.format) FROM calls c GROUP BY format ORDER BY format"
        ).fetchall():
            print(f"{fmt:16} {calls:5}  {turns:5}  {people:12}")
        print("\nturns by role and format")
        for fmt, role, n in con.execute(
            "SELECT c.format, t.role, count(*) FROM turns t JOIN calls c USING (call_id) "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall():
            print(f"  {fmt:16} {role:20} {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
