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
    """Emergency recall, under- and over-triage against the expected level of each case (none
    for a corpus without triage cases)."""
    if not cases:
        return {}
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


ALARM_RANK = {"none": 0, "urgent": 1, "emergency": 2}


def alarm_of(level: str | None) -> str:
    """The alarm an answer raises: its level if urgent or emergency, else none."""
    return level if level in ("emergency", "urgent") else "none"


def alarms_of(analyser, texts: Sequence[str]) -> list[str]:
    """The alarm of the analyser's answer to each text (on the fixed reference day)."""
    answers = analyser.analyse_many(list(texts), today=REFERENCE_DAY)
    return [alarm_of(a.referral.level) for a in answers]


def alarm_scores(expected: Sequence[str], predicted: Sequence[str]) -> dict:
    """Emergency recall, urgent-or-higher recall for urgent cases, and false alarms: the share of
    non-emergencies answered "emergency" (and of "none" cases answered urgent or higher)."""
    pairs = list(zip(expected, predicted, strict=True))
    emergencies = [p for e, p in pairs if e == "emergency"]
    urgents = [p for e, p in pairs if e == "urgent"]
    calm = [p for e, p in pairs if e != "emergency"]
    none = [p for e, p in pairs if e == "none"]
    return {
        "n": len(pairs),
        "emergencies": len(emergencies),
        "emergency_caught": sum(p == "emergency" for p in emergencies),
        "emergency_recall": _share(sum(p == "emergency" for p in emergencies), len(emergencies)),
        "urgent": len(urgents),
        "urgent_recall": _share(sum(ALARM_RANK[p] >= 1 for p in urgents), len(urgents)),
        "non_emergencies": len(calm),
        "false_alarms": sum(p == "emergency" for p in calm),
        "false_alarm_rate": _share(sum(p == "emergency" for p in calm), len(calm)),
        "routine_raised_rate": _share(sum(p != "none" for p in none), len(none)),
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
