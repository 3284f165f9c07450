"""Fitting the learned warning-sign detector, and its grouped out-of-fold predictions.

Data: the triage batches, each written blind by one writer to one brief, so a batch is a group.
A batch written for the detector names its signs; an older batch states only its level, and its
emergencies take their signs from the red-flag rules that fire on them (silver labels; a case the
rules do not explain is left out of the per-sign fit). Every figure of the detector comes from
leave-one-batch-out predictions: fitted on the other batches, scored on this one.

Two heads decide (emergency or not; an urgent facial palsy or not), each a logistic regression on
word and character TF-IDF of the guarded rendering (``triage.detector.guarded``), validated and
calibrated leave-one-batch-out; one regression per sign names the sign, calibrated on five
grouped folds. Platt scaling is folded into the weights, so serving is one linear model with a
sigmoid per label. A single emergency head beats the highest of the per-sign probabilities: it
learns from every emergency at once (leave-one-batch-out recall at 4 % false alarms 0.91 against
0.86, measured when this was written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from training.corpus import Example
from training.export import compact_from_parts
from training.features import SpacyTextProcessor, make_vectorizer
from triage.compact import CompactLinearModel
from triage.detector import HEADS, DetectorThresholds, SignDetector
from triage.knowledge import Knowledge, Sign, scope_lexicon
from triage.redflags import RedFlagMatcher
from triage.text import ScopeLexicon

C = 16.0  # inverse regularisation of each regression
SIGN_FOLDS = 5  # grouped folds for the calibration of the sign models (fewer with fewer batches)
MIN_BATCHES = 2  # leave-one-batch-out needs another batch to learn from
# the highest share of non-emergencies the detector alone may call an emergency, on grouped
# out-of-fold predictions; its threshold is the lowest that stays under it
MAX_FALSE_ALARM = 0.04
MAX_URGENT_RAISE = 0.01  # the same for urgent, over the cases that are neither


@dataclass
class SignCases:
    """The detector's training data: texts, their guarded renderings, a 0/1 matrix of signs,
    which rows count for the per-sign fit, the batch of each and its alarm."""

    texts: list[str]
    rendered: list[str]
    y: np.ndarray  # (n, n_signs)
    usable: np.ndarray  # (n,) bool: an emergency without a known sign is left out of sign fits
    groups: list[str]
    alarms: list[str]

    @property
    def heads(self) -> np.ndarray:
        """(n, 2): is the case an emergency; is it urgent (``HEADS``)."""
        alarms = np.array(self.alarms)
        return np.stack([alarms == level for level in HEADS], axis=1).astype(np.int8)


def sign_cases(
    cases: Sequence[Example], knowledge: Knowledge, signs: list[Sign], processor: SpacyTextProcessor
) -> SignCases:
    analyzer = processor.analyzer_
    matcher = RedFlagMatcher(knowledge.red_flags, analyzer, knowledge.lexicon.negation.in_pattern)
    sign_of_flag = {flag: s.id for s in signs for flag in s.flags}
    index = {s.id: i for i, s in enumerate(signs)}
    level_of = {s.id: s.level for s in signs}
    texts = [c.text for c in cases]
    analyses = analyzer.analyse_many(texts)
    y = np.zeros((len(cases), len(signs)), dtype=np.int8)
    usable = np.ones(len(cases), dtype=bool)
    for row, (case, analysis) in enumerate(zip(cases, analyses, strict=True)):
        if case.signs:
            found = set(case.signs)
        elif case.alarm == "none":
            found = set()
        else:  # an older batch: the signs of its level that the rules find
            found = {
                sign_of_flag[hit.id]
                for hit in matcher.find(analysis)
                if hit.id in sign_of_flag and level_of[sign_of_flag[hit.id]] == case.alarm
            }
            usable[row] = bool(found)
        for sign in found:
            y[row, index[sign]] = 1
    return SignCases(
        texts=texts,
        rendered=[processor.render_guarded(a) for a in analyses],
        y=y,
        usable=usable,
        groups=[c.group for c in cases],
        alarms=[c.alarm or "none" for c in cases],
    )


@dataclass
class RawModel:
    """A fitted vectorizer and uncalibrated linear models over its features, one per label."""

    features: object
    coef: np.ndarray  # (n_labels, n_features)
    intercept: np.ndarray  # (n_labels,)

    def logits(self, rendered: list[str]) -> np.ndarray:
        x = self.features.transform(rendered)
        return np.asarray(x @ self.coef.T) + self.intercept


def fit_raw(
    rendered: list[str], targets: np.ndarray, masked: np.ndarray | None = None, n_open: int = 0
) -> RawModel:
    """One vectorizer and one balanced logistic regression per column of ``targets``; with
    ``masked``, the columns from ``n_open`` on learn only from those rows (the signs of cases
    whose signs are known). A column without both classes gets a model that never fires."""
    features = make_vectorizer()
    x = features.fit_transform(rendered)
    coef = np.zeros((targets.shape[1], x.shape[1]))
    intercept = np.full(targets.shape[1], -10.0)
    every = np.arange(len(rendered))
    for j in range(targets.shape[1]):
        rows = every if masked is None or j < n_open else np.flatnonzero(masked)
        y = targets[rows, j]
        if 0 < y.sum() < len(y):
            model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear")
            model.fit(x[rows], y)
            coef[j], intercept[j] = model.coef_[0], model.intercept_[0]
    return RawModel(features, coef, intercept)


def platt(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per label, p = sigmoid(a * z + b) fitted on out-of-fold logits."""
    a, b = np.ones(y.shape[1]), np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            model = LogisticRegression(C=1e4).fit(logits[:, [j]], y[:, j])
            a[j], b[j] = model.coef_[0, 0], model.intercept_[0]
    return a, b


