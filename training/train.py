"""``make train``: corpus -> fitted pipeline -> ``models/<version>/`` with held-out scores.

Usage: python -m training.train [--corpus corpus] [--models models] [--fraction 1.0]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from training.artifact import save_model
from training.classifier import CV_FOLDS, SEED, choose_scope_threshold, make_pipeline
from training.classifier_eval import grouped_fit
from training.corpus import Example, corpus_checksums, load_split
from training.detector import MIN_BATCHES, fit_detector
from training.first_contact import scored_batches
from training.metrics import classification_scores
from training.reply_table import fit_reply_table
from training.triage_eval import alarm_scores
from triage import artifact
from triage.detector import SignDetector
from triage.knowledge import (
    OUT_OF_SCOPE,
    VAGUE,
    Knowledge,
    load_knowledge,
    load_signs,
    scope_lexicon,
)

MIN_GROUPS = 5  # batches of labelled texts before leave-one-batch-out says anything


def subsample(examples: list[Example], fraction: float) -> list[Example]:
    """A stratified, seeded fraction of the training split (for the weakened-model gate test)."""
    if fraction >= 1.0:
        return examples
    rng = np.random.default_rng(SEED)
    by_label: dict[str, list[Example]] = {}
    for ex in examples:
        by_label.setdefault(ex.label, []).append(ex)
    kept: list[Example] = []
    for label in sorted(by_label):
        group = by_label[label]
        n = max(2, round(len(group) * fraction))
        kept += [group[i] for i in sorted(rng.choice(len(group), size=n, replace=False))]
    return kept


def expand_vague(
    train: list[Example], labels: list[str]
) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Texts, labels, sample weights and batches: a vague text (``triage.knowledge.VAGUE``) counts
    once for every cause, at 1/11 weight each, so the model learns an even answer for it (label
    smoothing by repetition: logistic regression has no soft labels); every other text counts
    once."""
    causes = [label for label in labels if label != OUT_OF_SCOPE]
    texts: list[str] = []
    y: list[str] = []
    weights: list[float] = []
    groups: list[str] = []
    for ex in train:
        copies = len(causes) if ex.label == VAGUE else 1
        texts += [ex.text] * copies
        y += causes if ex.label == VAGUE else [ex.label]
        weights += [1.0 / copies] * copies
        groups += [ex.group] * copies
    return texts, np.array(y), np.array(weights), groups


