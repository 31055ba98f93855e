"""Build the DuckDB that bench/claims_eval.py scores against, from ../shared, and time it.

Why a separate DB: the eval must not depend on whatever data/claimtracker.duckdb happens to
hold, and it only needs the companies the labelled articles talk about (plus AMZN for the
seed), so enrich stays affordable on a small machine.

Steps (each a `claimtracker` CLI call, timed):
  1. ingest --from-dir ../shared/edgar
  2. ingest-transcripts: the whole AMZN folder (the seed's labels reach back to 2020) and the
     2025-2026 calls (`<TICKER>_<n>Q<yy>*.txt`) of the other tickers; `--all-history` takes
     whole folders instead
  3. enrich --ticker T for every ticker

Usage:
  nice -n 10 .venv/bin/python bench/build_eval_db.py --db /tmp/claims_eval.duckdb
  .venv/bin/python bench/build_eval_db.py --db X --tickers NVDA,META,GOOG,MSFT,ORCL,AMZN
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from claimtracker.tickers import same_company_tickers

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CLI = ROOT / ".venv" / "bin" / "claimtracker"
DEFAULT_TICKERS = ("AMZN", "NVDA", "META", "GOOG", "MSFT", "ORCL")
RECENT_CALL = re.compile(r"^[A-Z]+_\dQ\d\d(_presentation|_qna)?\.txt$")


def transcript_paths(tickers: list[str], all_history: bool) -> list[str]:
    """Folders or files to ingest: recent calls only, except AMZN (seed labels go back to 2020)."""
    paths: list[str] = []
    for ticker in tickers:
        folders = [SHARED / "transcripts" / t for t in same_company_tickers(None, ticker)]
        folders = [f for f in folders if f.is_dir()]
        if not folders:
            print(f"warning: no transcripts folder for {ticker} in {SHARED / 'transcripts'}",
                  file=sys.stderr)
        for folder in folders:
            paths += _calls_in(folder, all_history or ticker == "AMZN")
    return paths


def _calls_in(folder: Path, whole: bool) -> list[str]:
    """The folder itself (every call) or its recent calls' files."""
    if whole:
        return [str(folder)]
    return sorted(str(p) for p in folder.iterdir() if RECENT_CALL.match(p.name))


def run(step: str, args: list[str]) -> float:
    """Run one CLI step, echo its last output lines, return seconds; stop on failure."""
    start = time.perf_counter()
    proc = subprocess.run([str(CLI), *args], capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    tail = (proc.stdout.strip().splitlines() or [""])[-3:]
    print(f"[{took:7.1f}s] {step}: exit {proc.returncode}  " + " | ".join(tail), flush=True)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"step failed: {step}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="DuckDB file to build")
    parser.add_argument("--tickers", default=",".join(DEFAULT_TICKERS),
                        help="comma-separated tickers [default %(default)s]")
    parser.add_argument("--all-history", action="store_true",
                        help="ingest whole transcript folders (2016-2020 calls too)")
    args = parser.parse_args()
    tickers = [t.strip().upper() for t in args.tickers.split(",") if t.strip()]
    db = ["--db", str(args.db)]
    total = run("ingest edgar", ["ingest", "--from-dir", str(SHARED / "edgar"), *db])
    calls = transcript_paths(tickers, args.all_history)
    total += run("ingest-transcripts", ["ingest-transcripts", "--no-progress", *calls, *db])
    enrich = ["enrich", "--no-progress", *db]
    for ticker in tickers:
        # Alphabet's filings and old calls are filed under GOOGL: enrich every spelling.
        for alias in same_company_tickers(None, ticker):
            enrich += ["--ticker", alias]
    total += run("enrich " + ",".join(tickers), enrich)
    print(f"total {total:.1f}s -> {args.db}")


if __name__ == "__main__":
    main()
