"""Any article -> scored claims, measured against hand labels (data/labels/claims/*.yaml + seed).

For every labelled article: `claimtracker claims add ARTICLE --out DRAFT --db DB` drafts a
ledger, `claimtracker score --claims DRAFT --format json --db DB` scores it, and the draft is
matched to the labels by quote (bench/claims_eval_match.py). Printed per article: claims
labelled / found / missed / spurious (of which on filler sentences), company, metric,
direction and horizon (past|forecast) accuracy of the found claims, verdict agreement over
labelled (claim, quarter) pairs (exact 1, mixed vs supported|contradicted 0.5, missing 0),
and evidence hit@3 /
precision@3 over pairs labelled supported or contradicted. The seed article
(data/labels/claim_verdicts.yaml) is scored twice: with its hand ledger (as before) and with
the draft ledger. A failing CLI step is printed and the article continues with what it has.

Targets (unseen articles, draft ledger as is): company 1.0, recall >= 0.8, agreement >= 0.75,
hit@3 >= 0.7; seed agreement >= 0.85.

Run (build the DB first: bench/build_eval_db.py):
  .venv/bin/python bench/claims_eval.py --db /tmp/claims_eval.duckdb
  .venv/bin/python bench/claims_eval.py --db X --articles 'nvidia*' --details
  .venv/bin/python bench/claims_eval.py --db X --json        # one JSON line per article
  .venv/bin/python bench/claims_eval.py --db X --articles none --seed-hand-only  # seed, hand ledger
  .venv/bin/python bench/claims_eval.py --db X --draft-only  # drafter figures only (minutes)
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_eval_labels import (
    ROOT,
    LabelSet,
    check_labels,
    label_files,
    load_label_file,
    load_seed,
)
from claims_eval_match import (
    canonical,
    canonical_metric,
    claim_counts,
    field_accuracy,
    match_claims,
    missed_claims,
    verdict_and_evidence,
)

CLI = ROOT / ".venv" / "bin" / "claimtracker"
HAND_LEDGER = ROOT / "data" / "claims" / "amazon-next-cycle.yaml"
TIMEOUT = 3600
COLUMNS = (("labelled", 5), ("found", 5), ("missed", 6), ("spurious", 8), ("company_acc", 7),
           ("metric_acc", 6), ("direction_acc", 4), ("horizon_acc", 4), ("agreement", 6),
           ("evidence_hit@3", 6), ("evidence_p@3", 5))
HEADERS = ("label", "found", "missed", "spur(fill)", "company", "metric", "dir", "hor",
           "agree", "hit@3", "p@3")
#: --draft-only: the drafter's columns (no `score` run, so no verdict or evidence figures).
DRAFT_COLUMNS = 8


def run_cli(args: list[str]) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    try:
        proc = subprocess.run([str(CLI), *args], capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {TIMEOUT}s", time.perf_counter() - start
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def _err(stderr: str, stdout: str = "") -> str:
    lines = [ln for ln in (stderr or stdout).strip().splitlines() if ln.strip()]
    return " | ".join(lines[-3:]) or "no output"


def draft_ledger(article: Path, out: Path, db: Path, notes: list[str],
                 tickers: list[str] | None = None) -> float | None:
    """`claims add`; returns its seconds, or None (error noted) when no draft was written."""
    hints = [arg for t in tickers or [] for arg in ("--ticker", t)]
    code, stdout, stderr, took = run_cli(["claims", "add", str(article), "--out", str(out),
                                          "--db", str(db), *hints])
    if code != 0 or not out.exists():
        notes.append(f"claims add failed (exit {code}, {took:.1f}s): {_err(stderr, stdout)}")
        return None
    return took


def read_drafts(path: Path) -> list[dict[str, Any]]:
    """Draft claims as dicts; a claim without `ticker` takes the article's."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    article = data.get("article") or {}
    default = article.get("ticker")
    drafts = []
    for raw in data.get("claims") or []:
        drafts.append({"id": str(raw.get("id")), "quote": str(raw.get("quote") or ""),
                       "ticker": raw.get("ticker") or default, "metric": raw.get("metric"),
                       "direction": raw.get("direction"), "horizon": raw.get("horizon")})
    return drafts


