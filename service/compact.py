"""A compact form of the trained pipeline for serving: vocabulary lookup -> sparse TF-IDF ->
coefficients -> temperature softmax, in a few NumPy calls per text.

scikit-learn's ``predict_proba`` on one text spends milliseconds in input validation and
vectorizer set-up while the arithmetic is a dot product over a few hundred features. The pipeline
stays the source of truth (it is what joblib saves); this is derived from it at load time, and a
test asserts both give the same probabilities to 1e-9.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from training.text import Analysis


@dataclass(frozen=True)
class Encoded:
    """One text's features: active feature indices with their TF-IDF values, and which tokens
    produced each occurrence (for evidence)."""

    indices: np.ndarray
    values: np.ndarray
    owner_feature: np.ndarray  # position in ``indices`` of each occurrence
    owner_token: np.ndarray  # token index in the doc of each occurrence
    owner_share: np.ndarray  # share of the feature's value this occurrence carries


def _block(counts: Counter, vocab: dict[str, int], idf: np.ndarray, sublinear: bool, offset: int):
    """TF-IDF values of one vectorizer block, l2-normalised like TfidfTransformer(norm="l2")."""
    items = [(vocab[t], c) for t, c in counts.items() if t in vocab]
    if not items:
        return np.empty(0, dtype=np.int64), np.empty(0)
    items.sort()
    idx = np.fromiter((i for i, _ in items), dtype=np.int64, count=len(items))
    tf = np.fromiter((c for _, c in items), dtype=np.float64, count=len(items))
    if sublinear:
        tf = np.log(tf) + 1.0
    values = tf * idf[idx]
    norm = np.sqrt(np.dot(values, values))
    if norm > 0:
        values = values / norm
    return idx + offset, values


class CompactLinearModel:
    def __init__(self, pipeline: Any) -> None:
        features = pipeline.named_steps["features"]
        words = features.transformer_list[0][1]
        chars = features.transformer_list[1][1]
        if features.transformer_weights:
            raise ValueError("transformer weights are not supported by the compact model")
        self.word_analyze = words.build_analyzer()
        self.char_analyze = chars.build_analyzer()
        self.word_vocab = words.vocabulary_
        self.char_vocab = chars.vocabulary_
        self.word_idf = np.asarray(words.idf_)
        self.char_idf = np.asarray(chars.idf_)
        self.word_sublinear = words.sublinear_tf
        self.char_sublinear = chars.sublinear_tf
        self.n_words = len(self.word_vocab)
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

    def encode(self, analysis: Analysis) -> Encoded:
        rendered = " ".join(r for r in analysis.rendered if r)
        kept = [(i, r) for i, r in enumerate(analysis.rendered) if r]
        word_counts = Counter(self.word_analyze(rendered))
        # char_wb n-grams never cross a space, so the text's grams are the sum of its tokens'
        grams_of = [(i, self.char_analyze(r)) for i, r in kept]
        char_counts = Counter(g for _, grams in grams_of for g in grams)
        w_idx, w_val = _block(word_counts, self.word_vocab, self.word_idf, self.word_sublinear, 0)
        c_idx, c_val = _block(
            char_counts, self.char_vocab, self.char_idf, self.char_sublinear, self.n_words
        )
        indices = np.concatenate([w_idx, c_idx])
        values = np.concatenate([w_val, c_val])
        position = {int(f): p for p, f in enumerate(indices)}

        feats: list[int] = []
        toks: list[int] = []
        shares: list[float] = []
        terms = [(r, (i,)) for i, r in kept]
        terms += [(f"{a} {b}", (i, j)) for (i, a), (j, b) in pairwise(kept)]
        for term, owners in terms:
            f = self.word_vocab.get(term)
            if f is None or f not in position:
                continue
            share = 1.0 / word_counts[term] / len(owners)
            for owner in owners:
                feats.append(position[f])
                toks.append(owner)
                shares.append(share)
        for i, grams in grams_of:
            for gram in grams:
                f = self.char_vocab.get(gram)
                if f is None or f + self.n_words not in position:
                    continue
                feats.append(position[f + self.n_words])
                toks.append(i)
                shares.append(1.0 / char_counts[gram])
        return Encoded(
            indices,
            values,
            np.asarray(feats, dtype=np.int64),
            np.asarray(toks, dtype=np.int64),
            np.asarray(shares, dtype=np.float64),
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
