"""Train the learned topic heads on the labelled dev sentences: `python -m nlp.train_topic_heads`.

Why: the rules fit the sentences they were written from; a per-topic logistic regression over
the sentence embedding (which `enrich` computes anyway) generalises from the labels instead.
Only `split: dev` rows are used (test rows are never seen). Each head's threshold is chosen
on out-of-fold dev probabilities, for the tagger's real decision (rules OR prototypes OR
head); a head that does not gain `min_gain` F1 there is written with threshold null (unused).
Settings: data/topic_heads_settings.yaml. Output: data/<output>.yaml and data/<output>.npz.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.models import EMBEDDING_MODEL_NAME
from claimtracker.schema import EMBEDDING_DIM
from claimtracker.yaml_lines import LINE, load_yaml

SETTINGS = REPO_DATA_DIR / "topic_heads_settings.yaml"
_KEYS = {"version", "labels", "output", "l2", "folds", "seed", "min_positives", "min_gain",
         "thresholds", "skip_topics"}


@dataclass(frozen=True)
class Settings:
    labels: Path
    output: str
    out_dir: Path  # the settings file's directory (data/), where topics.yaml finds the heads
    l2: float
    folds: int
    seed: int
    min_positives: int
    min_gain: float
    thresholds: np.ndarray
    skip_topics: tuple[str, ...]


def _number(path: Path, raw: dict[str, Any], key: str, kind: type, low: float) -> Any:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low \
            or (kind is int and not isinstance(value, int)):
        what = "whole number" if kind is int else "number"
        raise ConfigError(f"{path}:{raw[LINE]}: {key} {value!r} must be a {what} >= {low}.")
    return kind(value)


def load_settings(path: Path = SETTINGS) -> Settings:
    """The training settings, checked; errors name the file and line."""
    raw = load_yaml(path.read_bytes(), path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: expected a mapping of training settings.")
    unknown = set(raw) - _KEYS - {LINE}
    if unknown:
        raise ConfigError(f"{path}:{raw[LINE]}: unknown keys {sorted(unknown)}; use "
                          f"{sorted(_KEYS)}.")
    grid = raw.get("thresholds")
    if not (isinstance(grid, list) and len(grid) == 3
            and all(isinstance(v, (int, float)) for v in grid) and 0 < grid[0] < grid[1] < 1
            and grid[2] > 0):
        raise ConfigError(f"{path}:{raw[LINE]}: thresholds must be [from, to, step] with "
                          "0 < from < to < 1, e.g. [0.30, 0.98, 0.02].")
    skip = raw.get("skip_topics") or []
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise ConfigError(f"{path}:{raw[LINE]}: skip_topics must be a list of topic ids.")
    return Settings(
        labels=path.parent / str(raw.get("labels")), output=str(raw.get("output")),
        out_dir=path.parent,
        l2=_number(path, raw, "l2", float, 1e-6), folds=_number(path, raw, "folds", int, 2),
        seed=_number(path, raw, "seed", int, 0),
        min_positives=_number(path, raw, "min_positives", int, 2),
        min_gain=_number(path, raw, "min_gain", float, 0.0),
        thresholds=np.arange(grid[0], grid[1] + grid[2] / 2, grid[2]), skip_topics=tuple(skip))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 25) -> tuple[np.ndarray,
                                                                                  float]:
    """Class-balanced L2 logistic regression by Newton steps (385 x 385 solves: milliseconds)."""
    n, d = x.shape
    pos = max(int(y.sum()), 1)
    weight = np.where(y, n / (2 * pos), n / (2 * max(n - pos, 1)))
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ theta, -30, 30)))
        grad = xb.T @ (weight * (p - y)) + penalty * theta
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta[:-1], float(theta[-1])


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -30, 30)))


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 2 * tp / (pred.sum() + gold.sum()) if tp else 0.0


def out_of_fold(x: np.ndarray, y: np.ndarray, s: Settings) -> np.ndarray:
    """Each row's probability from a head trained on the other folds (stratified)."""
    rng = np.random.default_rng(s.seed)
    fold = np.empty(len(y), dtype=int)
    for cls in (True, False):
        idx = rng.permutation(np.flatnonzero(y == cls))
        fold[idx] = np.arange(len(idx)) % s.folds
    oof = np.zeros(len(y))
    for k in range(s.folds):
        w, b = fit_logistic(x[fold != k], y[fold != k], s.l2)
        oof[fold == k] = predict(x[fold == k], w, b)
    return oof


