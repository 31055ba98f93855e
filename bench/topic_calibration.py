"""Calibrate the topic-mapping threshold of `claims extract` on labelled (sentence, topic) pairs.

Labelled pairs: every sentence of the seed article that lies inside a ledger quote, with the
topics the ledger gives that claim (positives); all other topics are negatives. Prints, for a
grid of z thresholds, precision / recall / F1 over the pairs, for raw cosines and for the
per-topic standardised scores, so the chosen Z_MIN in claims/topic_map.py can be checked.

Run: .venv/bin/python bench/topic_calibration.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claims.ledger import load_ledger, normalise_space
from claims.sentences import split_sentences
from claims.topic_map import MAX_TOPICS, TopicMapper, term_topics

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "data" / "claims" / "amazon-next-cycle.yaml"
ARTICLE = ROOT.parent / "shared" / "articles" / "amazon-next-cycle.ko.txt"


def labelled_pairs() -> tuple[list[str], list[str], list[set[str]]]:
    """(all article sentences, labelled sentences, their gold topic sets)."""
    ledger = load_ledger(LEDGER)
    sentences = [s.text for s in split_sentences(ARTICLE.read_text(encoding="utf-8"))]
    labelled, gold = [], []
    for sentence in sentences:
        topics: set[str] = set()
        for claim in ledger.claims:
            if normalise_space(sentence) in normalise_space(claim.quote):
                topics |= set(claim.topics)
        if topics:
            labelled.append(sentence)
            gold.append(topics)
    return sentences, labelled, gold


def prf(pred: list[set[str]], gold: list[set[str]]) -> tuple[float, float, float]:
    tp = sum(len(p & g) for p, g in zip(pred, gold, strict=True))
    fp = sum(len(p - g) for p, g in zip(pred, gold, strict=True))
    fn = sum(len(g - p) for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    sentences, labelled, gold = labelled_pairs()
    mapper = TopicMapper()
    cos = mapper.cosines(sentences)
    z = mapper.standardise(cos)
    rows = [sentences.index(s) for s in labelled]
    ids = mapper.topic_ids
    print(f"{len(labelled)} labelled sentences, {sum(map(len, gold))} positive pairs, "
          f"{len(labelled) * len(ids) - sum(map(len, gold))} negative pairs, {len(ids)} topics")
    pos = [cos[r, ids.index(t)] for r, g in zip(rows, gold, strict=True) for t in g]
    neg = [cos[r, i] for r, g in zip(rows, gold, strict=True)
           for i, t in enumerate(ids) if t not in g]
    print(f"raw cosine: positives mean {np.mean(pos):.3f}, negatives mean {np.mean(neg):.3f}")
    for name, matrix in (("cosine", cos), ("z-score", z)):
        top1 = sum(ids[int(np.argmax(matrix[r]))] in g for r, g in zip(rows, gold, strict=True))
        print(f"top-1 topic is a gold topic ({name}): {top1}/{len(rows)}")
    for name, matrix, grid in (("cosine", cos, np.arange(0.78, 0.87, 0.01)),
                               ("z-score", z, np.arange(0.5, 2.6, 0.25))):
        print(f"-- {name} threshold (top {MAX_TOPICS} at most)")
        for threshold in grid:
            pred = []
            for r in rows:
                order = np.argsort(-matrix[r])[:MAX_TOPICS]
                pred.append({ids[i] for i in order if matrix[r, i] >= threshold})
            p, rec, f1 = prf(pred, gold)
            print(f"  {threshold:5.2f}  precision {p:.2f}  recall {rec:.2f}  F1 {f1:.2f}")
    terms = [set(term_topics(mapper.taxonomy, s)) for s in labelled]
    p, rec, f1 = prf(terms, gold)
    print(f"-- taxonomy terms alone: precision {p:.2f}  recall {rec:.2f}  F1 {f1:.2f}")
    print(f"-- terms + z-score threshold (top {MAX_TOPICS} at most), as `claims extract` does")
    for threshold in np.arange(0.5, 2.6, 0.25):
        mapped = mapper.map(sentences, z_min=float(threshold), cosines=cos)
        pred = [{t.topic for t in mapped[r]} for r in rows]
        p, rec, f1 = prf(pred, gold)
        print(f"  {threshold:5.2f}  precision {p:.2f}  recall {rec:.2f}  F1 {f1:.2f}")


if __name__ == "__main__":
    main()
