"""Per-topic precision and recall of the tagger on hand-labelled sentences from ../shared.

Usage:
    .venv/bin/python bench/topic_eval.py              # P/R with the data/topics.yaml thresholds
    .venv/bin/python bench/topic_eval.py --calibrate  # also suggest per-topic thresholds

Labels: data/labels/topic_sentences.jsonl ({"text", "source", "topics"}), labelled by reading.
Calibration picks, per topic, the semantic threshold with the best F1 on the even-numbered
labels and reports it on the odd-numbered ones, so the suggested value is not judged on the
sentences it was fitted to.
"""

from __future__ import annotations

import argparse
import json
import sys
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
    return p, r, f


def best_threshold(rule: np.ndarray, score: np.ndarray, gold: np.ndarray) -> float:
    best, best_f = 1.0, prf(rule, gold)[2]
    for thr in np.arange(0.30, 0.80, 0.01):
        f = prf(rule | (score >= thr), gold)[2]
        if f > best_f + 1e-9:
            best, best_f = float(thr), f
    return round(best, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    taxonomy = load_taxonomy()
    tagger = TopicTagger(taxonomy)
    texts = [r["text"] for r in rows]
    taggings = tagger.rule_tag(texts)
    vectors = encode_texts([t.embed_text for t in taggings])
    scores = tagger.semantic_scores(vectors, encode_texts)
    n = len(rows)
    print(f"{n} labelled sentences from {len({r['source'] for r in rows})} files "
          f"({sum(1 for r in rows if r['topics'])} with at least one topic)\n")
    header = (f"{'topic':18} {'pos':>4} {'thr':>5} | {'rules P':>7} {'R':>5} | "
              f"{'+semantic P':>11} {'R':>5} {'F1':>5}")
    if args.calibrate:
        header += f" | {'suggest':>7} {'held-out P':>10} {'R':>5}"
    print(header)
    print("-" * len(header))
    even = np.arange(n) % 2 == 0
    totals = {"rules": [0, 0, 0], "full": [0, 0, 0]}
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
        rp, rr, _ = prf(rule, gold)
        fp, fr, ff = prf(full, gold)
        for key, pred in (("rules", rule), ("full", full)):
            totals[key][0] += int((pred & gold).sum())
            totals[key][1] += int(pred.sum())
            totals[key][2] += int(gold.sum())
        line = (f"{tid:18} {int(gold.sum()):4d} {thr:5.2f} | {rp:7.2f} {rr:5.2f} | "
                f"{fp:11.2f} {fr:5.2f} {ff:5.2f}")
        if args.calibrate and topic.semantic:
            suggest = best_threshold(rule[even], score[even], gold[even])
            hp, hr, _ = prf(rule[~even] | (score[~even] >= suggest), gold[~even])
            line += f" | {suggest:7.2f} {hp:10.2f} {hr:5.2f}"
        print(line)
    for key, (tp, pred, gold) in totals.items():
        print(f"micro {key:5}: P {tp / max(pred, 1):.2f}  R {tp / max(gold, 1):.2f}  "
              f"(tp {tp}, predicted {pred}, gold {gold})")


if __name__ == "__main__":
    main()
