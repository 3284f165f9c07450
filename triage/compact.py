"""The serving form of the trained pipeline: vocabulary lookup -> sparse TF-IDF -> coefficients ->
temperature softmax, in a few NumPy calls per text, with no scikit-learn at run time.

scikit-learn's ``predict_proba`` on one text spends milliseconds in input validation and vectorizer
set-up while the arithmetic is a dot product over a few hundred features, and importing
scikit-learn costs the service most of a second and tens of megabytes. The pipeline stays the
source of truth (it is what joblib saves); this form is derived from it when the model is saved,
written beside it as plain data (JSON and ``.npz``, nothing that runs code when loaded), and a test
asserts both give the same probabilities to 1e-9 over the whole corpus.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from triage import kernels
from triage.text import Analysis, ScopeLexicon, drop_negated

CACHE_SIZE = 50_000  # distinct tokens whose features are remembered
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Encoded:
    """One text's features as occurrences: a feature found at a token. ``weights`` share out each
    feature's TF-IDF value among its occurrences (they sum to it), so the logits and each token's
    part of them are sums over occurrences, with no table of distinct features to build."""

    features: np.ndarray  # feature index of each occurrence
    tokens: np.ndarray  # token index in the doc of each occurrence
    weights: np.ndarray  # this occurrence's share of its feature's TF-IDF value
    logits: np.ndarray  # x . W + b, one per label


_NONE = np.empty(0, dtype=np.int64)


def char_wb_grams(token: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one rendered token, after ``drop_negated``.

    Written out here so that serving needs no scikit-learn; the equivalence test over the corpus
    catches any drift from ``TfidfVectorizer(analyzer="char_wb")``.
    """
    grams = []
    for word in _SPACES.sub(" ", drop_negated(token)).split():
        w = f" {word} "
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(w[offset : offset + n])
            while offset + n < len(w):
                offset += 1
                grams.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


class CompactLinearModel:
    """Everything prediction needs from the pipeline, as plain arrays and dictionaries."""

    def __init__(
        self, params: dict[str, Any], idf: np.ndarray, weights: np.ndarray, intercept: np.ndarray
    ) -> None:
        self.params = params
        self.labels: list[str] = list(params["labels"])
        self.word_vocab: dict[str, int] = params["word_vocabulary"]
        self.char_vocab: dict[str, int] = params["char_vocabulary"]
        self.n_words = len(self.word_vocab)
        self.char_range = tuple(params["char_ngram_range"])
        if not (params["word_sublinear_tf"] and params["char_sublinear_tf"]):
            raise ValueError("the compact model expects sublinear tf in both vectorizers")
        self.beta = float(params["beta"])
        self.scope_lexicon = ScopeLexicon(
            **{k: tuple(v) if isinstance(v, list) else v for k, v in params["scope"].items()}
        )
        # contiguous float64: what the kernels (triage.kernels) read
        self.idf = np.ascontiguousarray(idf, dtype=np.float64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (n_features, n_labels)
        self.row_mean = self.weights.mean(axis=1)  # token scores are read against the mean label
        self.intercept = np.ascontiguousarray(intercept, dtype=np.float64)
        self._local = threading.local()
        self.empty = Encoded(_NONE, _NONE, np.empty(0), self.intercept.copy())
        self.n_features = len(idf)
        self._token_cache: dict[str, tuple[int, ...]] = {}

    # -- saved and loaded ------------------------------------------------------------------
    def to_data(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-ready parameters and named arrays: what ``training.artifact`` writes."""
        arrays = {"idf": self.idf, "weights": self.weights, "intercept": self.intercept}
        return self.params, arrays

    @classmethod
    def from_data(cls, params: dict[str, Any], arrays: Any) -> CompactLinearModel:
        return cls(params, arrays["idf"], arrays["weights"], arrays["intercept"])

    # -- prediction -----------------------------------------------------------------------------
    def _token_features(self, token: str) -> tuple[int, ...]:
        """Feature indices of a token on its own: its word unigram (if in the vocabulary) and its
        character n-grams, cached by token (natural text repeats a small set of words)."""
        found = self._token_cache.get(token)
        if found is None:
            ids = [] if (f := self.word_vocab.get(token)) is None else [f]
            vocab, offset = self.char_vocab, self.n_words
            ids += [vocab[g] + offset for g in char_wb_grams(token, *self.char_range) if g in vocab]
            found = tuple(ids)
            if len(self._token_cache) >= CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[token] = found
        return found

    def encode(self, analysis: Analysis) -> Encoded:
        return self.encode_rendered(analysis.rendered)

    def encode_rendered(self, rendered: list[str | None]) -> Encoded:
        """The TF-IDF row of scikit-learn's FeatureUnion, built from the tokens directly.

        Word n-grams are the rendered tokens and their pairs (the word vectorizer splits on
        spaces, which rendered tokens never contain); character n-grams of ``char_wb`` never cross
        a space, so the text's grams are the sum of its tokens' grams.
        """
        feats, toks, occurrence = kernels.gather(
            rendered, self._token_cache, self._token_features, self.word_vocab.get
        )
        if not feats.size:
            return self.empty
        weights = np.empty(feats.size)
        logits = np.empty(len(self.labels))
        kernels.tfidf_logits(
            feats, occurrence, self.idf, self.weights, self.intercept, self.n_words,
            self._scratch(), weights, logits,
        )  # fmt: skip
        return Encoded(feats, toks, weights, logits)

    def _scratch(self) -> np.ndarray:
        """A zeroed vocabulary-long vector for this thread (the kernel leaves it zeroed): the
        service may analyse on several threads at once."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = np.zeros(self.n_features)
        return scratch

    def proba(self, encoded: Encoded) -> np.ndarray:
        """softmax(beta * (x . W + b)), as CalibratedClassifierCV(method="temperature") does."""
        proba = np.empty(len(self.labels))
        kernels.softmax(encoded.logits, self.beta, proba)
        return proba

    def logits(self, encoded: Encoded) -> np.ndarray:
        """x . W + b: one logit per label (the detector reads them as independent sigmoids)."""
        return encoded.logits

    def token_scores(
        self, encoded: Encoded, n_tokens: int, labels: list[int], centred: bool = True
    ) -> np.ndarray:
        """(len(labels), n_tokens): how much each token moved each label's centred logit (the
        logit minus the mean over labels; a row sums to it), or with ``centred=False`` its own
        logit (for independent labels)."""
        out = np.zeros((len(labels), n_tokens))
        if encoded.features.size:
            columns = np.asarray(labels, dtype=np.int64)
            kernels.token_scores(
                encoded.features, encoded.tokens, encoded.weights, self.weights, self.row_mean,
                columns, centred, out,
            )  # fmt: skip
        return out
