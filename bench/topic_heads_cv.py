"""Nested cross-validation of the learned topic heads on the dev rows (test rows never read).

Why: `python -m nlp.train_topic_heads` picks each head's threshold on out-of-fold dev
probabilities and reports the F1 at that same threshold, which flatters the head (the
threshold is fitted to the rows it is scored on). Here the threshold is chosen inside each
outer fold's training part and scored on the outer fold, for three ways of using a head:
    add   rules OR prototypes OR head >= hi          (what the tagger does today)
    veto  (rules OR prototypes) AND head >= lo       (the head may drop a false alarm)
    both  veto, then OR head >= hi

Usage: .venv/bin/python bench/topic_heads_cv.py [--topics capex,cloud_growth]
Settings (l2, folds, seed, the `hi` grid) come from data/topic_heads_settings.yaml; the `lo`
grid is --veto-grid FROM TO STEP.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.train_topic_heads import (  # noqa: E402
    Settings,
    dev_matrix,
    f1,
    fit_logistic,
    load_settings,
    out_of_fold,
    predict,
)


def decide(base: np.ndarray, prob: np.ndarray, lo: float | None,
           hi: float | None) -> np.ndarray:
    """The tagger's decision for one topic with an optional veto and an optional addition."""
    pred = base.copy()
    if lo is not None:
        pred &= prob >= lo
    if hi is not None:
        pred |= prob >= hi
    return pred


def choose(base: np.ndarray, prob: np.ndarray, gold: np.ndarray, los: list[float | None],
           his: list[float | None]) -> tuple[float | None, float | None]:
    """The (lo, hi) with the best F1 on these rows; (None, None) when nothing beats the base."""
    best, pick = f1(base, gold), (None, None)
    for lo in los:
        for hi in his:
            score = f1(decide(base, prob, lo, hi), gold)
            if score > best + 1e-9:
                best, pick = score, (lo, hi)
    return pick


def nested_f1(x: np.ndarray, base: np.ndarray, gold: np.ndarray, s: Settings,
              los: list[float | None], his: list[float | None]) -> float:
    """Pooled F1 over outer folds; thresholds chosen on inner out-of-fold probabilities."""
    outer = replace(s, seed=s.seed + 1)
    rng = np.random.default_rng(outer.seed)
    fold = np.empty(len(gold), dtype=int)
    for cls in (True, False):
        idx = rng.permutation(np.flatnonzero(gold == cls))
        fold[idx] = np.arange(len(idx)) % s.folds
    pred = np.zeros(len(gold), dtype=bool)
    for k in range(s.folds):
        train, held = fold != k, fold == k
        inner = out_of_fold(x[train], gold[train], s)
        lo, hi = choose(base[train], inner, gold[train], los, his)
        w, b = fit_logistic(x[train], gold[train], s.l2)
        pred[held] = decide(base[held], predict(x[held], w, b), lo, hi)
    return f1(pred, gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", default=None, help="comma-separated topic ids (default all)")
    parser.add_argument("--veto-grid", nargs=3, type=float, default=[0.02, 0.50, 0.02],
                        metavar=("FROM", "TO", "STEP"))
    args = parser.parse_args()
    settings = load_settings()
    taxonomy, rows, vectors, base, _ = dev_matrix(settings, None)
    ids = list(taxonomy.topics)
    wanted = args.topics.split(",") if args.topics else ids
    start, stop, step = args.veto_grid
    los: list[float | None] = [round(float(v), 2) for v in np.arange(start, stop + step / 2, step)]
    his: list[float | None] = [round(float(v), 2) for v in settings.thresholds]
    print(f"{len(rows)} dev rows; nested {settings.folds}-fold CV, l2 {settings.l2}\n")
    print(f"{'topic':18} {'pos':>4} {'rules+proto':>11} {'add':>6} {'veto':>6} {'both':>6}")
    for tid in wanted:
        j = ids.index(tid)
        gold = np.array([tid in r["topics"] for r in rows])
        if gold.sum() < settings.min_positives:
            continue
        scores = [nested_f1(vectors, base[:, j], gold, settings, lo_grid, hi_grid)
                  for lo_grid, hi_grid in (([None], his), (los, [None]), (los, his))]
        print(f"{tid:18} {int(gold.sum()):4d} {f1(base[:, j], gold):11.3f} "
              + " ".join(f"{v:6.3f}" for v in scores), flush=True)


if __name__ == "__main__":
    main()