def score_ledger(ledger: Path, db: Path, notes: list[str]) -> tuple[list[dict[str, Any]], float]:
    code, stdout, stderr, took = run_cli(["score", "--claims", str(ledger), "--format", "json",
                                          "--no-progress", "--db", str(db)])
    if code != 0:
        notes.append(f"score failed (exit {code}, {took:.1f}s): {_err(stderr, stdout)}")
        return [], took
    try:
        return json.loads(stdout), took
    except json.JSONDecodeError as exc:
        notes.append(f"score printed no JSON ({exc})")
        return [], took


def evaluate_draft(labels: LabelSet, db: Path, workdir: Path,
                   hint_tickers: bool = False, score: bool = True) -> dict[str, Any]:
    """Draft -> score -> compare, for one labelled article (hint: pass the labels' tickers;
    `score=False` stops after the draft: claims, company, metric and direction only)."""
    notes: list[str] = []
    out = workdir / f"{labels.source.stem}.draft.yaml"
    ledger = "draft+tickers" if hint_tickers else "draft"
    report: dict[str, Any] = {"article": labels.name, "ledger": ledger, "notes": notes}
    # the main company (the first labelled claim's); `claims add` asks again when given two
    tickers = [c.ticker for c in labels.claims if c.ticker][:1] if hint_tickers else None
    report["draft_s"] = draft_ledger(labels.article, out, db, notes, tickers)
    drafts = read_drafts(out) if report["draft_s"] is not None else []
    match = match_claims(labels, drafts)
    report.update(claim_counts(labels, match, len(drafts)))
    report.update(field_accuracy(labels, match))
    rows: list[dict[str, Any]] = []
    if drafts and score:
        rows, report["score_s"] = score_ledger(out, db, notes)
    ids = {cid: d["id"] for cid, d in match.pairs.items()}
    if score:
        report.update(verdict_and_evidence(labels, ids, rows))
    report["missed_quotes"] = [c.quote for c in missed_claims(labels, match)]
    report["spurious_quotes"] = [d["quote"] for d in match.spurious]
    report["field_errors"] = [
        {"claim": c.id, "label": [c.ticker, c.metric, c.direction, c.horizon],
         "draft": [canonical(d.get("ticker")), d.get("metric"), d.get("direction"),
                   d.get("horizon")]}
        for c in labels.claims if (d := match.pairs.get(c.id)) is not None
        and [canonical(c.ticker), c.metric, c.direction, c.horizon or d.get("horizon")]
        != [canonical(d.get("ticker")), canonical_metric(d.get("metric")), d.get("direction"),
            d.get("horizon")]]
    return report


def evaluate_hand_seed(labels: LabelSet, db: Path) -> dict[str, Any]:
    notes: list[str] = []
    rows, took = score_ledger(HAND_LEDGER, db, notes)
    report: dict[str, Any] = {"article": labels.name, "ledger": "hand", "notes": notes,
                              "score_s": took, "labelled": len(labels.claims)}
    report.update(verdict_and_evidence(labels, {c.id: c.id for c in labels.claims}, rows))
    return report


def _cell(value: Any, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:.2f}".rjust(width)
    return str(value).rjust(width)


def render_row(report: dict[str, Any], ncols: int = len(COLUMNS)) -> str:
    name = f"{report['article']} [{report['ledger']}]"
    cells = []
    for (key, width), header in zip(COLUMNS[:ncols], HEADERS[:ncols], strict=True):
        width = max(width, len(header))
        value = report.get(key)
        if key == "spurious" and value is not None:
            value = f"{value}({report.get('spurious_filler', 0)})"
        cells.append(_cell(value, width))
    pairs = f"  {report.get('pairs', 0)} pairs" if ncols == len(COLUMNS) else ""
    return name[:44].ljust(45) + " ".join(cells) + pairs


