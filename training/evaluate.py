"""``make evaluate``: cross-validation, held-out and triage scores, pictures, a model comparison,
error analysis, a model card, and the quality gates that stop CI when the model gets worse.

It scores the same ``Analyser`` the service answers with. Usage:
    python -m training.evaluate [--model models/<version>] [--reports reports] [--no-compare]
"""

from __future__ import annotations

import argparse
import json
import operator
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import classification_report
from sklearn.model_selection import StratifiedKFold

from training import plots
from training.baselines import KeywordClassifier, SpacyTextCat, calibrated_svm, naive_bayes
from training.classifier import CV_FOLDS, SEED, make_pipeline
from training.classifier_eval import binary_gate_scores
from training.corpus import load_relabels, load_split
from training.detector_eval import warning_sign_scores
from training.first_contact import read_record
from training.interview_eval import interview_report, read_first_contact
from training.language_eval import language_report
from training.metrics import classification_scores, scope_decisions
from training.report import write_model_card, write_report
from training.triage_eval import REFERENCE_DAY, triage_scores
from training.vague_eval import vague_report
from triage import artifact
from triage.analyser import Analyser
from triage.knowledge import VAGUE, scope_lexicon

# a corpus's own quality bar is its gates.yaml; a corpus without one gets these general gates
GENERAL_GATES = Path(__file__).with_name("general_gates.yaml")


def gates_of(corpus_dir: Path) -> Path:
    own = corpus_dir / "gates.yaml"
    return own if own.exists() else GENERAL_GATES


OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def lookup(metrics: dict, path: str) -> float:
    value: Any = metrics
    for part in path.split("."):
        value = value[part]
    return float(value)


def check_gates(metrics: dict, gates_path: Path) -> list[str]:
    """One line per failed gate, saying which metric, its value and the bound."""
    failures = []
    for gate in yaml.safe_load(gates_path.read_text())["gates"]:
        try:
            value = lookup(metrics, gate["metric"])
        except (KeyError, TypeError):  # a gate whose metric is gone must not pass silently
            failures.append(f"{gate['metric']} is missing from the metrics")
            continue
        if not OPS[gate["op"]](value, gate["bound"]):
            failures.append(
                f"{gate['metric']} = {value:.3f}, gate needs {gate['op']} {gate['bound']}"
            )
    return failures


def candidates(analyser: Analyser) -> dict[str, Any]:
    lexicon = scope_lexicon(analyser.knowledge.lexicon)
    return {
        "calibrated logistic regression (chosen)": lambda: make_pipeline(lexicon),
        "keyword baseline": lambda: KeywordClassifier(
            analyser.knowledge.causes, analyser.model.scope_lexicon
        ),
        "multinomial naive Bayes": lambda: naive_bayes(lexicon),
        "calibrated linear SVM": lambda: calibrated_svm(lexicon),
        "spaCy textcat (BOW)": lambda: SpacyTextCat(),
    }


def compare(analyser: Analyser, texts: list[str], y: np.ndarray, folds: int) -> dict[str, Any]:
    """Every candidate on the same stratified folds of the training split."""
    cv = list(StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, y))
    results: dict[str, Any] = {}
    for name, build in candidates(analyser).items():
        chosen = name.endswith("(chosen)")
        per_fold: list[dict[str, float]] = []
        fit_seconds, model = [], None
        for train_idx, test_idx in cv:
            model = build()
            started = time.perf_counter()
            model.fit([texts[i] for i in train_idx], y[train_idx])
            fit_seconds.append(time.perf_counter() - started)
            proba = model.predict_proba([texts[i] for i in test_idx])
            labels = [str(c) for c in model.classes_]
            threshold = analyser.oos_threshold if chosen else None
            per_fold.append(classification_scores(proba, y[test_idx], labels, threshold))
        sample = texts[:200]
        started = time.perf_counter()
        for text in sample:
            model.predict_proba([text])
        latency_ms = (time.perf_counter() - started) / len(sample) * 1000
        results[name] = {
            key: {
                "mean": statistics.fmean(f[key] for f in per_fold),
                "sd": statistics.stdev(f[key] for f in per_fold),
            }
            for key in per_fold[0]
            if key != "n"
        }
        results[name]["train_seconds"] = statistics.fmean(fit_seconds)
        results[name]["latency_ms"] = latency_ms
        print(f"  {name:42s} macro-F1 {results[name]['macro_f1']['mean']:.3f}", flush=True)
    return results


def compare_scope_gates(
    analyser: Analyser, train: list, texts: list[str], served_pooled: dict
) -> dict[str, Any]:
    """The served out-of-scope gate (the classifier's own out-of-scope class) against a separate
    in-domain model, both leave-one-batch-out on the training batches. A separate linear model
    over the same features costs one more encoding and dot product per text: measured here as
    the served classifier's own, since both are the same kind of model."""
    served = analyser.model
    analyses = [analyser.processor.analyse(t) for t in texts]
    started = time.perf_counter()
    for analysis in analyses:
        served.proba(served.encode(analysis))
    cost_us = (time.perf_counter() - started) / len(analyses) * 1e6
    print("out-of-scope gates, leave-one-batch-out:", flush=True)
    separate = binary_gate_scores(
        [e.text for e in train],
        [e.label for e in train],
        [e.group for e in train],
        scope_lexicon(analyser.knowledge.lexicon),
        np.array([e.label != VAGUE for e in train]),
    )
    return {
        "the classifier's out-of-scope class (served)": {**served_pooled, "added_us_per_text": 0.0},
        "a separate in-domain model": {**separate, "added_us_per_text": cost_us},
    }


