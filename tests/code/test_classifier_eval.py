"""Scores of the classifier per batch: served answers at first contact, out-of-fold predictions
leave-one-batch-out, each batch's figure on a threshold its own texts did not choose."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from training.classifier_eval import GroupedFit, batch_splits, cause_scores, threshold_without
from triage.knowledge import OUT_OF_SCOPE

LABELS = ["a", "b", OUT_OF_SCOPE]


def _answer(in_scope: bool, *ids: str):
    return SimpleNamespace(in_scope=in_scope, causes=[SimpleNamespace(id=i) for i in ids])


def test_cause_scores_count_an_out_of_scope_answer_as_a_miss():
    answers = [
        _answer(True, "a", "b"),  # right
        _answer(True, "b", "a"),  # top-3 only
        _answer(False),  # rejected: wrong for both
        _answer(False),  # out of scope, recognised
        _answer(True, "a"),  # out of scope, missed
    ]
    scores = cause_scores(["a", "a", "b", OUT_OF_SCOPE, OUT_OF_SCOPE], answers)
    assert scores["top1"] == pytest.approx(1 / 3)
    assert scores["top3"] == pytest.approx(2 / 3)
    assert scores["false_rejects"] == 1
    assert scores["oos_recall"] == pytest.approx(0.5)


def test_a_batch_without_in_scope_texts_has_no_top1_rather_than_a_perfect_one():
    scores = cause_scores([OUT_OF_SCOPE], [_answer(False)])
    assert scores["top1"] is None and scores["oos_recall"] == 1.0


def _fit() -> GroupedFit:
    # batch x is confidently in scope, batch y half out of scope; columns follow LABELS
    proba = {
        "x": np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]]),
        "y": np.array([[0.05, 0.05, 0.9], [0.3, 0.3, 0.4]]),
        "z": np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]),
    }
    truth = {"x": ["a", "b"], "y": [OUT_OF_SCOPE, "a"], "z": ["a", OUT_OF_SCOPE]}
    return GroupedFit(LABELS, proba, truth)


def test_a_batch_threshold_is_chosen_without_its_own_texts():
    fit = _fit()
    # changing batch y's predictions cannot move the threshold y is scored with
    before = threshold_without(*fit.in_scope(), "y")
    fit.proba["y"] = np.array([[0.9, 0.05, 0.05], [0.05, 0.05, 0.9]])
    assert threshold_without(*fit.in_scope(), "y") == before


def test_pooled_scores_are_the_sum_of_the_batches():
    scores = _fit().scores()
    pooled, groups = scores["pooled"], scores["groups"]
    assert pooled["n"] == 6 == sum(g["n"] for g in groups.values())
    assert pooled["in_scope"] == 4 and pooled["out_of_scope"] == 2
    assert pooled["top1_count"] == sum(g["top1_count"] for g in groups.values())
    assert set(groups) == {"x", "y", "z"}


def test_each_batch_is_held_out_once_and_only_its_scored_rows_are_predicted():
    groups = ["a", "a", "b", "b", "c"]
    scored = np.array([True, False, True, True, False])  # c has nothing to score
    targets, splits = batch_splits(groups, scored)
    assert targets == ["a", "b"]
    (train_a, test_a), (train_b, test_b) = splits
    assert list(test_a) == [0] and list(train_a) == [2, 3, 4]
    assert list(test_b) == [2, 3] and list(train_b) == [0, 1, 4]