def render_header(ncols: int = len(COLUMNS)) -> str:
    cells = [h.rjust(max(w, len(h)))
             for (_, w), h in zip(COLUMNS[:ncols], HEADERS[:ncols], strict=True)]
    return "article [ledger]".ljust(45) + " ".join(cells)


def render_details(report: dict[str, Any]) -> list[str]:
    lines = [f"-- {report['article']} [{report['ledger']}]"
             + (f": exact verdicts {report.get('exact')} of {report.get('pairs')} pairs"
                if "pairs" in report else "")]
    lines += [f"   note: {n}" for n in report.get("notes", [])]
    if report.get("draft_s") is not None:
        took = report.get("score_s")
        lines.append(f"   claims add {report['draft_s']:.1f}s"
                     + (f", score {took:.1f}s" if took is not None else ""))
    lines += [f"   missed: {q[:90]}" for q in report.get("missed_quotes", [])]
    lines += [f"   spurious: {q[:90]}" for q in report.get("spurious_quotes", [])]
    lines += [f"   fields {e['claim']}: label {e['label']} draft {e['draft']}"
              for e in report.get("field_errors", [])]
    lines += [f"   {w['claim']} {w['quarter']}: label {w['label']}, scorer {w['scorer']}"
              f" - {str(w['reason'])[:110]}" for w in report.get("wrong", [])]
    return lines


def selected(pattern: str | None) -> list[LabelSet]:
    sets = []
    for path in label_files():
        ls = load_label_file(path)
        if pattern and not (fnmatch.fnmatch(path.name, pattern)
                            or fnmatch.fnmatch(str(ls.article.relative_to(ROOT)), pattern)
                            or fnmatch.fnmatch(ls.article.name, pattern)):
            continue
        sets.append(ls)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True,
                        help="an enriched DB built by bench/build_eval_db.py")
    parser.add_argument("--articles", help="glob over label files or article paths "
                        "(default: every data/labels/claims/*.yaml)")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed article")
    parser.add_argument("--seed-hand-only", action="store_true",
                        help="score the seed with its hand ledger only, not its ~25-minute draft")
    parser.add_argument("--json", action="store_true", help="one JSON line per article")
    parser.add_argument("--hint-tickers", action="store_true",
                        help="pass the article's main company to `claims add --ticker` "
                        "(diagnosis: scoring when the drafter cannot tell the company; "
                        "the targets use plain drafts)")
    parser.add_argument("--draft-only", action="store_true",
                        help="draft and compare claims, company, metric and direction only: "
                        "no `score` run (minutes instead of half an hour) and no hand-ledger row")
    parser.add_argument("--details", action="store_true",
                        help="also print missed/spurious claims and every disagreement")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no DB at {args.db}; build one with:\n  nice -n 10 .venv/bin/python "
                 f"bench/build_eval_db.py --db {args.db}")
    sets = selected(args.articles)
    seed = None if args.no_seed else load_seed()
    for ls in [*sets, *([seed] if seed else [])]:
        for problem in check_labels(ls):
            print(f"label problem: {problem}", file=sys.stderr)
    reports = []
    with tempfile.TemporaryDirectory(prefix="claims_eval_") as tmp:
        score = not args.draft_only
        for ls in sets:
            reports.append(evaluate_draft(ls, args.db, Path(tmp), args.hint_tickers, score))
            _emit(reports[-1], args)
        if seed:
            if score:
                reports.append(evaluate_hand_seed(seed, args.db))
                _emit(reports[-1], args)
            if not args.seed_hand_only:
                reports.append(evaluate_draft(seed, args.db, Path(tmp), args.hint_tickers, score))
                _emit(reports[-1], args)
    if not args.json:
        ncols = DRAFT_COLUMNS if args.draft_only else len(COLUMNS)
        print("\n" + render_header(ncols))
        for report in reports:
            print(render_row(report, ncols))


def _emit(report: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str), flush=True)
    elif args.details:
        print("\n".join(render_details(report)), flush=True)
    else:
        for note in report.get("notes", []):
            print(f"{report['article']} [{report['ledger']}]: {note}", flush=True)


if __name__ == "__main__":
    main()
