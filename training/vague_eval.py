"""Texts with too little to go on: how sure the answer is, and whether it raises an alarm.

``corpus/vague/vague_N.jsonl`` hold blind-written texts about twitching that name no trigger, no
pattern and no other symptom ("lip twitch. thoughts?"), one writer and brief each. No cause can be
told from them, so a confident cause is overconfidence, and an urgent or emergency level is a
false alarm of the warning-sign layer.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from triage.analyser import Analyser

CONFIDENT = 0.8  # a top confidence this high on a vague text is overconfident


def load_texts(corpus_dir: Path) -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted((corpus_dir / "vague").glob("vague_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def vague_scores(analyser: Analyser, texts: list[str]) -> dict:
    answers = [analyser.analyse(t) for t in texts]
    tops = [a.causes[0].confidence for a in answers if a.causes]
    alarms = [a for a in answers if a.referral.level in ("urgent", "emergency")]
    return {
        "n": len(texts),
        "in_scope_rate": round(len(tops) / len(texts), 4) if texts else None,
        "median_top_confidence": round(statistics.median(tops), 4) if tops else None,
        "confident_rate": round(sum(t >= CONFIDENT for t in tops) / len(tops), 4) if tops else None,
        "false_alarms": len(alarms),
        "false_alarm_rate": round(len(alarms) / len(texts), 4) if texts else None,
    }
