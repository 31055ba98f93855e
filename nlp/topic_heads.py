"""Learned topic heads: one logistic regression per topic over the sentence embedding.

The rules in data/topics.yaml fit the sentences they were written from; a head trained on the
labelled dev sentences (data/labels/topic_sentences.jsonl) adds the sentences that say the
same thing in other words. It costs one (n x 384) @ (384 x topics) product over embeddings
`enrich` has already computed.

Files (written by `python -m nlp.train_topic_heads`, named by `heads:` in data/topics.yaml):
    <name>.yaml  metadata: model, dim, label-file hash, weights hash, per-topic threshold
    <name>.npz   weights (topics x dim), bias (topics), topic ids in row order
A topic whose threshold is null has a head that did not help on dev; it is not used. A head
file that does not match the taxonomy or the embedding model is refused with a ConfigError
naming the file and line, never silently used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimtracker.errors import ConfigError
from claimtracker.models import EMBEDDING_MODEL_NAME
from claimtracker.schema import EMBEDDING_DIM
from claimtracker.yaml_lines import LINE, load_yaml

_META_KEYS = {"version", "model", "dim", "weights", "weights_sha256", "labels_sha256",
              "trained_on", "settings", "topics"}
_TOPIC_KEYS = {"threshold", "positives", "dev_f1_rules", "dev_f1_with_head"}
RETRAIN = "retrain with `python -m nlp.train_topic_heads`"


@dataclass(frozen=True)
class TopicHeads:
    """Per-topic linear heads over unit embeddings, with the dev-chosen decision thresholds."""

    topics: tuple[str, ...]
    weights: np.ndarray  # (topics, dim) float32
    bias: np.ndarray  # (topics,) float32
    thresholds: dict[str, float]  # only the topics whose head is used
    path: Path

    def probabilities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        """P(topic | sentence) for every used head, one value per row of `vectors`."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.weights.shape[1]:
            raise ConfigError(f"{self.path}: heads take {self.weights.shape[1]}-d vectors, "
                              f"got shape {vectors.shape}; {RETRAIN}.")
        logits = vectors @ self.weights.T + self.bias
        probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return {tid: probs[:, i] for i, tid in enumerate(self.topics) if tid in self.thresholds}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fail(path: Path, line: Any, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}; {RETRAIN}.")


def load_heads(meta_path: Path, topic_ids: set[str]) -> TopicHeads:
    """Read and check a head file pair against the taxonomy's topics and the embedding model."""
    try:
        raw = meta_path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read topic heads {meta_path}: {exc.strerror}; fix `heads:` "
                          f"in data/topics.yaml or {RETRAIN}.") from exc
    meta = load_yaml(raw, meta_path)
    if not isinstance(meta, dict):
        raise _fail(meta_path, 1, "expected a mapping with model, dim, weights and topics")
    unknown = set(meta) - _META_KEYS - {LINE}
    if unknown:
        raise _fail(meta_path, meta[LINE], f"unknown keys {sorted(unknown)}")
    if meta.get("model") != EMBEDDING_MODEL_NAME:
        raise _fail(meta_path, meta[LINE], f"heads were trained on {meta.get('model')!r} "
                    f"embeddings, the tagger uses {EMBEDDING_MODEL_NAME!r}")
    if meta.get("dim") != EMBEDDING_DIM:
        raise _fail(meta_path, meta[LINE],
                    f"heads take {meta.get('dim')}-d vectors, embeddings are {EMBEDDING_DIM}-d")
    weights_path = meta_path.parent / str(meta.get("weights"))
    try:
        actual = file_digest(weights_path)
    except OSError as exc:
        raise _fail(meta_path, meta[LINE], f"cannot read weights {weights_path}: "
                    f"{exc.strerror}") from exc
    if actual != meta.get("weights_sha256"):
        raise _fail(meta_path, meta[LINE], f"{weights_path.name} does not match its "
                    "weights_sha256 (one file changed without the other)")
    with np.load(weights_path, allow_pickle=False) as npz:
        order = tuple(str(t) for t in npz["topics"])
        weights = np.asarray(npz["weights"], dtype=np.float32)
        bias = np.asarray(npz["bias"], dtype=np.float32)
    if weights.shape != (len(order), EMBEDDING_DIM) or bias.shape != (len(order),):
        raise _fail(meta_path, meta[LINE], f"weights have shape {weights.shape}, expected "
                    f"({len(order)}, {EMBEDDING_DIM})")
    topics = meta.get("topics")
    if not isinstance(topics, dict):
        raise _fail(meta_path, meta[LINE], "`topics:` must map topic id -> {threshold, ...}")
    thresholds: dict[str, float] = {}
    for tid, entry in topics.items():
        if tid == LINE:
            continue
        line = entry.get(LINE, meta[LINE]) if isinstance(entry, dict) else meta[LINE]
        if tid not in order:
            raise _fail(meta_path, line, f"topic {tid} has no weights in {weights_path.name}")
        if tid not in topic_ids:
            raise _fail(meta_path, line, f"topic {tid} is not in the taxonomy any more")
        if not isinstance(entry, dict) or set(entry) - _TOPIC_KEYS - {LINE}:
            raise _fail(meta_path, line, f"topic {tid} must be a mapping of {sorted(_TOPIC_KEYS)}")
        threshold = entry.get("threshold")
        if threshold is None:
            continue
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
                or not 0 < threshold < 1:
            raise _fail(meta_path, line, f"topic {tid}: threshold {threshold!r} must be a "
                        "probability in (0, 1) or null (head not used)")
        thresholds[tid] = float(threshold)
    return TopicHeads(order, weights, bias, thresholds, meta_path)