def fit_bundle(
    train: list[Example], knowledge: Knowledge, folds: int = CV_FOLDS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the pipeline and choose the out-of-scope threshold on out-of-fold predictions (of the
    texts with one label: a vague text has no right answer to score)."""
    labels = sorted({ex.label for ex in train if ex.label != VAGUE})
    texts, y, weights, _ = expand_vague(train, labels)
    single = weights == 1.0
    lexicon = scope_lexicon(knowledge.lexicon)
    folds = max(2, min(folds, int(np.unique(y[single], return_counts=True)[1].min())))
    pipeline = make_pipeline(lexicon, calibration_folds=folds)
    cv = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    fit_weights = {"clf__sample_weight": weights}
    oof = cross_val_predict(
        clone(pipeline), texts, y, cv=cv, method="predict_proba", params=fit_weights
    )[single]
    threshold = 0.0  # without out-of-scope texts, every text is in scope
    if OUT_OF_SCOPE in labels:
        oos = labels.index(OUT_OF_SCOPE)
        threshold = choose_scope_threshold(1.0 - oof[:, oos], y[single] != OUT_OF_SCOPE)
    pipeline.fit(texts, y, **fit_weights)
    bundle = {
        "pipeline": pipeline,
        "oos_threshold": threshold,
        "knowledge": knowledge.model_dump(mode="json"),
    }
    cv_scores = classification_scores(oof, y[single], labels, threshold)
    return bundle, cv_scores


def grouped_classifier(train: list[Example], knowledge: Knowledge, bundle: dict) -> dict:
    """Leave-one-batch-out scores of the classifier (``training.classifier_eval``); with enough
    batches, the served out-of-scope threshold is chosen on these out-of-fold predictions, which
    say how it meets a new writer, instead of on shuffled folds of writers it has seen."""
    labels = sorted({ex.label for ex in train if ex.label != VAGUE})
    texts, y, weights, groups = expand_vague(train, labels)
    n_groups = len({g for g, w in zip(groups, weights, strict=True) if w == 1.0})
    if n_groups < MIN_GROUPS:
        return {"skipped": f"needs {MIN_GROUPS} batches of labelled texts, has {n_groups}"}
    say(f"  leave-one-batch-out over {n_groups} batches of training texts")
    fit = grouped_fit(texts, y, weights, groups, scope_lexicon(knowledge.lexicon))
    bundle["oos_threshold"] = choose_scope_threshold(*fit.pooled())
    return {**fit.scores(), "served_threshold": bundle["oos_threshold"]}


def say(step: str) -> None:
    """A step of training, on stderr: the first `make serve` trains for minutes."""
    print(step, file=sys.stderr, flush=True)


def bar(done: int, total: int) -> None:
    end = "\n" if done == total else ""
    filled = "#" * round(30 * done / total)
    print(f"\r  [{filled:30s}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def train_detector(corpus_dir: Path, knowledge: Knowledge) -> tuple[SignDetector | None, dict]:
    signs = load_signs(corpus_dir)
    cases = scored_batches(corpus_dir)
    if not signs or len({case.group for case in cases}) < MIN_BATCHES:
        return None, {"skipped": f"needs signs.yaml and {MIN_BATCHES} scored triage batches"}
    started = time.perf_counter()
    n_batches = len({case.group for case in cases})
    say(
        f"2/3 warning-sign detector: {len(cases)} cases, leave-one-batch-out over {n_batches} batches"
    )
    fit = fit_detector(cases, knowledge, signs, progress=bar)
    scores = alarm_scores(fit.data.alarms, fit.grouped_alarms())
    summary = {
        "batches": sorted(set(fit.data.groups)),
        "cases": len(cases),
        "thresholds": asdict(fit.detector.thresholds),
        "seconds": round(time.perf_counter() - started, 1),
        # leave-one-batch-out, the detector alone
        "grouped": {
            key: scores[key] for key in ("emergency_recall", "false_alarm_rate", "urgent_recall")
        },
    }
    return fit.detector, summary


def train(
    corpus_dir: Path, models_dir: Path, fraction: float = 1.0, with_detector: bool = True
) -> Path:
    knowledge = load_knowledge(corpus_dir)
    train_split = subsample(load_split(corpus_dir, "train"), fraction)
    test_split = load_split(corpus_dir, "test")
    started = time.perf_counter()
    say(f"1/3 cause classifier: {len(train_split)} texts, {CV_FOLDS}-fold cross-validation")
    bundle, cv_scores = fit_bundle(train_split, knowledge)
    seconds = time.perf_counter() - started
    grouped = grouped_classifier(train_split, knowledge, bundle)
    pipeline = bundle["pipeline"]
    labels = [str(c) for c in pipeline.classes_]
    proba = pipeline.predict_proba([ex.text for ex in test_split])
    heldout = classification_scores(
        proba, [ex.label for ex in test_split], labels, bundle["oos_threshold"]
    )
    detector, detector_summary = (
        train_detector(corpus_dir, knowledge) if with_detector else (None, {})
    )
    bundle["reply_table"], reply_summary = fit_reply_table(corpus_dir, knowledge)
    meta = {
        "detector": detector_summary,
        "reply_table": reply_summary,
        "classifier_grouped": grouped,
        "labels": labels,
        "oos_threshold": bundle["oos_threshold"],
        # which corpus the model came from (`make train CORPUS=path`)
        "corpus": {"path": str(corpus_dir), "causes": len(knowledge.causes)},
        "corpus_sha256": corpus_checksums(corpus_dir),
        "training": {
            "examples": len(train_split),
            "fraction": fraction,
            "seconds": round(seconds, 2),
        },
        "metrics": {"cross_validation": cv_scores, "heldout": heldout},
    }
    say("3/3 saving the model and its checksums")
    out = save_model(bundle, models_dir, meta, detector)
    print(f"model written to {out}")
    show(out)
    return out


def show(model_dir: Path) -> None:
    meta = artifact.verify(model_dir)
    heldout = meta["metrics"]["heldout"]
    print(f"model {meta['version']}, held-out scores ({heldout['n']} texts):")
    for key in ("top1_accuracy", "top3_accuracy", "macro_f1", "oos_recall", "false_reject_rate"):
        if key in heldout:
            print(f"  {key:18s} {heldout[key]:.3f}")
    if grouped := meta.get("detector", {}).get("grouped"):
        print("warning-sign detector alone, leave-one-batch-out:")
        for key, value in grouped.items():
            print(f"  {key:18s} {value:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument(
        "--fraction", type=float, default=1.0, help="train on this share of the data"
    )
    parser.add_argument("--show", action="store_true", help="print the newest model's scores only")
    parser.add_argument(
        "--no-detector", action="store_true", help="skip the learned warning-sign detector"
    )
    args = parser.parse_args(argv)
    try:
        if args.show:
            newest = artifact.newest(args.models)
            if newest is None:
                print(f"no model under {args.models}/", file=sys.stderr)
                return 1
            show(newest)
        else:
            train(args.corpus, args.models, args.fraction, not args.no_detector)
    except (ValueError, artifact.ModelIntegrityError) as exc:
        print(f"training failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
