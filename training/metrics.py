"""Scores shared by ``make train`` and ``make evaluate`` (so both print the same numbers)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score, log_loss

from triage.knowledge import OUT_OF_SCOPE


def scope_decisions(
    proba: np.ndarray, labels: Sequence[str], threshold: float | None
) -> np.ndarray:
    """Predicted label per row: the top cause, or out_of_scope when P(in scope) < threshold.

    ``threshold=None`` is the plain argmax over all labels (for models without a chosen threshold).
    """
    if threshold is None or OUT_OF_SCOPE not in labels:
        return np.asarray(labels)[proba.argmax(axis=1)]
    oos = list(labels).index(OUT_OF_SCOPE)
    causes_only = proba.copy()
    causes_only[:, oos] = -1.0
    top = np.asarray(labels)[causes_only.argmax(axis=1)]
    return np.where(1.0 - proba[:, oos] < threshold, OUT_OF_SCOPE, top)


def expected_calibration_error(proba: np.ndarray, y_index: np.ndarray, bins: int = 10) -> float:
    """Top-label ECE: the gap between confidence and accuracy, weighted over equal-width bins."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_index
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(ece)


def classification_scores(
    proba: np.ndarray, y: Sequence[str], labels: Sequence[str], threshold: float | None
) -> dict[str, float]:
    """Top-1/top-3 over in-scope texts, macro-F1 over all labels, and the scope decision.

    ``top1_accuracy``/``top3_accuracy`` rank the causes whatever the scope decision says; the
    ``served_`` forms count an in-scope text called out of scope as a miss, as a user sees it.
    A corpus without out-of-scope texts has no scope decision: its scores say nothing of it.
    """
    labels = list(labels)
    y = np.asarray(y)
    y_index = np.array([labels.index(v) for v in y])
    predicted = scope_decisions(proba, labels, threshold)
    in_scope = y != OUT_OF_SCOPE
    causes_only = proba.copy()
    if OUT_OF_SCOPE in labels:
        causes_only[:, labels.index(OUT_OF_SCOPE)] = -1.0
    ranked = np.argsort(-causes_only, axis=1)
    top1 = ranked[:, 0] == y_index
    top3 = (ranked[:, :3] == y_index[:, None]).any(axis=1)
    onehot = np.eye(len(labels))[y_index]
    scope = {}
    if OUT_OF_SCOPE in labels and (~in_scope).any():
        scope = {
            "oos_recall": float((predicted[~in_scope] == OUT_OF_SCOPE).mean()),
            "false_reject_rate": float((predicted[in_scope] == OUT_OF_SCOPE).mean()),
        }
    return {
        "n": len(y),
        "top1_accuracy": float(top1[in_scope].mean()),
        "top3_accuracy": float(top3[in_scope].mean()),
        "served_top1_accuracy": float((top1 & (predicted != OUT_OF_SCOPE))[in_scope].mean()),
        "served_top3_accuracy": float((top3 & (predicted != OUT_OF_SCOPE))[in_scope].mean()),
        "accuracy": float((predicted == y).mean()),
        "macro_f1": float(f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        **scope,
        "log_loss": float(log_loss(y_index, proba, labels=list(range(len(labels))))),
        "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()),
        "ece": expected_calibration_error(proba, y_index),
    }
