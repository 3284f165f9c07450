"""A compact form of the trained pipeline for serving: vocabulary lookup -> sparse TF-IDF ->
coefficients -> temperature softmax, in a few NumPy calls per text.

scikit-learn's ``predict_proba`` on one text spends milliseconds in input validation and
vectorizer set-up while the arithmetic is a dot product over a few hundred features. The pipeline
stays the source of truth (it is what joblib saves); this is derived from it at load time, and a
test asserts both give the same probabilities to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from training.text import Analysis

CACHE_SIZE = 50_000  # distinct tokens whose character n-grams are remembered


@dataclass(frozen=True)
class Encoded:
    """One text's features: active feature indices with their TF-IDF values, and which tokens
    produced each occurrence (for evidence)."""

    indices: np.ndarray
    values: np.ndarray
    owner_feature: np.ndarray  # position in ``indices`` of each occurrence
    owner_token: np.ndarray  # token index in the doc of each occurrence
    owner_share: np.ndarray  # share of the feature's value this occurrence carries


class CompactLinearModel:
    def __init__(self, pipeline: Any) -> None:
        features = pipeline.named_steps["features"]
        words = features.transformer_list[0][1]
        chars = features.transformer_list[1][1]
        if features.transformer_weights:
            raise ValueError("transformer weights are not supported by the compact model")
        if words.token_pattern != r"[^ ]+" or words.ngram_range != (1, 2) or words.lowercase:
            raise ValueError("the compact model expects the word vectorizer of make_vectorizer()")
        if chars.analyzer != "char_wb" or chars.norm != "l2" or words.norm != "l2":
            raise ValueError("the compact model expects char_wb n-grams and l2 norms")
        self.char_analyze = chars.build_analyzer()
        self.word_vocab = words.vocabulary_
        self.char_vocab = chars.vocabulary_
        self.n_words = len(self.word_vocab)
        self.idf = np.concatenate([words.idf_, chars.idf_])
        self.word_sublinear = words.sublinear_tf
        self.char_sublinear = chars.sublinear_tf
        self._char_cache: dict[str, tuple[int, ...]] = {}
        clf = pipeline.named_steps["clf"]
        calibrated = clf.calibrated_classifiers_[0]
        if len(clf.calibrated_classifiers_) != 1 or calibrated.method != "temperature":
            raise ValueError("the compact model needs one temperature-calibrated classifier")
        base = calibrated.estimator
        self.weights = np.ascontiguousarray(np.asarray(base.coef_).T)  # (n_features, n_labels)
        self.centred = self.weights - self.weights.mean(axis=1, keepdims=True)
        self.intercept = np.asarray(base.intercept_, dtype=np.float64)
        self.beta = float(calibrated.calibrators[0].beta_)
        self.labels = [str(c) for c in clf.classes_]

    def _char_features(self, token: str) -> tuple[int, ...]:
        """Feature indices of a token's character n-grams (in the vocabulary), cached by token."""
        found = self._char_cache.get(token)
        if found is None:
            vocab, offset = self.char_vocab, self.n_words
            found = tuple(vocab[g] + offset for g in self.char_analyze(token) if g in vocab)
            if len(self._char_cache) >= CACHE_SIZE:
                self._char_cache.clear()
            self._char_cache[token] = found
        return found

    def encode(self, analysis: Analysis) -> Encoded:
        """The TF-IDF row of scikit-learn's FeatureUnion, built from the tokens directly.

        Word n-grams are the rendered tokens and their pairs (the word vectorizer splits on
        spaces, which rendered tokens never contain); character n-grams of ``char_wb`` never cross
        a space, so the text's grams are the sum of its tokens' grams.
        """
        kept = [(i, r) for i, r in enumerate(analysis.rendered) if r]
        vocab = self.word_vocab
        feats: list[int] = []
        toks: list[int] = []
        weights: list[float] = []
        for i, r in kept:
            f = vocab.get(r)
            if f is not None:
                feats.append(f)
                toks.append(i)
                weights.append(1.0)
        for (i, a), (j, b) in pairwise(kept):
            f = vocab.get(f"{a} {b}")
            if f is not None:
                feats += (f, f)
                toks += (i, j)
                weights += (0.5, 0.5)
        for i, r in kept:
            grams = self._char_features(r)
            feats += grams
            toks += [i] * len(grams)
            weights += [1.0] * len(grams)
        if not feats:
            empty = np.empty(0, dtype=np.int64)
            return Encoded(empty, np.empty(0), empty, empty, np.empty(0))
        indices, inverse = np.unique(np.asarray(feats, dtype=np.int64), return_inverse=True)
        occurrence = np.asarray(weights)
        counts = np.bincount(inverse, weights=occurrence)
        values = np.empty_like(counts)
        words = indices < self.n_words
        for block, sublinear in ((words, self.word_sublinear), (~words, self.char_sublinear)):
            if not block.any():
                continue
            tf = np.log(counts[block]) + 1.0 if sublinear else counts[block]
            v = tf * self.idf[indices[block]]
            values[block] = v / np.sqrt(np.dot(v, v))
        return Encoded(
            indices, values, inverse, np.asarray(toks, dtype=np.int64), occurrence / counts[inverse]
        )

    def proba(self, encoded: Encoded) -> np.ndarray:
        """softmax(beta * (x . W + b)), as CalibratedClassifierCV(method="temperature") does."""
        logits = encoded.values @ self.weights[encoded.indices] + self.intercept
        scaled = self.beta * logits
        scaled -= scaled.max()
        exp = np.exp(scaled)
        proba = exp / exp.sum()
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def token_scores(self, encoded: Encoded, n_tokens: int) -> np.ndarray:
        """(n_tokens, n_labels): how much each token moved each label's centred logit."""
        scores = np.zeros((n_tokens, len(self.labels)))
        if encoded.owner_feature.size:
            feature = encoded.indices[encoded.owner_feature]
            amount = (encoded.values[encoded.owner_feature] * encoded.owner_share)[:, None]
            np.add.at(scores, encoded.owner_token, amount * self.centred[feature])
        return scores
