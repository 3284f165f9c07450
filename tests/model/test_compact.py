"""The compact serving model gives the scikit-learn pipeline's probabilities (to 1e-9)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.artifact import load_pipeline
from training.corpus import load_split
from triage.analyser import Analyser

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_same_probabilities_as_the_pipeline_over_the_whole_corpus(
    analyser: Analyser, trained_model_dir: Path
):
    """The served form (loaded from its JSON and arrays) against the saved pipeline."""
    texts = [ex.text for split in ("train", "test", "triage") for ex in load_split(CORPUS, split)]
    texts += ["", "   ", "😀", "NO NO NO", "lip " * 300, "a\u00a0b\tc\nd", "ﷺ" * 50]
    reference = load_pipeline(trained_model_dir).bundle["pipeline"].predict_proba(texts)
    compact = analyser.probabilities(texts)
    assert compact.shape == reference.shape
    assert np.max(np.abs(compact - reference)) <= 1e-9


def test_token_scores_sum_to_the_centred_logits(analyser: Analyser):
    analysis = analyser.processor.analyse("my lip twitches after 4 espressos, no cold sores")
    encoded = analyser.model.encode(analysis)
    # an occurrence's share of the logits: its weight times its feature's row of coefficients
    rows = analyser.model.weights.take(encoded.features, axis=0)
    np.testing.assert_allclose(encoded.weights @ rows + analyser.model.intercept, encoded.logits)
    centred = encoded.weights @ (rows - rows.mean(axis=1, keepdims=True))
    labels = list(range(len(analyser.labels)))
    scores = analyser.model.token_scores(encoded, len(analysis.doc), labels)
    np.testing.assert_allclose(scores.sum(axis=1), centred, atol=1e-9)


def test_a_vectorizer_without_sublinear_tf_is_refused(analyser: Analyser):
    """The serving form computes 1 + log(count) only; another tf must not load and mis-score."""
    import pytest

    from triage.compact import CompactLinearModel

    params, arrays = analyser.model.to_data()
    with pytest.raises(ValueError, match="sublinear tf"):
        CompactLinearModel.from_data({**params, "char_sublinear_tf": False}, arrays)
