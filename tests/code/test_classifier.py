"""The out-of-scope threshold is chosen from out-of-fold probabilities by a stated rule."""

from __future__ import annotations

import numpy as np

from training.classifier import choose_scope_threshold


def test_threshold_separates_and_prefers_the_middle_of_a_plateau():
    inside = np.array([0.95, 0.9, 0.85, 0.99, 0.8])
    outside = np.array([0.1, 0.05, 0.2, 0.15])
    prob = np.concatenate([inside, outside])
    is_in = np.array([True] * 5 + [False] * 4)
    assert choose_scope_threshold(prob, is_in) == 0.5  # every threshold in (0.2, 0.8] is perfect


def test_threshold_respects_the_false_reject_cap():
    inside = np.array([0.3] * 10 + [0.95] * 90)
    outside = np.array([0.25] * 50)
    prob = np.concatenate([inside, outside])
    is_in = np.array([True] * 100 + [False] * 50)
    theta = choose_scope_threshold(prob, is_in, max_false_reject=0.03)
    assert np.mean(inside < theta) <= 0.03
    assert theta <= 0.3
