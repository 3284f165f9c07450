"""The classifier: spaCy processing -> word and character TF-IDF -> temperature-calibrated
logistic regression, plus the out-of-scope abstention threshold chosen on training folds."""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from training.features import SpacyTextProcessor, make_vectorizer
from triage.text import ScopeLexicon

SEED = 0
CV_FOLDS = 5  # calibration, out-of-fold thresholds and the model comparison all use these


def make_pipeline(
    lexicon: ScopeLexicon, C: float = 20.0, calibration_folds: int = CV_FOLDS
) -> Pipeline:
    """Temperature scaling keeps the model linear (softmax(z / T)), so per-word evidence stays exact
    and probabilities are calibrated on out-of-fold predictions of the training split."""
    base = LogisticRegression(C=C, max_iter=5000, random_state=SEED)
    calibrated = CalibratedClassifierCV(
        base,
        method="temperature",
        ensemble=False,
        cv=StratifiedKFold(calibration_folds, shuffle=True, random_state=SEED),
    )
    return Pipeline(
        [
            ("text", SpacyTextProcessor(lexicon)),
            ("features", make_vectorizer()),
            ("clf", calibrated),
        ]
    )


def choose_scope_threshold(
    in_scope_prob: np.ndarray, is_in_scope: np.ndarray, max_false_reject: float = 0.03
) -> float:
    """Threshold on P(in scope), from out-of-fold predictions of the training split.

    Maximises Youden's J (out-of-scope recall minus the false-reject rate) over a coarse grid,
    among thresholds that wrongly reject at most ``max_false_reject`` of the in-scope texts. Ties
    go to the threshold nearest 0.5: a coarse grid and a plateau-centred choice keep it from
    overfitting the exact out-of-fold values.
    """
    inside, outside = in_scope_prob[is_in_scope], in_scope_prob[~is_in_scope]
    best, best_key = 0.5, None
    for theta in np.round(np.arange(0.05, 0.96, 0.05), 2):
        false_reject = float(np.mean(inside < theta)) if inside.size else 0.0
        if false_reject > max_false_reject:
            continue
        recall = float(np.mean(outside < theta)) if outside.size else 0.0
        key = (round(recall - false_reject, 6), -abs(theta - 0.5))
        if best_key is None or key > best_key:
            best, best_key = float(theta), key
    return best
