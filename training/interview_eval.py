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

``make train`` learns the reply table from these sets (``training.reply_table``), so each set is
scored by a table learned from the others (leave-one-set-out). A new set is scored once, as it
came, by the served model before it joins (``corpus/interview/first_contact.yaml``):

    python -m training.interview_eval --first-contact --name "round name" SET [SET ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import yaml

from training.corpus import load_measure_sets, load_split
from training.reply_table import learn_reply_table
from triage import artifact
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


@dataclass(frozen=True)
class Outcome:
    """One simulated patient: the rank of their cause before any reply and after each round
    (None: not among the causes), the questions asked, and the level at the end."""

    ranks: list[int | None]
    asked: int
    emergency: bool


def outcomes(
    analyser: Analyser, cases: list[tuple[str, str, Replier]], rounds: int = ROUNDS
) -> list[Outcome]:
    found = []
    for text, label, reply in cases:
        history = interview(analyser, text, reply, rounds)
        found.append(
            Outcome(
                _ranks(history, label),
                asked_count(history),
                history[-1].referral.level == "emergency",
            )
        )
    return found


def summary(found: list[Outcome]) -> dict:
    """Top-1 and top-3 per round, questions asked, and the cases a reply turned wrong."""
    if not found:
        return {"n": 0}
    n = len(found)
    rounds = len(found[0].ranks)

    def rate(round_: int, k: int) -> float:
        return round(sum(o.ranks[round_] is not None and o.ranks[round_] < k for o in found) / n, 4)

    top1 = [rate(i, 1) for i in range(rounds)]
    return {
        "n": n,
        "top1_before": top1[0],
        "top1_after": top1[-1],
        "top1_gain": round(top1[-1] - top1[0], 4),
        "top1": top1,
        "top3": [rate(i, 3) for i in range(rounds)],
        "asked_mean": round(statistics.fmean(o.asked for o in found), 2),
        "asked_max": max(o.asked for o in found),
        "right_turned_wrong": sum(o.ranks[0] == 0 and o.ranks[-1] != 0 for o in found),
        "emergency_after": sum(o.emergency for o in found),
    }


def scores(analyser: Analyser, cases: list[tuple[str, str, Replier]], rounds: int = ROUNDS) -> dict:
    return summary(outcomes(analyser, cases, rounds))


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


def _cases(rows: list[dict]) -> list[tuple[str, str, Replier]]:
    return [(r["text"], r["label"], facts_replier(r["facts"])) for r in rows]


def interview_report(analyser: Analyser, corpus_dir: Path) -> dict:
    """Each simulated-patient set, scored by a reply table learned without it when the model's
    table was learned from the sets (``training.reply_table``); ``blind``: the sets written for
    the bank as it is (their writers answered every question it has), pooled; ``all``: every set
    pooled (an older set has no facts for a question added since, so its person says "unsure" to
    it); ``hand_set``: the blind sets by the bank's hand-set table, for comparison; and the
    held-out check."""
    if analyser.interview is None:
        return {}
    interview_ = analyser.interview
    sets = load_measure_sets(corpus_dir, "interview")
    report: dict = {"scored_by": "leave-one-set-out" if interview_.learned else "the bank"}
    current: list[Outcome] = []
    every: list[Outcome] = []
    hand_set: list[Outcome] = []
    for name, rows in sets.items():
        judge = analyser
        if interview_.learned:
            others = [r for other, rs in sets.items() if other != name for r in rs]
            judge = analyser.with_reply_table(
                learn_reply_table(interview_.bank, interview_.cause_ids, others)
            )
        found = outcomes(judge, _cases(rows))
        report[name] = summary(found)
        every += found
        if set(interview_.by_id) <= {q for r in rows for q in r["facts"]}:
            current += found
            if interview_.learned:
                hand_set += outcomes(analyser.with_reply_table(None), _cases(rows))
    if current:
        report["blind"] = summary(current)
    if hand_set:
        report["hand_set"] = summary(hand_set)
    if every:
        report["all"] = summary(every)
    heldout = [
        (e.text, e.label, typical_replier(analyser, e.label))
        for e in load_split(corpus_dir, "test")
        if e.label in interview_.cause_ids
    ]
    report["heldout_typical"] = scores(analyser, heldout)
    return report


def read_first_contact(corpus_dir: Path) -> dict:
    """The sets' first figures (``corpus/interview/first_contact.yaml``), scored once."""
    path = corpus_dir / "interview" / "first_contact.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def record_first_contact(
    corpus_dir: Path, models_dir: Path, names: list[str], title: str, note: str
) -> dict:
    """Score new sets by the newest model and add them as one round to the record. A set already
    recorded is refused: its first figure is kept, never overwritten."""
    path = corpus_dir / "interview" / "first_contact.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    record = yaml.safe_load(text) or {}
    done = {name for round_ in record.get("rounds", []) for name in round_.get("sets", {})}
    if again := sorted(set(names) & done):
        raise ValueError(f"already scored at first contact: {', '.join(again)}")
    sets = load_measure_sets(corpus_dir, "interview")
    if missing := sorted(set(names) - set(sets)):
        raise ValueError(f"no set {', '.join(missing)} in {corpus_dir / 'interview'}")
    model_dir = artifact.newest(models_dir)
    if model_dir is None:
        raise ValueError(f"no model under {models_dir}/: run `make train`")
    analyser = Analyser.from_serving(artifact.load_serving(model_dir))
    found = {name: outcomes(analyser, _cases(sets[name])) for name in names}
    found["pooled"] = [o for name in names for o in found[name]]
    keys = ("n", "top1", "top3", "asked_mean", "asked_max")
    round_ = {
        "name": title,
        "scored": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": analyser.version,
        "bank": note,
        "sets": {
            name: {k: v for k, v in summary(these).items() if k in keys}
            for name, these in found.items()
        },
    }
    entry = yaml.safe_dump([round_], sort_keys=False, allow_unicode=True, width=100)
    indented = "".join("  " + line if line.strip() else line for line in entry.splitlines(True))
    if not text:
        text = "rounds:\n"
    path.write_text(text.rstrip("\n") + "\n" + indented, encoding="utf-8")
    return round_


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score new simulated-patient sets once.")
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--first-contact", action="store_true", required=True)
    parser.add_argument("--name", required=True, help="the round's name in the record")
    parser.add_argument("--bank", default="corpus/questions.yaml as served", help="what asked")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    try:
        round_ = record_first_contact(args.corpus, args.models, args.sets, args.name, args.bank)
    except (ValueError, artifact.ModelIntegrityError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(yaml.safe_dump(round_["sets"], sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
