"""Warning signs at first contact, measured honestly: leave-one-batch-out figures of the rules
alone, the learned detector alone and both together, per batch and pooled, the detector's
trade-off curve, and the first-contact record of every batch.

Each batch (one writer, one brief) is scored by a detector fitted on the other batches. The
rules' grouped figure proves little: they were written with every batch in view. The kept
first-contact figures (``corpus/triage/first_contact.yaml``) are the ones that count for them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.detector import MIN_BATCHES, fit_detector
from training.first_contact import read_record, scored_batches
from training.triage_eval import alarm_scores, alarms_of
from triage.analyser import Analyser
from triage.knowledge import load_signs


def tradeoff(head: np.ndarray, positive: np.ndarray, points: int = 40) -> list[dict]:
    """(threshold, recall, false alarm rate) of one head over a grid of thresholds."""
    curve = []
    for threshold in np.linspace(0.0, 1.0, points + 1)[1:-1]:
        raised = head >= threshold
        curve.append(
            {
                "threshold": round(float(threshold), 3),
                "recall": float(raised[positive].mean()),
                "false_alarm_rate": float(raised[~positive].mean()),
            }
        )
    return curve


def warning_sign_scores(
    analyser: Analyser, corpus_dir: Path, batches: set[str] | None = None
) -> dict:
    """The figures above; ``batches`` limits them to some batches (a quick check in tests)."""
    signs = load_signs(corpus_dir)
    cases = [c for c in scored_batches(corpus_dir) if batches is None or c.group in batches]
    if not signs or len({c.group for c in cases}) < MIN_BATCHES:
        return {}
    fit = fit_detector(cases, analyser.knowledge, signs)
    rules = analyser.with_detector(None)
    groups = np.array(fit.data.groups)
    expected = fit.data.alarms
    thresholds = fit.detector.thresholds
    head = fit.head_proba
    predicted = {
        "rules": [""] * len(cases),
        "detector": fit.grouped_alarms(),
        "both": [""] * len(cases),
    }
    for group, detector in fit.folds:
        rows = np.flatnonzero(groups == group)
        texts = [cases[i].text for i in rows]
        for i, alarm in zip(rows, alarms_of(rules, texts), strict=True):
            predicted["rules"][i] = alarm
        for i, alarm in zip(rows, alarms_of(rules.with_detector(detector), texts), strict=True):
            predicted["both"][i] = alarm
    per_group = {
        group: {
            name: alarm_scores(
                [expected[i] for i in np.flatnonzero(groups == group)],
                [alarms[i] for i in np.flatnonzero(groups == group)],
            )
            for name, alarms in predicted.items()
        }
        for group in sorted(set(fit.data.groups))
    }
    alarms_arr = np.array(expected)
    return {
        "cases": len(cases),
        "batches": len(per_group),
        "thresholds": {"emergency": thresholds.emergency, "urgent": thresholds.urgent},
        "grouped": {name: alarm_scores(expected, alarms) for name, alarms in predicted.items()},
        "per_group": per_group,
        "curve": {
            "emergency": tradeoff(head[:, 0], alarms_arr == "emergency"),
            "urgent": tradeoff(head[:, 1], alarms_arr == "urgent"),
        },
        "first_contact": read_record(corpus_dir),
    }
