"""Texts with too little to go on: how sure the answer is, and whether it raises an alarm.

``corpus/vague/vague_N.jsonl`` hold blind-written texts about twitching that name no trigger, no
pattern and no other symptom ("lip twitch. thoughts?"), one writer and brief each. No cause can be
told from them, so a confident cause is overconfidence, and an urgent or emergency level is a
false alarm of the warning-sign layer.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from training.corpus import load_measure_sets
from triage.analyser import Analyser

CONFIDENT = 0.8  # a top confidence this high on a vague text is overconfident


# Sets read by the writer of the vague training texts (corpus/train/vague.jsonl) before those were
# written: their figure would not be blind. vague_1 was one; it became the triage batch
# cases_vague_1 (routine texts the detector learns from), so none is left here.
SEEN: tuple[str, ...] = ()


def load_sets(corpus_dir: Path) -> dict[str, list[str]]:
    """Each set's texts, by file stem."""
    sets = load_measure_sets(corpus_dir, "vague")
    return {name: [row["text"] for row in rows] for name, rows in sets.items()}


def vague_report(analyser: Analyser, corpus_dir: Path) -> dict:
    """Each set's scores, and ``blind``: the sets no training text was written after, pooled."""
    sets = load_sets(corpus_dir)
    report = {name: vague_scores(analyser, texts) for name, texts in sets.items()}
    blind = [t for name, texts in sets.items() if name not in SEEN for t in texts]
    if blind:
        report["blind"] = vague_scores(analyser, blind)
    return report


def vague_scores(analyser: Analyser, texts: list[str]) -> dict:
    """``ece_even_truth``: the calibration error if the truth of a vague text is "any cause,
    evenly" (what a writer who named no cue means): then the top cause is right 1/11 of the time
    in every confidence bin, and the binned ECE is the mean of |top confidence - 1/11|."""
    answers = [analyser.analyse(t) for t in texts]
    tops = [a.causes[0].confidence for a in answers if a.causes]
    chance = 1 / (len(analyser.labels) - 1)  # the causes, without out_of_scope
    alarms = [a for a in answers if a.referral.level in ("urgent", "emergency")]
    return {
        "n": len(texts),
        "in_scope_rate": round(len(tops) / len(texts), 4) if texts else None,
        "median_top_confidence": round(statistics.median(tops), 4) if tops else None,
        "ece_even_truth": round(statistics.fmean(abs(t - chance) for t in tops), 4)
        if tops
        else None,
        "confident_rate": round(sum(t >= CONFIDENT for t in tops) / len(tops), 4) if tops else None,
        "detail_rate": round(sum(a.detail_message is not None for a in answers) / len(texts), 4)
        if texts
        else None,
        "false_alarms": len(alarms),
        "false_alarm_rate": round(len(alarms) / len(texts), 4) if texts else None,
    }
