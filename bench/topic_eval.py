"""Per-topic precision, recall and F1 of the tagger on hand-labelled sentences from ../shared.

Usage:
    .venv/bin/python bench/topic_eval.py                 # every label, data/topics.yaml thresholds
    .venv/bin/python bench/topic_eval.py --split dev     # only the labels used for tuning
    .venv/bin/python bench/topic_eval.py --split test    # only the held-out labels
    .venv/bin/python bench/topic_eval.py --calibrate     # also suggest per-topic thresholds
    .venv/bin/python bench/topic_eval.py --errors capex  # list capex's misses and false alarms

Labels: data/labels/topic_sentences.jsonl ({"text", "source", "topics", "split"}), labelled by
reading. `split` is `dev` (rules and thresholds are tuned on it; a row without it is dev) or
`test` (fixed when the row was written, before any result was seen; never tuned on). A new
row's split comes from its text, not from a choice: `test` when int(sha1(text), 16) % 10 < 4,
else `dev` (the first rows, written before the split existed, are all dev). Every topic of a
row is labelled, so a row is a negative for each topic it does not list.
Calibration picks, per topic, the semantic threshold with the best F1 on the dev rows and
reports it on the test rows, so the suggested value is not judged on what it was fitted to;
`--calibrate --split dev` suggests thresholds without scoring a single test row.
`head` is the threshold of the topic's learned head (data/topic_heads.yaml, trained on dev
rows only by `python -m nlp.train_topic_heads`); `-` means rules + prototypes only.
Macro-F1 averages the topics that have at least one positive label in the rows evaluated
(a topic nobody labelled cannot be scored); the others are listed as "not labelled".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.embedder import encode_texts  # noqa: E402
from nlp.tagger import TopicTagger  # noqa: E402
from nlp.taxonomy import load_taxonomy  # noqa: E402

LABELS = ROOT / "data" / "labels" / "topic_sentences.jsonl"


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float((pred & gold).sum())
    p = tp / pred.sum() if pred.sum() else float("nan")
    r = tp / gold.sum() if gold.sum() else float("nan")
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    if not pred.sum() and gold.sum():
        f = 0.0
    return p, r, f


def best_threshold(rule: np.ndarray, score: np.ndarray, gold: np.ndarray) -> float:
    best, best_f = 1.0, prf(rule, gold)[2]
    for thr in np.arange(0.30, 0.80, 0.01):
        f = prf(rule | (score >= thr), gold)[2]
        if f > best_f + 1e-9:
            best, best_f = float(thr), f
    return round(best, 2)


def load_rows(path: Path, split: str) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if split == "all":
        return rows
    return [r for r in rows if r.get("split", "dev") == split]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--taxonomy", type=Path, default=None,
                        help="another topics.yaml (e.g. an older version, to compare)")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--errors", metavar="TOPIC",
                        help="print the misses and false alarms of TOPIC (or `all`)")
    args = parser.parse_args()

    rows = load_rows(args.labels, args.split)
    taxonomy = load_taxonomy(args.taxonomy)
    tagger = TopicTagger(taxonomy)
    texts = [r["text"] for r in rows]
    started = time.perf_counter()
    taggings = tagger.rule_tag(texts)
    rule_seconds = time.perf_counter() - started
    vectors = encode_texts([t.embed_text for t in taggings])
    started = time.perf_counter()
    scores = tagger.semantic_scores(vectors, encode_texts)
    heads = tagger.head_probabilities(vectors)
    head_thr = tagger.heads.thresholds if tagger.heads else {}
    semantic_seconds = time.perf_counter() - started
    n = len(rows)
    dev = np.array([r.get("split", "dev") == "dev" for r in rows])
    print(f"{n} labelled sentences ({args.split}) from {len({r['source'] for r in rows})} files "
          f"({sum(1 for r in rows if r['topics'])} with at least one topic)\n")
    header = (f"{'topic':18} {'pos':>4} {'thr':>5} {'head':>5} | {'rules P':>7} {'R':>5} | "
              f"{'+sem+head P':>11} {'R':>5} {'F1':>5}")
    held_out = (~dev).any()
    if args.calibrate:
        header += f" | {'suggest':>7}" + (f" {'test P':>7} {'R':>5}" if held_out else "")
    print(header)
    print("-" * len(header))
    totals = {"rules": [0, 0, 0], "full": [0, 0, 0]}
    f1s: list[float] = []
    unlabelled: list[str] = []
    for tid, topic in taxonomy.topics.items():
        gold = np.array([tid in r["topics"] for r in rows])
        rule = np.array([any(m.topic == tid and m.method == "ruler" for m in t.mentions)
                         for t in taggings])
        score = scores.get(tid, np.zeros(n))
        # Topics implied by another topic's semantic match (trainium -> custom_silicon).
        implied_by = [s for s, t in taxonomy.topics.items() if tid in t.implies and s in scores]
        thr = topic.semantic.threshold if topic.semantic else 1.01
        full = rule | (score >= thr)
        for other in implied_by:
            full |= scores[other] >= taxonomy.topics[other].semantic.threshold
        for source in [tid] + [s for s, t in taxonomy.topics.items() if tid in t.implies]:
            if source in heads:  # the learned head (nlp/topic_heads.py), when one is used
                full |= heads[source] >= head_thr[source]
        if not gold.any():
            unlabelled.append(f"{tid} ({int(full.sum())} tagged)")
            continue
        rp, rr, _ = prf(rule, gold)
        fp, fr, ff = prf(full, gold)
        f1s.append(ff)
        for key, pred in (("rules", rule), ("full", full)):
            totals[key][0] += int((pred & gold).sum())
            totals[key][1] += int(pred.sum())
            totals[key][2] += int(gold.sum())
        hthr = f"{head_thr[tid]:5.2f}" if tid in head_thr else f"{'-':>5}"
        line = (f"{tid:18} {int(gold.sum()):4d} {thr:5.2f} {hthr} | {rp:7.2f} {rr:5.2f} | "
                f"{fp:11.2f} {fr:5.2f} {ff:5.2f}")
        if args.calibrate and topic.semantic and dev.any():
            # Fitted on dev rows only; with --split dev the test rows are never scored.
            suggest = best_threshold(rule[dev], score[dev], gold[dev])
            line += f" | {suggest:7.2f}"
            if held_out:
                hp, hr, _ = prf(rule[~dev] | (score[~dev] >= suggest), gold[~dev])
                line += f" {hp:7.2f} {hr:5.2f}"
        print(line)
        if args.errors in (tid, "all"):
            for i in np.flatnonzero(full != gold):
                kind = "MISS" if gold[i] else "FALSE"
                head = f" head {heads[tid][i]:.2f}" if tid in heads else ""
                print(f"    {kind} {tid} {score[i]:.2f}{head} {rows[i]['source']}: "
                      f"{rows[i]['text'][:200]}")
    for key, (tp, pred, gold) in totals.items():
        print(f"micro {key:5}: P {tp / max(pred, 1):.2f}  R {tp / max(gold, 1):.2f}  "
              f"(tp {tp}, predicted {pred}, gold {gold})")
    print(f"macro-F1 (rules + semantic + heads, {len(f1s)} labelled topics): {np.mean(f1s):.3f}; "
          f"min F1 {min(f1s):.2f}")
    if unlabelled:
        print("not labelled here: " + ", ".join(unlabelled))
    print(f"time: rules {1000 * rule_seconds / max(n, 1):.2f} ms/sentence, "
          f"semantic scoring {1000 * semantic_seconds / max(n, 1):.3f} ms/sentence "
          f"(embedding excluded: enrich computes it anyway)")


if __name__ == "__main__":
    main()
