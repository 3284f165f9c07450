"""Follow-up questions, measured by simulated patients.

``corpus/interview/qa_N.jsonl`` hold blind-written vague first messages, each with the cause its
writer had in mind (``label``) and that person's hidden facts: their yes/no reply to each question
of ``corpus/questions.yaml`` they could answer (the writers saw the questions' words, never the
probabilities behind them, the rules or the training texts). The simulator sends the text, answers
every question the answer asks from the facts ("unsure" when they do not say), sends text and
replies again, and so on for ``ROUNDS`` rounds. Reported: top-1 and top-3 before any reply and after
each round, and how many questions were asked.

On the held-out split, whose texts have no hidden facts, the replies are those a typical patient
with the labelled cause gives by the bank's own table (yes when P(yes | cause) >= 0.5, no when it
is <= 0.1, else unsure). That checks that consistent replies never turn a right answer wrong; it
is not a blind figure.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from itertools import pairwise
from pathlib import Path

import yaml

from training.corpus import load_measure_sets, load_split
from triage.analyser import Analyser
from triage.answer import Answer

ROUNDS = 2
TYPICAL_YES = 0.5
TYPICAL_NO = 0.1

Replier = Callable[[str], str]  # question id -> "yes" | "no" | "unsure"


def interview(analyser: Analyser, text: str, reply: Replier, rounds: int = ROUNDS) -> list[Answer]:
    """The answer before any reply and after each round; a round with no question asked repeats
    the answer before it."""
    answers: dict[str, str] = {}
    history = [analyser.analyse(text)]
    for _ in range(rounds):
        asked = history[-1].questions
        if not asked:
            history.append(history[-1])
            continue
        answers.update({q.id: reply(q.id) for q in asked})
        history.append(analyser.analyse(text, answers=dict(answers)))
    return history


def asked_count(history: list[Answer]) -> int:
    """Questions put to the person over the rounds (the last answer's are not asked)."""
    asked = 0
    for before, after in pairwise(history):
        if after is not before:
            asked += len(before.questions)
    return asked


def _ranks(history: list[Answer], label: str) -> list[int | None]:
    return [next((i for i, c in enumerate(a.causes) if c.id == label), None) for a in history]


def scores(analyser: Analyser, cases: list[tuple[str, str, Replier]], rounds: int = ROUNDS) -> dict:
    """Top-1 and top-3 per round, questions asked, and the cases a reply turned wrong."""
    if not cases:
        return {"n": 0}
    ranks, asked, alarms = [], [], 0
    for text, label, reply in cases:
        history = interview(analyser, text, reply, rounds)
        ranks.append(_ranks(history, label))
        asked.append(asked_count(history))
        alarms += history[-1].referral.level == "emergency"
    n = len(cases)

    def rate(round_: int, k: int) -> float:
        return round(sum(r[round_] is not None and r[round_] < k for r in ranks) / n, 4)

    top1 = [rate(i, 1) for i in range(rounds + 1)]
    return {
        "n": n,
        "top1_before": top1[0],
        "top1_after": top1[-1],
        "top1": top1,
        "top3": [rate(i, 3) for i in range(rounds + 1)],
        "asked_mean": round(statistics.fmean(asked), 2),
        "asked_max": max(asked),
        "right_turned_wrong": sum(r[0] == 0 and r[-1] != 0 for r in ranks),
        "emergency_after": alarms,
    }


def facts_replier(facts: Mapping[str, str]) -> Replier:
    return lambda qid: facts.get(qid, "unsure")


def typical_replier(analyser: Analyser, label: str) -> Replier:
    """The reply a typical patient with ``label`` gives, by the bank's own P(yes | cause)."""
    interview_ = analyser.interview
    assert interview_ is not None
    column = interview_.cause_ids.index(label)

    def reply(qid: str) -> str:
        p = float(interview_.yes[interview_.by_id[qid], column])
        return "yes" if p >= TYPICAL_YES else "no" if p <= TYPICAL_NO else "unsure"

    return reply


def interview_report(analyser: Analyser, corpus_dir: Path) -> dict:
    """Each simulated-patient set; ``blind``: the sets written for the bank as it is (their
    writers answered every question it has), pooled; ``all``: every set pooled (an older set has
    no facts for a question added since, so its person says "unsure" to it); and the held-out
    check."""
    if analyser.interview is None:
        return {}
    bank = set(analyser.interview.by_id)
    report: dict = {}
    current, every = [], []
    for name, rows in load_measure_sets(corpus_dir, "interview").items():
        cases = [(r["text"], r["label"], facts_replier(r["facts"])) for r in rows]
        report[name] = scores(analyser, cases)
        every += cases
        if bank <= {q for r in rows for q in r["facts"]}:
            current += cases
    if current:
        report["blind"] = scores(analyser, current)
    if every:
        report["all"] = scores(analyser, every)
    heldout = [
        (e.text, e.label, typical_replier(analyser, e.label))
        for e in load_split(corpus_dir, "test")
        if e.label in analyser.interview.cause_ids
    ]
    report["heldout_typical"] = scores(analyser, heldout)
    return report


def read_first_contact(corpus_dir: Path) -> dict:
    """The sets' first figures (``corpus/interview/first_contact.yaml``), scored once."""
    path = corpus_dir / "interview" / "first_contact.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
