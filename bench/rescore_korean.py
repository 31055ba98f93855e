"""Rescoring a Korean article in a new process: multilingual-e5 passage vectors read back.

Usage:
    .venv/bin/python bench/rescore_korean.py --db ENRICHED.duckdb --article ARTICLE.txt

Works on a copy of --db and its search index (an enriched DB holding the article's
companies; bench/build_eval_db.py builds one). Drafts the article's ledger (`claims add`),
runs `score` on it, forgets the stored verdicts (so every claim-quarter is rescored, as after
an edit of the ledger or a new quarter's data) and runs `score` again in a new process. The
last line is one JSON object: {"article", "claims", "first_s", "rescore_s",
"passage_vectors"}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "claimtracker"), *args], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--article", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rescore-") as tmp:
        db, ledger = Path(tmp) / "bench.duckdb", Path(tmp) / "ledger.yaml"
        shutil.copy(args.db, db)
        index = args.db.with_name(args.db.name + ".index")  # the search index beside it
        if index.is_dir():
            shutil.copytree(index, db.with_name(db.name + ".index"))
        _run(["claims", "add", str(args.article), "--out", str(ledger), "--db", str(db)])
        first = _run(["score", "--claims", str(ledger), "--db", str(db), "--no-progress"])
        con = duckdb.connect(str(db))
        con.execute("DELETE FROM claim_evidence")
        con.execute("DELETE FROM claim_scores")
        stored = con.execute("SELECT count(*) FROM passage_vectors").fetchone()[0]
        con.close()
        claims = len(yaml.safe_load(ledger.read_text(encoding="utf-8"))["claims"])
        rescore = _run(["score", "--claims", str(ledger), "--db", str(db), "--no-progress"])
    print(f"first score {first:.1f} s, rescore in a new process {rescore:.1f} s "
          f"({stored:,} passage vectors stored)")
    print(json.dumps({"article": args.article.name, "claims": claims, "first_s": round(first, 1),
                      "rescore_s": round(rescore, 1), "passage_vectors": stored}))


if __name__ == "__main__":
    main()
