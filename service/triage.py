"""The analyser: one object that turns a text into the contract's answer.

It joins the trained pipeline (text processing, features, calibrated classifier, out-of-scope
threshold) with the rule layer (red flags, timeline, referral policy). The service, ``make
evaluate`` and the tests all call ``Analyser.analyse``, so what is measured is what is served.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import sparse

from service.redflags import RedFlagMatcher
from service.referral import decide
from service.timeline import TimelineReader
from training.artifact import LoadedModel
from training.knowledge import OUT_OF_SCOPE, Knowledge
from training.text import NEG_PREFIX, NUMBER, Analysis

MAX_EVIDENCE = 4
EVIDENCE_MIN_SHARE = 0.2  # a word is evidence when it pushes at least this share of the strongest


@dataclass(frozen=True)
class ClassifierParts:
    """The fitted pieces of the scikit-learn pipeline that the analyser reads directly."""

    processor: Any
    features: Any
    clf: Any
    labels: list[str]
    weights: np.ndarray  # (n_features, n_labels) coefficients centred over labels
    word_vocab: dict[str, int]
    char_vocab: dict[str, int]
    char_analyze: Any


def classifier_parts(pipeline: Any) -> ClassifierParts:
    processor = pipeline.named_steps["text"]
    features = pipeline.named_steps["features"]
    clf = pipeline.named_steps["clf"]
    base = clf.calibrated_classifiers_[0].estimator
    coef = np.asarray(base.coef_)
    words = features.transformer_list[0][1]
    chars = features.transformer_list[1][1]
    return ClassifierParts(
        processor=processor,
        features=features,
        clf=clf,
        labels=[str(c) for c in clf.classes_],
        weights=(coef - coef.mean(axis=0)).T.copy(),
        word_vocab=words.vocabulary_,
        char_vocab={g: i + len(words.vocabulary_) for g, i in chars.vocabulary_.items()},
        char_analyze=chars.build_analyzer(),
    )


class Analyser:
    def __init__(self, pipeline: Any, knowledge: Knowledge, oos_threshold: float, version: str):
        self.parts = classifier_parts(pipeline)
        self.knowledge = knowledge
        self.oos_threshold = oos_threshold
        self.version = version
        analyzer = self.parts.processor.analyzer_
        self.flags = RedFlagMatcher(knowledge.red_flags, analyzer)
        self.timeline = TimelineReader(knowledge.lexicon, analyzer)
        self.labels = self.parts.labels
        self.oos_index = self.labels.index(OUT_OF_SCOPE)
        self.causes = {c.id: c for c in knowledge.causes}

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any], version: str) -> Analyser:
        knowledge = Knowledge.model_validate(bundle["knowledge"])
        return cls(bundle["pipeline"], knowledge, float(bundle["oos_threshold"]), version)

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> Analyser:
        return cls.from_bundle(loaded.bundle, loaded.version)

    # -- classifier -----------------------------------------------------------------------------
    def _features(self, analyses: list[Analysis]) -> sparse.csr_matrix:
        rendered = [" ".join(r for r in a.rendered if r) for a in analyses]
        return sparse.csr_matrix(self.parts.features.transform(rendered))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        analyses = [self.parts.processor.analyse(t) for t in texts]
        return self.parts.clf.predict_proba(self._features(analyses))

    def token_contributions(self, analysis: Analysis, row: sparse.csr_matrix) -> np.ndarray:
        """Split each feature's logit contribution over the tokens that produced it.

        The rows sum to the model's centred logits, so a token's score is exactly how much it moved
        each label up or down.
        """
        parts = self.parts
        values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        scores = np.zeros((len(analysis.rendered), len(self.labels)))
        kept = [(i, r) for i, r in enumerate(analysis.rendered) if r]
        terms: list[tuple[str, tuple[int, ...]]] = [(r, (i,)) for i, r in kept]
        terms += [(f"{a} {b}", (i, j)) for (i, a), (j, b) in itertools.pairwise(kept)]
        counts = Counter(term for term, _ in terms)
        for term, owners in terms:
            index = parts.word_vocab.get(term)
            if index is None or index not in values:
                continue
            share = values[index] / counts[term] / len(owners)
            for owner in owners:
                scores[owner] += share * parts.weights[index]
        grams_by_token = {
            i: parts.char_analyze(r)
            for i, r in kept
            if not r.startswith(NEG_PREFIX) and r != NUMBER
        }
        gram_counts = Counter(g for grams in grams_by_token.values() for g in grams)
        for i, grams in grams_by_token.items():
            for gram in grams:
                index = parts.char_vocab.get(gram)
                if index is None or index not in values:
                    continue
                scores[i] += values[index] / gram_counts[gram] * parts.weights[index]
        return scores

    def evidence(self, analysis: Analysis, scores: np.ndarray, label_index: int) -> list[str]:
        """The input's own words that push this cause up most, merged into short phrases."""
        doc = analysis.doc
        column = scores[:, label_index]
        eligible = [
            i
            for i in range(len(doc))
            if column[i] > 0
            and analysis.rendered[i]
            and not analysis.negated[i]
            and not doc[i].is_stop
            and not doc[i].is_punct
        ]
        if not eligible:
            return []
        strongest = max(column[i] for i in eligible)
        chosen = sorted(
            (i for i in eligible if column[i] >= EVIDENCE_MIN_SHARE * strongest),
            key=lambda i: -column[i],
        )[:MAX_EVIDENCE]
        chosen_set = set(chosen)
        for i in list(chosen_set):  # "four espressos": keep the number with its noun
            if i > 0 and doc[i - 1].like_num:
                chosen_set.add(i - 1)
        spans: list[tuple[float, int, int]] = []
        for i in sorted(chosen_set):
            if spans and spans[-1][2] == i:
                weight, start, _ = spans[-1]
                spans[-1] = (max(weight, column[i]), start, i + 1)
            else:
                spans.append((column[i], i, i + 1))
        spans.sort(key=lambda s: -s[0])
        out = []
        for _, start, end in spans:
            char_start = doc[start].idx
            char_end = doc[end - 1].idx + len(doc[end - 1].text)
            out.append(analysis.text[char_start:char_end])
        return out

    # -- whole answer ---------------------------------------------------------------------------
    def analyse(self, text: str, top_k: int = 3, today: date | None = None) -> dict[str, Any]:
        return self.analyse_many([text], top_k=top_k, today=today)[0]

    def analyse_many(
        self, texts: list[str], top_k: int = 3, today: date | None = None
    ) -> list[dict[str, Any]]:
        analyses = [self.parts.processor.analyse(t) for t in texts]
        features = self._features(analyses)
        probabilities = self.parts.clf.predict_proba(features)
        return [
            self._answer(analysis, features[row], probabilities[row], top_k, today)
            for row, analysis in enumerate(analyses)
        ]

    def _answer(
        self,
        analysis: Analysis,
        row: sparse.csr_matrix,
        proba: np.ndarray,
        top_k: int,
        today: date | None,
    ) -> dict[str, Any]:
        in_scope_prob = 1.0 - float(proba[self.oos_index])
        in_scope = in_scope_prob >= self.oos_threshold
        flags = self.flags.find(analysis)
        timeline = self.timeline.read(analysis, today)
        causes: list[dict[str, Any]] = []
        top_cause = None
        if in_scope:
            order = [i for i in np.argsort(-proba, kind="stable") if i != self.oos_index][:top_k]
            scores = self.token_contributions(analysis, row)
            for i in order:
                cause = self.causes[self.labels[i]]
                causes.append(
                    {
                        "id": cause.id,
                        "name": cause.name,
                        "confidence": round(float(proba[i]), 4),
                        "evidence": self.evidence(analysis, scores, i),
                    }
                )
            top_cause = self.causes[causes[0]["id"]]
        decision = decide(self.knowledge.referral, top_cause, flags, timeline)
        referral = self.knowledge.referral
        return {
            "in_scope": in_scope,
            "causes": causes,
            "referral": {
                "level": decision.level,
                "advice": decision.advice,
                "reasons": decision.reasons,
            },
            "red_flags": [
                {"id": f.id, "name": f.name, "level": f.level, "text": f.text}
                for f in decision.active_flags
            ],
            "duration_days": timeline.duration_days,
            "onset": timeline.onset,
            "message": None if in_scope else referral.out_of_scope_message,
            "model_version": self.version,
            "disclaimer": referral.disclaimer,
        }
