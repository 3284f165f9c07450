"""Referral-level scores of the whole analyser on the labelled triage cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from training.corpus import Example
from triage.knowledge import LEVELS

ORDER = ("none", *LEVELS)
RANK = {level: i for i, level in enumerate(ORDER)}
# A fixed day, so weekday durations ("since Monday") read the same in every run.
REFERENCE_DAY = date(2026, 11, 25)


def triage_scores(analyser, cases: Sequence[Example]) -> dict:
    """Emergency recall, under- and over-triage against the expected level of each case."""
    answers = analyser.analyse_many([c.text for c in cases], today=REFERENCE_DAY)
    predicted = [a.referral.level or "none" for a in answers]
    expected = [c.level or "none" for c in cases]
    confusion = {e: {p: 0 for p in ORDER} for e in ORDER}
    for e, p in zip(expected, predicted, strict=True):
        confusion[e][p] += 1
    n = len(cases)
    emergencies = [p for e, p in zip(expected, predicted, strict=True) if e == "emergency"]
    under = [c for c, e, p in zip(cases, expected, predicted, strict=True) if RANK[p] < RANK[e]]
    over = sum(RANK[p] > RANK[e] for e, p in zip(expected, predicted, strict=True))
    return {
        "n": n,
        "exact_rate": sum(e == p for e, p in zip(expected, predicted, strict=True)) / n,
        "emergency_recall": (
            sum(p == "emergency" for p in emergencies) / len(emergencies) if emergencies else 1.0
        ),
        "under_triage_rate": len(under) / n,
        "over_triage_rate": over / n,
        "confusion": confusion,
        "under_triaged": [
            {"text": c.text, "expected": c.level, "predicted": p}
            for c, e, p in zip(cases, expected, predicted, strict=True)
            if RANK[p] < RANK[e]
        ],
    }