def choose_threshold(base: np.ndarray, oof: np.ndarray, gold: np.ndarray,
                     s: Settings) -> tuple[float | None, float, float]:
    """(threshold or None, F1 without head, best F1 with it) on the cross-validated rows."""
    before = f1(base, gold)
    best, best_f = None, before
    for thr in s.thresholds:
        score = f1(base | (oof >= thr), gold)
        if score > best_f + 1e-9:
            best, best_f = round(float(thr), 2), score
    if best is None or best_f - before < s.min_gain:
        return None, before, before
    return best, before, best_f


def dev_matrix(settings: Settings, taxonomy_path: str | None) -> tuple[Any, list[dict], np.ndarray,
                                                                       np.ndarray, str]:
    """The dev rows, their glossed-text embeddings, the tagger's topics without heads, and
    the label file's hash."""
    from nlp.embedder import encode_texts
    from nlp.tagger import TopicTagger
    from nlp.taxonomy import load_taxonomy

    raw = settings.labels.read_bytes()
    rows = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("split", "dev") == "dev"]
    # The decision the heads are added to: rules + prototypes (no heads, old or missing).
    tagger = TopicTagger(load_taxonomy(taxonomy_path, heads=False))
    taggings = tagger.rule_tag([r["text"] for r in rows])
    vectors = encode_texts([t.embed_text for t in taggings])
    tagger.add_semantic(taggings, vectors, encode_texts)
    ids = list(tagger.taxonomy.topics)
    base = np.array([[tid in t.topics for tid in ids] for t in taggings])
    return tagger.taxonomy, rows, np.asarray(vectors, dtype=np.float64), base, \
        hashlib.sha256(raw).hexdigest()


def train(settings: Settings, taxonomy_path: str | None = None) -> dict[str, Any]:
    """Fit every head, write the .npz and .yaml next to the settings, return the metadata."""
    taxonomy, rows, vectors, base, labels_sha = dev_matrix(settings, taxonomy_path)
    ids = list(taxonomy.topics)
    topics, weights, bias, meta_topics = [], [], [], {}
    for j, tid in enumerate(ids):
        gold = np.array([tid in r["topics"] for r in rows])
        if tid in settings.skip_topics or gold.sum() < settings.min_positives:
            continue
        threshold, before, after = choose_threshold(base[:, j], out_of_fold(vectors, gold,
                                                                             settings),
                                                    gold, settings)
        w, b = fit_logistic(vectors, gold, settings.l2)
        topics.append(tid)
        weights.append(w)
        bias.append(b)
        meta_topics[tid] = {"threshold": threshold, "positives": int(gold.sum()),
                            "dev_f1_rules": round(float(before), 3),
                            "dev_f1_with_head": round(float(after), 3)}
    out_dir = settings.out_dir
    npz_path = out_dir / f"{settings.output}.npz"
    buffer = io.BytesIO()
    np.savez(buffer, topics=np.array(topics), weights=np.array(weights, dtype=np.float32),
             bias=np.array(bias, dtype=np.float32))
    npz_path.write_bytes(buffer.getvalue())
    meta = {
        "version": 1, "model": EMBEDDING_MODEL_NAME, "dim": EMBEDDING_DIM,
        "weights": npz_path.name,
        "weights_sha256": hashlib.sha256(buffer.getvalue()).hexdigest(),
        "labels_sha256": labels_sha, "trained_on": f"{len(rows)} dev rows",
        "settings": {"l2": settings.l2, "folds": settings.folds, "seed": settings.seed,
                     "min_gain": settings.min_gain},
        "topics": meta_topics,
    }
    header = ("# Written by `python -m nlp.train_topic_heads` (do not edit; retrain instead).\n"
              "# threshold null: the head did not gain on cross-validated dev rows, unused.\n")
    (out_dir / f"{settings.output}.yaml").write_text(
        header + yaml.safe_dump(meta, sort_keys=False))
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", type=Path, default=SETTINGS)
    parser.add_argument("--taxonomy", default=None, help="topics.yaml to tag with")
    args = parser.parse_args()
    meta = train(load_settings(args.settings), args.taxonomy)
    for tid, entry in meta["topics"].items():
        print(f"{tid:18} pos {entry['positives']:4d} thr {entry['threshold']!s:>5}  dev CV F1 "
              f"{entry['dev_f1_rules']:.3f} -> {entry['dev_f1_with_head']:.3f}")


if __name__ == "__main__":
    main()
