"""bench/topic_heads_cv.py: a veto drops only rule hits the head rejects, and the threshold
search keeps the rules when no (lo, hi) beats them (so the nested F1 can fall back to rules)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_PATH = Path(__file__).resolve().parents[2] / "bench" / "topic_heads_cv.py"
_SPEC = importlib.util.spec_from_file_location("topic_heads_cv", _PATH)
assert _SPEC and _SPEC.loader
cv = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(cv)


def test_veto_and_addition() -> None:
    base = np.array([True, True, False, False])
    prob = np.array([0.9, 0.05, 0.97, 0.2])
    assert cv.decide(base, prob, 0.1, None).tolist() == [True, False, False, False]
    assert cv.decide(base, prob, None, 0.95).tolist() == [True, True, True, False]
    assert cv.decide(base, prob, 0.1, 0.95).tolist() == [True, False, True, False]


def test_choose_keeps_rules_without_gain_and_finds_a_useful_veto() -> None:
    gold = np.array([True, True, False, False])
    perfect = np.array([True, True, False, False])
    prob = np.array([0.9, 0.8, 0.1, 0.2])
    assert cv.choose(perfect, prob, gold, [0.3], [0.95]) == (None, None)
    noisy = np.array([True, True, True, False])  # one rule false alarm the head rejects
    assert cv.choose(noisy, prob, gold, [0.3], [None]) == (0.3, None)
