"""Learned topic heads: the files are checked against the taxonomy and the embedding model,
their version is part of the taxonomy digest (so enrich re-tags), and the trainer's pieces
(logistic fit, dev-chosen threshold, settings) behave as documented."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
import yaml

from claimtracker.errors import ConfigError
from claimtracker.schema import EMBEDDING_DIM
from nlp.taxonomy import load_taxonomy
from nlp.topic_heads import load_heads
from nlp.train_topic_heads import (
    SETTINGS,
    choose_threshold,
    fit_logistic,
    load_settings,
    predict,
)

TOPICS = ("version: 1\nheads: heads.yaml\ntopics:\n  capex:\n    description: d\n"
          "    terms: [capex]\n")


def _write_heads(directory: Path, *, dim: int = EMBEDDING_DIM, topic: str = "capex",
                 threshold: float | None = 0.8, tamper: bool = False) -> Path:
    buffer = io.BytesIO()
    np.savez(buffer, topics=np.array([topic]), weights=np.ones((1, dim), dtype=np.float32),
             bias=np.zeros(1, dtype=np.float32))
    (directory / "heads.npz").write_bytes(buffer.getvalue() + (b"x" if tamper else b""))
    meta = {"version": 1, "model": "all-MiniLM-L6-v2", "dim": dim, "weights": "heads.npz",
            "weights_sha256": hashlib.sha256(buffer.getvalue()).hexdigest(),
            "labels_sha256": "0" * 64, "trained_on": "3 dev rows", "settings": {},
            "topics": {topic: {"threshold": threshold, "positives": 20}}}
    path = directory / "heads.yaml"
    path.write_text(yaml.safe_dump(meta, sort_keys=False))
    return path


def test_heads_file_loads_and_scores(tmp_path: Path) -> None:
    heads = load_heads(_write_heads(tmp_path), {"capex"})
    vectors = np.zeros((2, EMBEDDING_DIM), dtype=np.float32)
    vectors[0, :] = 1 / np.sqrt(EMBEDDING_DIM)
    probs = heads.probabilities(vectors)["capex"]
    assert probs[0] > 0.99 and probs[1] == pytest.approx(0.5)


def test_unused_head_has_no_threshold(tmp_path: Path) -> None:
    heads = load_heads(_write_heads(tmp_path, threshold=None), {"capex"})
    assert heads.probabilities(np.zeros((1, EMBEDDING_DIM))) == {}


@pytest.mark.parametrize(
    ("kwargs", "topics", "message"),
    [
        ({"dim": 768}, {"capex"}, r"heads\.yaml:1: heads take 768-d vectors, embeddings are 384"),
        ({"topic": "robotics"}, {"capex"}, r"heads\.yaml:\d+: topic robotics is not in the tax"),
        ({"tamper": True}, {"capex"}, r"heads\.npz does not match its weights_sha256"),
        ({"threshold": 1.5}, {"capex"}, r"threshold 1\.5 must be a probability"),
    ],
)
def test_stale_or_broken_heads_are_refused_with_file_and_line(
        tmp_path: Path, kwargs: dict, topics: set[str], message: str) -> None:
    path = _write_heads(tmp_path, **kwargs)
    with pytest.raises(ConfigError, match=message) as info:
        load_heads(path, topics)
    assert "python -m nlp.train_topic_heads" in str(info.value)


def test_taxonomy_digest_follows_the_heads_file(tmp_path: Path) -> None:
    topics = tmp_path / "topics.yaml"
    topics.write_text(TOPICS)
    with pytest.raises(ConfigError, match=r"topics\.yaml: cannot read heads file"):
        load_taxonomy(topics)
    assert load_taxonomy(topics, heads=False).heads_path is None  # the trainer's view
    heads = _write_heads(tmp_path)
    first = load_taxonomy(topics)
    assert first.heads_path == heads
    meta = yaml.safe_load(heads.read_text())
    meta["topics"]["capex"]["threshold"] = 0.9  # a retrained head: stored tags must refresh
    heads.write_text(yaml.safe_dump(meta, sort_keys=False) + "# retrained\n")
    assert load_taxonomy(topics).digest != first.digest


def test_heads_key_must_name_a_file(tmp_path: Path) -> None:
    topics = tmp_path / "topics.yaml"
    topics.write_text(TOPICS.replace("heads: heads.yaml", "heads: [a, b]"))
    with pytest.raises(ConfigError, match=r"topics\.yaml:2: heads \['a', 'b'\] must name a file"):
        load_taxonomy(topics)


def test_logistic_fit_separates_and_threshold_needs_a_real_gain() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x[:, 0] > 0
    w, b = fit_logistic(x, y, l2=0.1)
    assert ((predict(x, w, b) >= 0.5) == y).mean() > 0.95
    settings = load_settings(SETTINGS)
    rules = y & (x[:, 1] > 0)  # rules that find half of the positives
    probs = predict(x, w, b)
    threshold, before, after = choose_threshold(rules, probs, y, settings)
    assert threshold is not None and after > before + settings.min_gain
    assert choose_threshold(y, probs, y, settings)[0] is None  # perfect rules: no head


def test_settings_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "settings.yaml"
    bad.write_text(SETTINGS.read_text().replace("folds: 5", "folds: one"))
    with pytest.raises(ConfigError, match=r"settings\.yaml:\d+: folds 'one' must be a whole"):
        load_settings(bad)
