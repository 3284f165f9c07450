"""How the cause classifier meets writers it has not seen: answers scored per batch.

The held-out split was written by the same kind of writer, in the same style, as the training
texts, so its top-1 says little about the next person. Here a batch (one writer and brief: one
training file) is the unit: ``cause_scores`` scores the served answers to one batch at first
contact, and ``grouped_fit`` fits the classifier on every batch but one and predicts that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from training.classifier import SEED, choose_scope_threshold, make_pipeline
from training.features import make_vectorizer
from training.metrics import scope_decisions
from triage.answer import Answer
from triage.knowledge import OUT_OF_SCOPE
from triage.text import ScopeLexicon


def cause_scores(labels: Sequence[str], answers: Sequence[Answer]) -> dict:
    """Top-1 and top-3 over the in-scope texts (an in-scope text answered as out of scope is
    wrong for both), out-of-scope recall, and false rejects: in-scope texts answered as out of
    scope. A measure with nothing to count is None, never a perfect score."""
    in_scope = [
        (label, a) for label, a in zip(labels, answers, strict=True) if label != OUT_OF_SCOPE
    ]
    outside = [a for label, a in zip(labels, answers, strict=True) if label == OUT_OF_SCOPE]
    top1 = sum(a.in_scope and a.causes[0].id == label for label, a in in_scope)
    top3 = sum(a.in_scope and label in {c.id for c in a.causes[:3]} for label, a in in_scope)
    counts = {
        "n": len(labels),
        "in_scope": len(in_scope),
        "top1": top1,
        "top3": top3,
        "false_rejects": sum(not a.in_scope for _, a in in_scope),
        "out_of_scope": len(outside),
        "oos_caught": sum(not a.in_scope for a in outside),
    }
    return _rates(counts)


def threshold_without(
    inside: dict[str, np.ndarray], truth: dict[str, np.ndarray], group: str
) -> float:
    """The out-of-scope threshold chosen on every batch but ``group`` (``inside``: P(in scope)
    of each batch's texts, ``truth``: whether each is in scope), so that a batch's figure never
    rests on a threshold its own texts chose."""
    others = [g for g in sorted(inside) if g != group]
    return choose_scope_threshold(
        np.concatenate([inside[g] for g in others]), np.concatenate([truth[g] for g in others])
    )


def batch_splits(
    groups: list[str], scored: np.ndarray
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]]]:
    """Leave-one-batch-out: for each batch with scored texts, (rows of every other batch, its
    own scored rows)."""
    groups_arr = np.asarray(groups)
    targets = sorted({g for g, s in zip(groups, scored, strict=True) if s})
    splits = [
        (np.flatnonzero(groups_arr != g), np.flatnonzero((groups_arr == g) & scored))
        for g in targets
    ]
    return targets, splits


@dataclass
class GroupedFit:
    """Out-of-fold probabilities of each batch, from a classifier fitted on the other batches."""

    labels: list[str]
    proba: dict[str, np.ndarray]  # batch -> (texts, labels)
    truth: dict[str, list[str]]  # batch -> its texts' labels

    def in_scope(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Per batch: P(in scope) of its texts (1 without an out-of-scope label), and whether
        each is in scope."""
        if OUT_OF_SCOPE in self.labels:
            oos = self.labels.index(OUT_OF_SCOPE)
            inside = {g: 1.0 - p[:, oos] for g, p in self.proba.items()}
        else:
            inside = {g: np.ones(len(p)) for g, p in self.proba.items()}
        truth = {g: np.array(t) != OUT_OF_SCOPE for g, t in self.truth.items()}
        return inside, truth

    def pooled(self) -> tuple[np.ndarray, np.ndarray]:
        """(P(in scope), is in scope) over every batch: what the served threshold is chosen on."""
        inside, truth = self.in_scope()
        groups = sorted(inside)
        return np.concatenate([inside[g] for g in groups]), np.concatenate(
            [truth[g] for g in groups]
        )

    def scores(self) -> dict:
        """Per batch and pooled: top-1, top-3, out-of-scope recall and false rejects."""
        per_group, rows = {}, []
        inside, truth = self.in_scope()
        for group in sorted(self.proba):
            threshold = threshold_without(inside, truth, group)
            found = _scope_counts(self.proba[group], self.truth[group], self.labels, threshold)
            per_group[group] = {**_rates(found), "threshold": threshold}
            rows.append(found)
        pooled = {key: sum(r[key] for r in rows) for key in rows[0]}
        return {"pooled": _rates(pooled), "groups": per_group}


def _scope_counts(proba: np.ndarray, truth: list[str], labels: list[str], threshold: float) -> dict:
    predicted = scope_decisions(proba, labels, threshold)
    causes_only = proba.copy()
    if OUT_OF_SCOPE in labels:
        causes_only[:, labels.index(OUT_OF_SCOPE)] = -1.0
    ranked = np.asarray(labels)[np.argsort(-causes_only, axis=1, kind="stable")[:, :3]]
    y = np.asarray(truth)
    inside = y != OUT_OF_SCOPE
    served = predicted != OUT_OF_SCOPE
    return {
        "n": len(y),
        "in_scope": int(inside.sum()),
        "top1": int((inside & served & (ranked[:, 0] == y)).sum()),
        "top3": int((inside & served & (ranked == y[:, None]).any(axis=1)).sum()),
        "false_rejects": int((inside & ~served).sum()),
        "out_of_scope": int((~inside).sum()),
        "oos_caught": int((~inside & ~served).sum()),
    }


def _rates(c: dict) -> dict:
    """Counts and rates, for ``cause_scores`` and the grouped scores alike (served: an in-scope
    text answered as out of scope is a miss); a rate with nothing to count is None."""
    n_in, n_out = c["in_scope"], c["out_of_scope"]
    return {
        **c,
        "top1": c["top1"] / n_in if n_in else None,
        "top3": c["top3"] / n_in if n_in else None,
        "top1_count": c["top1"],
        "false_reject_rate": c["false_rejects"] / n_in if n_in else None,
        "oos_recall": c["oos_caught"] / n_out if n_out else None,
    }


def _fit_and_predict(pipeline, texts, y, weights, train_idx, test_idx) -> np.ndarray:
    model = clone(pipeline)
    model.fit([texts[i] for i in train_idx], y[train_idx], clf__sample_weight=weights[train_idx])
    return model.predict_proba([texts[i] for i in test_idx])


def grouped_fit(
    texts: list[str],
    y: np.ndarray,
    weights: np.ndarray,
    groups: list[str],
    lexicon: ScopeLexicon,
    jobs: int = 2,
) -> GroupedFit:
    """Leave-one-batch-out: for each batch with texts of one label, the classifier is fitted on
    every other batch and predicts that batch. The spaCy processing runs once for all folds (it
    learns nothing), then each fold fits the vectorizers and the calibrated classifier."""
    full = make_pipeline(lexicon)
    rendered = full.named_steps["text"].fit(texts).transform(texts)
    rest = Pipeline(full.steps[1:])
    # a vague text (spread over the causes) has no right answer: learned from, not scored
    targets, splits = batch_splits(groups, weights == 1.0)
    probas = Parallel(n_jobs=jobs)(
        delayed(_fit_and_predict)(rest, rendered, y, weights, tr, te) for tr, te in splits
    )
    labels = sorted(set(y))
    return GroupedFit(
        labels=labels,
        proba=dict(zip(targets, probas, strict=True)),
        truth={g: [str(v) for v in y[te]] for g, (_, te) in zip(targets, splits, strict=True)},
    )


def _fit_gate(texts: list[str], inside: np.ndarray, train_idx, test_idx) -> np.ndarray:
    gate = Pipeline([("features", make_vectorizer()), ("clf", _gate_classifier())])
    gate.fit([texts[i] for i in train_idx], inside[train_idx])
    return gate.predict_proba([texts[i] for i in test_idx])[:, 1]


def _gate_classifier() -> LogisticRegression:
    return LogisticRegression(C=20.0, max_iter=5000, random_state=SEED)


def binary_gate_scores(
    texts: list[str],
    labels: list[str],
    groups: list[str],
    lexicon: ScopeLexicon,
    scored: np.ndarray,
    jobs: int = 2,
) -> dict:
    """The alternative out-of-scope gate: a separate in-domain model (word and character TF-IDF,
    logistic regression, in scope or not) trained with the near-domain negatives, scored
    leave-one-batch-out exactly as the served gate (each batch's threshold chosen on the others'
    predictions), so the report can compare the two on the same folds. ``scored``: the texts
    with one right answer (a vague text is learned as in scope but not scored)."""
    rendered = make_pipeline(lexicon).named_steps["text"].fit(texts).transform(texts)
    inside = np.array([label != OUT_OF_SCOPE for label in labels])
    targets, splits = batch_splits(groups, scored)
    probas = Parallel(n_jobs=jobs)(
        delayed(_fit_gate)(rendered, inside, tr, te) for tr, te in splits
    )
    p_in = dict(zip(targets, probas, strict=True))
    truth = {g: inside[te] for g, (_, te) in zip(targets, splits, strict=True)}
    rejected = caught = n_in = n_out = 0
    for g in targets:
        accepted = p_in[g] >= threshold_without(p_in, truth, g)
        rejected += int((truth[g] & ~accepted).sum())
        caught += int((~truth[g] & ~accepted).sum())
        n_in += int(truth[g].sum())
        n_out += int((~truth[g]).sum())
    return {
        "in_scope": n_in,
        "out_of_scope": n_out,
        "oos_recall": caught / n_out,
        "false_reject_rate": rejected / n_in,
    }