def error_analysis(
    analyser: Analyser, texts: list[str], y: list[str], proba: np.ndarray, n: int = 12
):
    labels = analyser.labels
    true_prob = proba[np.arange(len(y)), [labels.index(v) for v in y]]
    worst = np.argsort(true_prob, kind="stable")[:n]
    rows = []
    for i in worst:
        answer = analyser.analyse(texts[i], today=REFERENCE_DAY)
        rows.append(
            {
                "text": texts[i],
                "expected": y[i],
                "p_expected": round(float(true_prob[i]), 3),
                "in_scope": answer.in_scope,
                "top3": [
                    {"id": c.id, "confidence": c.confidence, "evidence": list(c.evidence)}
                    for c in answer.causes
                ],
            }
        )
    return rows


def evaluate(
    corpus_dir: Path,
    model_dir: Path,
    reports_dir: Path,
    with_comparison: bool = True,
    sign_batches: set[str] | None = None,
) -> tuple[dict, list[str]]:
    """``sign_batches``: score the warning signs on these triage batches only (tests)."""
    serving = artifact.load_serving(model_dir)  # verified; meta.json needs no unpickling
    analyser = Analyser.from_serving(serving)
    labels = analyser.labels
    train = load_split(corpus_dir, "train")
    test = load_split(corpus_dir, "test")
    cases = load_split(corpus_dir, "triage")
    reports_dir.mkdir(parents=True, exist_ok=True)

    test_texts, test_y = [e.text for e in test], [e.label for e in test]
    proba = analyser.probabilities(test_texts)
    heldout = classification_scores(proba, test_y, labels, analyser.oos_threshold)
    predicted = scope_decisions(proba, labels, analyser.oos_threshold)
    per_class = classification_report(
        test_y, predicted, labels=labels, output_dict=True, zero_division=0
    )
    metrics: dict[str, Any] = {
        "model_version": analyser.version,
        "heldout": heldout,
        "per_class": {label: per_class[label] for label in labels},
        "triage": triage_scores(analyser, [c for c in cases if c.has_level]),
        "relabelled": {
            name: triage_scores(analyser, relabelled)
            for name, relabelled in load_relabels(corpus_dir).items()
        },
        "warning_signs": warning_sign_scores(analyser, corpus_dir, sign_batches),
        "language": language_report(analyser, corpus_dir),
        "vague": vague_report(analyser, corpus_dir),
        "interview": interview_report(analyser, corpus_dir),
        "interview_first_contact": read_first_contact(corpus_dir),
        # measured at training time (leave-one-batch-out needs a fit per batch), kept in meta
        "classifier_grouped": serving.meta.get("classifier_grouped", {}),
        "classifier_first_contact": read_record(corpus_dir, "train"),
    }
    # the comparison scores texts with one right answer: vague training texts have none
    single = [e for e in train if e.label != VAGUE]
    train_texts, train_y = [e.text for e in single], np.array([e.label for e in single])
    if with_comparison:
        print("cross-validation on the training split:", flush=True)
        metrics["comparison"] = compare(analyser, train_texts, train_y, CV_FOLDS)
        metrics["cross_validation"] = metrics["comparison"][
            "calibrated logistic regression (chosen)"
        ]
        if "pooled" in metrics["classifier_grouped"]:
            metrics["scope_gates"] = compare_scope_gates(
                analyser, train, test_texts, metrics["classifier_grouped"]["pooled"]
            )
    metrics["errors"] = error_analysis(analyser, test_texts, test_y, proba)

    plots.confusion(test_y, predicted, labels, reports_dir / "confusion_matrix.png")
    y_index = np.array([labels.index(v) for v in test_y])
    plots.reliability(proba, y_index, reports_dir / "reliability.png")
    if curve := metrics["warning_signs"].get("curve"):
        plots.tradeoff(curve, metrics["warning_signs"]["thresholds"], reports_dir / "tradeoff.png")
    plots.per_class_f1(
        {k: v["f1-score"] for k, v in metrics["per_class"].items()},
        reports_dir / "per_class_f1.png",
    )

    failures = check_gates(metrics, gates_of(corpus_dir))
    metrics["gates"] = {"passed": not failures, "failures": failures}
    (reports_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_report(metrics, serving.meta, reports_dir)
    write_model_card(metrics, serving.meta, model_dir, analyser.cause_names)
    return metrics, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument(
        "--model", type=Path, default=None, help="default: the newest under --models"
    )
    parser.add_argument("--reports", type=Path, default=Path("reports"))
    parser.add_argument("--no-compare", action="store_true", help="skip the slow model comparison")
    parser.add_argument(
        "--sign-batches", nargs="+", default=None, help="warning signs on these batches only"
    )
    args = parser.parse_args(argv)
    model_dir = args.model or artifact.newest(args.models)
    if model_dir is None:
        print(
            f"evaluation failed: no model under {args.models}/; run `make train`", file=sys.stderr
        )
        return 1
    try:
        batches = set(args.sign_batches) if args.sign_batches else None
        _, failures = evaluate(args.corpus, model_dir, args.reports, not args.no_compare, batches)
    except (ValueError, artifact.ModelIntegrityError) as exc:
        print(f"evaluation failed: {exc}", file=sys.stderr)
        return 1
    print(f"report written to {args.reports / 'report.md'}")
    if failures:
        print(
            f"quality gate failed: {failures[0]}"
            + (f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""),
            file=sys.stderr,
        )
        return 1
    print("all quality gates passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
