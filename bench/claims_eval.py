"""Agreement of `claimtracker score` with the hand labels in data/labels/claim_verdicts.yaml.

Scores the seed ledger on a DB built from ../shared (ingest + ingest-transcripts + enrich),
then prints accuracy, a confusion matrix (rows: label, columns: scorer) and every
disagreement with the scorer's reason, so the figure comes with what to fix.

Run:
  .venv/bin/python bench/claims_eval.py --db /tmp/claims.duckdb
  .venv/bin/python bench/claims_eval.py --results score.json   # output of score --format json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "data" / "labels" / "claim_verdicts.yaml"
VERDICTS = ("supported", "mixed", "contradicted", "not_discussed")


def load_labels(path: Path = LABELS) -> tuple[Path, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ROOT / data["ledger"], data["labels"]


def agreement(results: list[dict[str, Any]], labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy, confusion counts and the disagreeing rows (missing results count as wrong)."""
    by_key = {(r["claim_id"], r["quarter"]): r for r in results}
    confusion = {gold: dict.fromkeys((*VERDICTS, "missing"), 0) for gold in VERDICTS}
    wrong = []
    for label in labels:
        result = by_key.get((label["claim"], str(label["quarter"])))
        got = result["verdict"] if result else "missing"
        confusion[label["verdict"]][got] += 1
        if got != label["verdict"]:
            wrong.append({"claim": label["claim"], "quarter": label["quarter"],
                          "label": label["verdict"], "scorer": got,
                          "reason": result["reason"] if result else "no result"})
    correct = sum(confusion[v][v] for v in VERDICTS)
    return {"n": len(labels), "correct": correct,
            "accuracy": round(correct / len(labels), 3) if labels else 0.0,
            "confusion": confusion, "wrong": wrong}


def render(report: dict[str, Any]) -> str:
    cols = (*VERDICTS, "missing")
    lines = [f"agreement: {report['correct']}/{report['n']} = {report['accuracy']:.1%}", "",
             "label \\ scorer".ljust(16) + "".join(c[:13].rjust(14) for c in cols)]
    for gold in VERDICTS:
        lines.append(gold.ljust(16) + "".join(str(report["confusion"][gold][c]).rjust(14)
                                              for c in cols))
    if report["wrong"]:
        lines += ["", "disagreements:"]
        lines += [f"  {w['claim']} {w['quarter']}: label {w['label']}, scorer {w['scorer']} "
                  f"- {w['reason']}" for w in report["wrong"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an enriched DB built from ../shared")
    parser.add_argument("--results", type=Path, help="JSON from `claimtracker score`")
    args = parser.parse_args()
    ledger, labels = load_labels()
    if args.results:
        results = json.loads(args.results.read_text(encoding="utf-8"))
    elif args.db:
        from claims.score import score_claims
        from claimtracker.db import Store

        with Store.open(args.db) as store:
            results = score_claims(store, [ledger])
    else:
        parser.error("give --db or --results")
    print(render(agreement(results, labels)))


if __name__ == "__main__":
    main()
