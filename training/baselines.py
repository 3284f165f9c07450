"""Models the chosen one is compared against in the evaluation report.

Each is a scikit-learn-style classifier over raw texts with ``fit`` and ``predict_proba``, so the
comparison runs them all through the same folds and the same scoring code.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from training.classifier import SEED
from training.features import SpacyTextProcessor, make_vectorizer
from triage.knowledge import OUT_OF_SCOPE, Cause
from triage.text import ScopeLexicon, TextAnalyzer


class KeywordClassifier(ClassifierMixin, BaseEstimator):
    """Counts the lemmas of each cause's ``symptoms`` words in the text; no words: out of scope.

    It learns nothing from the examples: it shows what the causes file alone can do.
    """

    def __init__(
        self,
        causes: Sequence[Cause] = (),
        lexicon: ScopeLexicon | None = None,
        smoothing: float = 0.1,
    ) -> None:
        self.causes = causes
        self.lexicon = lexicon
        self.smoothing = smoothing

    def fit(self, X: Sequence[str], y: Sequence[str]) -> KeywordClassifier:
        self.analyzer_ = TextAnalyzer(self.lexicon or ScopeLexicon())
        self.classes_ = np.array(sorted(set(y)))
        self.keywords_ = {
            c.id: {self.analyzer_.lemma_of(w) for s in c.symptoms for w in s.lower().split()}
            for c in self.causes
        }
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)))
        index = {label: i for i, label in enumerate(self.classes_)}
        for row, text in enumerate(X):
            lemmas = set(self.analyzer_.analyse(text).lemmas)
            for cause, words in self.keywords_.items():
                if cause in index:
                    out[row, index[cause]] = len(lemmas & words)
            if out[row].sum() == 0 and OUT_OF_SCOPE in index:
                out[row, index[OUT_OF_SCOPE]] = 1.0
            out[row] += self.smoothing
            out[row] /= out[row].sum()
        return out

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def naive_bayes(lexicon: ScopeLexicon) -> Pipeline:
    return Pipeline(
        [
            ("text", SpacyTextProcessor(lexicon)),
            ("features", make_vectorizer()),
            ("clf", MultinomialNB(alpha=0.1)),
        ]
    )


def calibrated_svm(lexicon: ScopeLexicon) -> Pipeline:
    svm = CalibratedClassifierCV(LinearSVC(C=0.5, random_state=SEED), method="sigmoid", cv=3)
    return Pipeline(
        [("text", SpacyTextProcessor(lexicon)), ("features", make_vectorizer()), ("clf", svm)]
    )


class SpacyTextCat(ClassifierMixin, BaseEstimator):
    """spaCy's own ``textcat`` (bag-of-words architecture), trained with spaCy's update loop."""

    def __init__(self, epochs: int = 12, batch_size: int = 16) -> None:
        self.epochs = epochs
        self.batch_size = batch_size

    def fit(self, X: Sequence[str], y: Sequence[str]) -> SpacyTextCat:
        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(SEED)
        self.classes_ = np.array(sorted(set(y)))
        nlp = spacy.blank("en")
        config = {
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": True,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        }
        textcat = nlp.add_pipe("textcat", config=config)
        for label in self.classes_:
            textcat.add_label(str(label))
        examples = [
            Example.from_dict(
                nlp.make_doc(text), {"cats": {str(c): float(c == label) for c in self.classes_}}
            )
            for text, label in zip(X, y, strict=True)
        ]
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(SEED)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=self.batch_size):
                nlp.update(batch, sgd=optimizer, drop=0.1)
        self.nlp_ = nlp
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        docs = self.nlp_.pipe(X)
        scores = np.array([[doc.cats[str(c)] for c in self.classes_] for doc in docs])
        return scores / scores.sum(
            axis=1, keepdims=True
        )  # softmax output, renormalised for rounding

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
