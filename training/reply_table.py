"""P(yes | cause) for each follow-up question, learned from the simulated patients' replies.

The bank's hand-set figures (``corpus/questions.yaml``) are a guess from the cause descriptions;
the blind-written people of ``corpus/interview`` say how patients with each cause actually
answer. Each figure is estimated as the mean of a Beta posterior whose prior is the hand-set
figure worth ``learned_weight`` replies: (yes + w * prior) / (answered + w). A question nobody
answered for a cause keeps its prior; "unsure" (a fact left out) counts as no reply.

Because these sets then teach the table, the interview is measured leave-one-set-out
(``training.interview_eval``): each set is scored by a table learned from the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from training.corpus import load_measure_sets
from triage.knowledge import Knowledge, QuestionBank
from triage.questions import prior_table

DIGITS = 4  # the table is stored in the artifact's JSON


def learn_reply_table(
    bank: QuestionBank, cause_ids: list[str], people: Iterable[Mapping]
) -> dict[str, dict[str, float]]:
    """``people``: rows with a cause ``label`` and ``facts`` ({question id: "yes" | "no"}).
    Returns {question id: {cause id: P(yes | cause)}} for every question and cause."""
    prior = prior_table(bank, cause_ids)
    row = {q.id: i for i, q in enumerate(bank.questions)}
    column = {c: j for j, c in enumerate(cause_ids)}
    yes = np.zeros_like(prior)
    answered = np.zeros_like(prior)
    for person in people:
        j = column.get(person["label"])
        if j is None:
            continue
        for qid, reply in person["facts"].items():
            if qid in row and reply in ("yes", "no"):
                answered[row[qid], j] += 1
                yes[row[qid], j] += reply == "yes"
    weight = bank.learned_weight
    learned = (yes + weight * prior) / (answered + weight)
    return {
        q.id: {c: round(float(learned[i, j]), DIGITS) for j, c in enumerate(cause_ids)}
        for i, q in enumerate(bank.questions)
    }


def fit_reply_table(
    corpus_dir: Path, knowledge: Knowledge
) -> tuple[dict[str, dict[str, float]] | None, dict[str, Any]]:
    """The table ``make train`` stores in the artifact (for every cause of the corpus: the
    interview looks its causes up by id), and what it was learned from. None when there is no
    question bank or no simulated patient: the bank's hand-set table then serves."""
    sets = load_measure_sets(corpus_dir, "interview")
    people = [row for rows in sets.values() for row in rows]
    if knowledge.questions is None or not people:
        return None, {"skipped": "needs questions.yaml and simulated patients in interview/"}
    table = learn_reply_table(knowledge.questions, list(knowledge.cause_ids), people)
    summary = {
        "sets": sorted(sets),
        "people": len(people),
        "learned_weight": knowledge.questions.learned_weight,
    }
    return table, summary
