"""Exporting fitted scikit-learn models to their serving form (``triage.compact``).

Here, in training, because it reads scikit-learn's fitted attributes; the serving form itself
holds plain arrays and needs no scikit-learn. The cause classifier and the warning-sign detector
share the vectorizer of ``training.features.make_vectorizer``, so both export through
``compact_from_parts``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from triage.compact import CompactLinearModel
from triage.text import ScopeLexicon, drop_negated


def compact_from_parts(
    lexicon: ScopeLexicon | None,
    features: Any,
    labels: list[str],
    weights: np.ndarray,
    intercept: np.ndarray,
    beta: float,
) -> CompactLinearModel:
    """A fitted ``make_vectorizer()`` FeatureUnion and a linear model over its features
    (``weights``: features x labels); refuse any other vectorizer."""
    words = features.transformer_list[0][1]
    chars = features.transformer_list[1][1]
    if features.transformer_weights:
        raise ValueError("transformer weights are not supported by the compact model")
    if words.token_pattern != r"[^ ]+" or words.ngram_range != (1, 2) or words.lowercase:
        raise ValueError("the compact model expects the word vectorizer of make_vectorizer()")
    if chars.analyzer != "char_wb" or chars.norm != "l2" or words.norm != "l2":
        raise ValueError("the compact model expects char_wb n-grams and l2 norms")
    if chars.lowercase or chars.preprocessor is not drop_negated:
        raise ValueError("the compact model expects the char preprocessor drop_negated")
    params = {
        "labels": [str(c) for c in labels],
        "word_vocabulary": {k: int(v) for k, v in words.vocabulary_.items()},
        "char_vocabulary": {k: int(v) for k, v in chars.vocabulary_.items()},
        "char_ngram_range": list(chars.ngram_range),
        "word_sublinear_tf": bool(words.sublinear_tf),
        "char_sublinear_tf": bool(chars.sublinear_tf),
        "beta": float(beta),
        "scope": asdict(lexicon or ScopeLexicon()),
    }
    return CompactLinearModel(
        params,
        idf=np.concatenate([words.idf_, chars.idf_]),
        weights=np.asarray(weights, dtype=np.float64),
        intercept=np.asarray(intercept, dtype=np.float64),
    )


def compact_from_pipeline(pipeline: Any) -> CompactLinearModel:
    """Read the fitted pipeline of ``training.classifier.make_pipeline``; refuse any other."""
    clf = pipeline.named_steps["clf"]
    calibrated = clf.calibrated_classifiers_[0]
    if len(clf.calibrated_classifiers_) != 1 or calibrated.method != "temperature":
        raise ValueError("the compact model needs one temperature-calibrated classifier")
    base = calibrated.estimator
    return compact_from_parts(
        pipeline.named_steps["text"].lexicon,
        pipeline.named_steps["features"],
        labels=list(clf.classes_),
        weights=np.asarray(base.coef_, dtype=np.float64).T,
        intercept=np.asarray(base.intercept_, dtype=np.float64),
        beta=float(calibrated.calibrators[0].beta_),
    )
