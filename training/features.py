"""Feature extraction as importable scikit-learn estimators.

``SpacyTextProcessor`` turns raw texts into the rendered lemma strings of ``triage.text``; the
vectorizers then read those strings. Everything here is a module-level class or function (no
lambdas, no closures), so a pipeline saved with joblib loads in the service by importing this
module alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from triage.detector import guarded
from triage.text import Analysis, ScopeLexicon, TextAnalyzer, drop_negated


class SpacyTextProcessor(TransformerMixin, BaseEstimator):
    """Raw text -> negation-aware lemma string, the input of the vectorizers.

    The spaCy pipeline is rebuilt after unpickling instead of being saved, so the model file stays
    small and carries no spaCy internals, only the trigger lists it was trained with.
    """

    def __init__(self, lexicon: ScopeLexicon | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, X: Iterable[str], y: Any = None) -> SpacyTextProcessor:
        self.analyzer_ = TextAnalyzer(self.lexicon or ScopeLexicon())
        return self

    def render_guarded(self, analysis: Analysis) -> str:
        """What the warning-sign detector reads: feared and past words rendered as denied."""
        return TextAnalyzer.render(guarded(analysis))

    def transform(self, X: Iterable[str]) -> list[str]:
        return [TextAnalyzer.render(self.analyzer_.analyse(text)) for text in X]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("analyzer_", None)
        state["_fitted"] = hasattr(self, "analyzer_")
        return state

    def __setstate__(self, state: dict) -> None:
        fitted = state.pop("_fitted", False)
        self.__dict__.update(state)
        if fitted:
            self.analyzer_ = TextAnalyzer(self.lexicon or ScopeLexicon())

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "analyzer_")


def make_vectorizer(
    word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (3, 5)
) -> FeatureUnion:
    """Word n-grams carry meaning and negation; character n-grams make typos land near the word."""
    words = TfidfVectorizer(
        token_pattern=r"[^ ]+",
        lowercase=False,
        ngram_range=word_ngrams,
        sublinear_tf=True,
        min_df=1,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        preprocessor=drop_negated,
        lowercase=False,
        ngram_range=char_ngrams,
        sublinear_tf=True,
        min_df=2,
    )
    return FeatureUnion([("words", words), ("chars", chars)])
