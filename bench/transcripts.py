"""The whole-corpus transcript check: every file parses into a call; counts and parse time.

Usage: .venv/bin/python bench/transcripts.py [PATH ...]   (default ../shared/transcripts)

The test suite ingests a pinned subset (tests/conftest.py); this script reads EVERY file:
it prints files per detected format, calls / turns / participants per stored format, turns
per role, companies (one CIK, one ticker) and each file that failed or ended in no call, and
ingests into a fresh in-memory store twice (the second run must change nothing).
Exit code 1 when any file fails, 0 otherwise.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from claimtracker.db import Store  # noqa: E402
from claimtracker.errors import ClaimtrackerError  # noqa: E402
from ingest.transcripts import collect_files, ingest_transcripts  # noqa: E402
from ingest.transcripts.detect import detect_format  # noqa: E402
from ingest.transcripts.reading import read_transcript_text  # noqa: E402


def files_per_format(files: list[Path]) -> tuple[Counter[str], float]:
    """Detected layout per file ('failed' when none), and the seconds it took."""
    started = time.perf_counter()
    formats: Counter[str] = Counter()
    for path in files:
        try:
            formats[detect_format(read_transcript_text(path), path)] += 1
        except ClaimtrackerError:
            formats["failed"] += 1
    return formats, time.perf_counter() - started


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [REPO_ROOT.parent / "shared" / "transcripts"]
    files = collect_files(paths)
    detected, detect_seconds = files_per_format(files)
    print(f"{len(files)} files; format detection {detect_seconds:.2f} s")
    print("files per detected format: "
          + ", ".join(f"{k} {v}" for k, v in sorted(detected.items())))
    failures: list[tuple[str, str]] = []
    with Store.open(None) as store:
        for run in ("first", "second"):
            started = time.perf_counter()
            summary = ingest_transcripts(store, paths, progress=False)
            seconds = time.perf_counter() - started
            print(f"{run} run: {seconds:.2f} s  {summary.render().splitlines()[0]}")
            if run == "first":
                failures = [(e["input"], e["error"]) for e in summary.errors]
            elif sum(summary.outcomes[k] for k in ("new", "updated", "replaced")):
                failures.append(("second run", f"changed something: {dict(summary.outcomes)}"))
        con = store.con
        stored = {str(f) for (files_,) in con.execute("SELECT source_files FROM calls").fetchall()
                  for f in files_}
        failed_inputs = {name for e, _ in failures for name in e.split(" + ")}
        failures += [(str(p), "read without error but in no stored call") for p in files
                     if str(p) not in stored and str(p) not in failed_inputs]
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
        print("\ncompanies (ticker, CIK, calls)")
        for ticker, cik, calls in con.execute(
            "SELECT ticker, cik, count(*) FROM calls GROUP BY ALL ORDER BY ALL"
        ).fetchall():
            print(f"  {ticker:6} {cik or '?':>8} {calls}")
    print(f"\n{len(failures)} file(s) failed")
    for name, error in failures:
        print(f"  FAILED {name}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