def calibrated(logits: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(logits * a + b)))


def lowest_threshold(scores: np.ndarray, negatives: np.ndarray, max_rate: float) -> float:
    """The lowest threshold at which at most ``max_rate`` of the negatives score at or above."""
    neg = np.sort(scores[negatives])[::-1]
    if len(neg) == 0:
        return 0.5
    allowed = int(np.floor(max_rate * len(neg)))
    if allowed >= len(neg):
        return float(neg[-1])
    return float(np.nextafter(neg[allowed], 1.0))  # just above the first one not allowed


def choose_thresholds(head_proba: np.ndarray, alarms: list[str]) -> DetectorThresholds:
    """The most sensitive thresholds whose false alarms stay within the bounds above."""
    alarms_arr = np.array(alarms)
    return DetectorThresholds(
        emergency=lowest_threshold(head_proba[:, 0], alarms_arr != "emergency", MAX_FALSE_ALARM),
        urgent=lowest_threshold(head_proba[:, 1], alarms_arr == "none", MAX_URGENT_RAISE),
    )


def to_serving(
    raw: RawModel,
    a: np.ndarray,
    b: np.ndarray,
    signs: list[Sign],
    lexicon: ScopeLexicon,
    thresholds: DetectorThresholds,
) -> SignDetector:
    """Platt scaling folded into the weights: sigmoid(a (x.w + c) + b) = sigmoid(x.(a w) + a c + b).
    ``raw`` holds the heads, then the signs (none: a heads-only detector)."""
    model: CompactLinearModel = compact_from_parts(
        lexicon,
        raw.features,
        labels=[*HEADS, *(s.id for s in signs)],
        weights=(raw.coef * a[:, None]).T,
        intercept=raw.intercept * a + b,
        beta=1.0,
    )
    return SignDetector(model, signs, thresholds)


@dataclass
class DetectorFit:
    detector: SignDetector
    data: SignCases
    head_proba: np.ndarray  # leave-one-batch-out calibrated probabilities of the heads, (n, 2)
    folds: list[tuple[str, SignDetector]]  # each batch and the heads-only detector without it

    def grouped_alarms(self) -> list[str]:
        """The alarm the detector alone raises on each case, leave-one-batch-out."""
        t = self.detector.thresholds
        return [
            "emergency" if e >= t.emergency else "urgent" if u >= t.urgent else "none"
            for e, u in self.head_proba.tolist()
        ]


def fit_detector(
    cases: Sequence[Example],
    knowledge: Knowledge,
    signs: list[Sign],
    progress: Callable[[int, int], None] | None = None,
) -> DetectorFit:
    """Leave-one-batch-out heads -> their calibration and thresholds; grouped folds for the
    signs' calibration; then every model fitted on all the batches. ``progress(done, total)``
    after each left-out batch: a full fit takes minutes."""
    if len({c.group for c in cases}) < MIN_BATCHES:
        raise ValueError(f"the detector is validated by batch: it needs {MIN_BATCHES} batches")
    lexicon = scope_lexicon(knowledge.lexicon)
    processor = SpacyTextProcessor(lexicon).fit([])
    data = sign_cases(cases, knowledge, signs, processor)
    heads, groups = data.heads, np.array(data.groups)
    head_oof = np.zeros(heads.shape)
    raw_folds = []
    batches = sorted(set(data.groups))
    for done, group in enumerate(batches, 1):
        held = np.flatnonzero(groups == group)
        rest = np.flatnonzero(groups != group)
        raw = fit_raw([data.rendered[i] for i in rest], heads[rest])
        head_oof[held] = raw.logits([data.rendered[i] for i in held])
        raw_folds.append((group, raw))
        if progress is not None:
            progress(done, len(batches))
    ha, hb = platt(head_oof, heads)
    head_proba = calibrated(head_oof, ha, hb)
    thresholds = choose_thresholds(head_proba, data.alarms)
    usable = np.flatnonzero(data.usable)
    sign_oof = np.zeros(data.y.shape)
    folds = min(SIGN_FOLDS, len(set(groups[usable].tolist())))
    splits = GroupKFold(folds).split(usable, groups=groups[usable])
    for fit_at, held_at in splits:
        fit_rows, held_rows = usable[fit_at], usable[held_at]
        raw = fit_raw([data.rendered[i] for i in fit_rows], data.y[fit_rows])
        sign_oof[held_rows] = raw.logits([data.rendered[i] for i in held_rows])
    sa, sb = platt(sign_oof[usable], data.y[usable])
    # the final models: heads on every case, signs on the cases whose signs are known
    targets = np.concatenate([heads, data.y], axis=1)
    full = fit_raw(data.rendered, targets, data.usable, n_open=len(HEADS))
    detector = to_serving(
        full, np.concatenate([ha, sa]), np.concatenate([hb, sb]), signs, lexicon, thresholds
    )
    folds = [(group, to_serving(raw, ha, hb, [], lexicon, thresholds)) for group, raw in raw_folds]
    return DetectorFit(detector, data, head_proba, folds)


def detector_data(detector: SignDetector) -> tuple[dict, dict[str, np.ndarray]]:
    """JSON-ready parameters and arrays of a detector, for the artifact."""
    params, arrays = detector.model.to_data()
    thresholds = detector.thresholds
    return (
        {
            "model": params,
            "signs": [s.model_dump(mode="json") for s in detector.signs],
            "thresholds": {"emergency": thresholds.emergency, "urgent": thresholds.urgent},
        },
        arrays,
    )
