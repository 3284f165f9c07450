"""Follow-up questions: which to ask, and what the replies do to the causes and the level.

A one-shot classifier can only guess from "my lip twitches". The answer therefore asks what would
best tell the likely causes apart, or rule out a warning sign that matters for them, and the client
sends the replies back with the text (the service keeps no state).

The method, stated so it can be tested:

- Each question of ``corpus/questions.yaml`` gives P(yes | cause) for every cause, set by hand
  from the cause descriptions. ``make train`` refines that table with the replies of the
  simulated patients of ``corpus/interview`` (``training.reply_table``: the hand-set figure is a
  Beta prior worth ``learned_weight`` replies) and the artifact carries the result. Either way
  it is kept within [floor, 1 - floor] so that no single reply is taken as certain. A reply
  multiplies each cause's calibrated probability by P(reply | cause) and the result is
  renormalised over the causes (naive Bayes: replies independent given the cause). The in-scope
  mass does not change, so the confidences still sum to at most 1. "unsure" changes nothing.
- A "yes" to a warning-sign question is a red-flag hit of that sign (source ``reply``), so the
  referral policy sets the level exactly as the sign told in the text would; a "no" rules it out.
- Questions are asked when the likeliest cause is below ``clear_at``, or the top two are closer
  than ``close_margin``, and never when the level is already an emergency. Warning-sign questions
  come first, for signs no rule has found or ruled out, when a cause they matter for is at least
  ``matters_at`` likely; the rest are ranked by expected information gain over the causes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from triage.knowledge import Question, QuestionBank, RedFlag
from triage.redflags import FlagHit

Reply = Literal["yes", "no", "unsure"]
REPLIES: tuple[str, ...] = get_args(Reply)

# P(yes | cause) learned at training time: question id -> cause id -> probability
ReplyTable = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    id: str
    text: str
    kind: str  # "warning": rules out a warning sign; "cause": tells the likely causes apart
    gain: float  # what it adds to the expected information gain of those before it, in bits


@dataclass(frozen=True, slots=True)
class ReplyEffect:
    """What one reply did, in plain words, for the reasons and the page."""

    question_id: str
    reply: str
    effect: str
    raised: tuple[str, ...] = ()  # cause ids the reply made more likely
    lowered: tuple[str, ...] = ()  # cause ids it made less likely


_TINY = 1e-300


def _xlogx(x: np.ndarray) -> np.ndarray:
    """x log2 x, elementwise, with 0 log 0 = 0 (x is never negative here)."""
    return x * np.log2(np.maximum(x, _TINY))


def entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in bits along the last axis (0 log 0 = 0)."""
    return -_xlogx(p).sum(axis=-1)


def prior_table(bank: QuestionBank, cause_ids: list[str]) -> np.ndarray:
    """The bank's hand-set P(yes | cause), (questions, causes), before any clipping: the table
    served without a learned one, and the prior of the learned one (``training.reply_table``)."""
    return np.array([[q.yes_if.get(c, q.otherwise) for c in cause_ids] for q in bank.questions])


class Interview:
    """The question bank over one model's causes: P(yes | cause) as a (questions, causes) table,
    the learned ``table`` where it gives a figure, else the bank's hand-set one."""

    # a reply that moves a cause by at least this factor is named in its effect, when the cause
    # is at least MENTION likely; at most NAMED causes each way
    NOTABLE = 2.0
    MENTION = 0.05
    NAMED = 3

    def __init__(
        self,
        bank: QuestionBank,
        cause_ids: list[str],
        flags: Mapping[str, RedFlag],
        table: ReplyTable | None = None,
    ) -> None:
        self.bank = bank
        self.cause_ids = list(cause_ids)
        self.questions = bank.questions
        self.by_id: dict[str, int] = {q.id: i for i, q in enumerate(self.questions)}
        self.learned = table is not None
        raw = prior_table(bank, self.cause_ids) if table is None else self._learned(table)
        self.yes = np.clip(raw, bank.floor, 1.0 - bank.floor)
        # sum over replies of P(reply | c) log P(reply | c), per question and cause (see gains)
        self._reply_xlogx = _xlogx(self.yes) + _xlogx(1.0 - self.yes)
        self._yes_t = np.ascontiguousarray(self.yes.T)
        self.flags = dict(flags)
        self._id_flag = [(q.id, q.flag) for q in self.questions]
        # (questions, causes): 1 where a warning question matters for the cause
        self._matters = np.array(
            [
                [q.flag is not None and c in q.matters_for for c in self.cause_ids]
                for q in self.questions
            ],
            dtype=float,
        )

    def _learned(self, table: ReplyTable) -> np.ndarray:
        """The learned figures, and the hand-set one for a pair the table lacks (a question
        added since the model was trained)."""
        prior = prior_table(self.bank, self.cause_ids)
        for i, q in enumerate(self.questions):
            for j, c in enumerate(self.cause_ids):
                prior[i, j] = table.get(q.id, {}).get(c, prior[i, j])
        return prior

    def question(self, qid: str) -> Question:
        """The question of this id (the bank has it: ``unknown`` filters the rest out first)."""
        return self.questions[self.by_id[qid]]

    def unknown(self, answers: Mapping[str, str]) -> list[str]:
        """The question ids of ``answers`` this bank does not have."""
        return sorted(q for q in answers if q not in self.by_id)

    def likelihood(self, question: int, reply: str) -> np.ndarray:
        """P(reply | cause) for each cause; ones for "unsure"."""
        if reply == "yes":
            return self.yes[question]
        if reply == "no":
            return 1.0 - self.yes[question]
        return np.ones(len(self.cause_ids))

    def update(
        self, probs: np.ndarray, answers: Mapping[str, str], names: Mapping[str, str]
    ) -> tuple[np.ndarray, list[ReplyEffect]]:
        """The causes' probabilities after the replies, and what each reply did. ``probs`` are the
        calibrated probabilities of ``cause_ids`` (their sum, the in-scope mass, is kept)."""
        mass = float(probs.sum())
        if mass <= 0:
            return probs, [self._effect(q, r, probs, probs, names) for q, r in answers.items()]
        posterior = probs / mass
        effects = []
        for qid, reply in answers.items():
            before = posterior
            posterior = before * self.likelihood(self.by_id[qid], reply)
            posterior = posterior / posterior.sum()
            effects.append(self._effect(qid, reply, before, posterior, names))
        return posterior * mass, effects

    def _effect(
        self, qid: str, reply: str, before: np.ndarray, after: np.ndarray, names: Mapping[str, str]
    ) -> ReplyEffect:
        """The reply's effect in words: the causes it moved by ``NOTABLE`` times or more that
        matter (at least ``MENTION`` likely after, for those raised; before, for those lowered)."""
        question = self.question(qid)
        ratio = np.divide(after, before, out=np.ones_like(after), where=before > 0)
        order = np.argsort(-after, kind="stable")
        raised = tuple(
            self.cause_ids[i]
            for i in order
            if ratio[i] >= self.NOTABLE and after[i] >= self.MENTION
        )[: self.NAMED]
        lowered = tuple(
            self.cause_ids[i]
            for i in np.argsort(-before, kind="stable")
            if ratio[i] <= 1 / self.NOTABLE and before[i] >= self.MENTION
        )[: self.NAMED]
        said = f'You answered "{reply}" to "{question.text}"'
        if reply == "unsure":
            effect = f"{said}: that changes nothing."
        elif question.flag is not None and reply == "yes":
            effect = f"{said}: that is a warning sign, and it sets the level."
        else:
            parts = []
            if question.flag is not None:
                parts.append("that warning sign is ruled out")
            if raised:
                parts.append("more likely: " + ", ".join(names.get(c, c) for c in raised))
            if lowered:
                parts.append("less likely: " + ", ".join(names.get(c, c) for c in lowered))
            effect = f"{said}: " + ("; ".join(parts) if parts else "little changes") + "."
        return ReplyEffect(qid, reply, effect, raised, lowered)

    def reply_hits(self, answers: Mapping[str, str]) -> list[FlagHit]:
        """A red-flag hit for each "yes" to a warning-sign question: the referral policy then
        treats it as the sign told in the text. Its ``text`` is the question answered."""
        hits = []
        for qid, reply in answers.items():
            question = self.question(qid)
            if reply != "yes" or question.flag is None or question.flag not in self.flags:
                continue
            rule = self.flags[question.flag]
            hits.append(
                FlagHit(
                    id=rule.id,
                    name=rule.name,
                    level=rule.level,
                    sudden_only=False,  # the question asks about a sudden, new sign
                    text=question.text,
                    start=-1,
                    end=-1,
                    source="reply",
                )
            )
        return hits

    def ruled_out(self, answers: Mapping[str, str]) -> set[str]:
        """The red flags a "no" reply rules out."""
        return {
            flag
            for qid, reply in answers.items()
            if reply == "no" and (flag := self.question(qid).flag) is not None
        }

    def gains(
        self, posterior: np.ndarray, joint: np.ndarray | None = None, own: float | None = None
    ) -> np.ndarray:
        """Expected information gain over the causes, in bits, of adding each question to the
        questions already chosen: H(p) - E[H(p | all their replies)].

        ``joint``: (outcomes, causes), p_c times P(those replies | c) for every combination of
        replies to the questions already chosen (None: none chosen). Questions put together in
        one answer are scored as a set, so the second is the best one *given* the first, and two
        questions that ask much the same thing are not both asked.

        With a = joint x P(reply | c) over the new outcomes, E[H] = -sum a log a + sum P log P
        (P: each outcome's total). Because the replies of one question sum to one for each cause,
        sum a log a = own + sum_c p_c (y log y + n log n)_c with own = sum joint log joint, so only
        the outcome totals need a product per question. ``own`` may be passed when known (it
        grows by that same sum for each question added: ``choose`` keeps it so).
        """
        if joint is None:
            joint = posterior[None, :]
        if own is None:
            own = float(_xlogx(joint).sum())
        totals = np.empty((2, joint.shape[0], len(self.questions)))
        np.matmul(joint, self._yes_t, out=totals[0])  # P(yes, earlier replies)
        np.subtract(joint.sum(axis=1)[:, None], totals[0], out=totals[1])
        spread = _xlogx(totals).sum(axis=(0, 1))
        return float(entropy(posterior)) + own + self._reply_xlogx @ posterior - spread

    def _with(self, joint: np.ndarray, i: int) -> np.ndarray:
        """``joint`` with question ``i``'s two replies added."""
        return np.concatenate([joint * self.yes[i], joint * (1 - self.yes[i])])

    def needs_questions(self, posterior: np.ndarray) -> bool:
        """Ask only when the answer is not already clear."""
        top = np.sort(posterior)[::-1]
        return bool(top[0] < self.bank.clear_at or top[0] - top[1] < self.bank.close_margin)

    def choose(
        self,
        probs: np.ndarray,
        answers: Mapping[str, str],
        settled_flags: set[str],
    ) -> list[AskedQuestion]:
        """Up to ``ask_at_most`` questions not yet answered, warning signs first. ``probs``: the
        causes' probabilities after the replies; ``settled_flags``: red flags the text or a reply
        already found or ruled out (no question about them)."""
        mass = float(probs.sum())
        if mass <= 0:
            return []
        posterior = probs / mass
        if not self.needs_questions(posterior):
            return []
        bank = self.bank
        likely = posterior >= bank.matters_at
        open_ = [
            i
            for i, (qid, flag) in enumerate(self._id_flag)
            if qid not in answers and (flag is None or flag not in settled_flags)
        ]
        warns = (self._matters @ likely) > 0  # a warning question one of whose causes is likely
        chosen: list[AskedQuestion] = []
        joint = posterior[None, :]
        own = -float(entropy(posterior))  # sum joint log joint, for no question yet
        added = self._reply_xlogx @ posterior  # what each question adds to it
        total = 0.0
        while len(chosen) < bank.ask_at_most and open_:
            gains = self.gains(posterior, joint, own)
            warned = sum(q.kind == "warning" for q in chosen)
            pool = [i for i in open_ if warns[i]] if warned < bank.warning_at_most else []
            pool = pool or [i for i in open_ if not warns[i]]
            if not pool:
                break
            best = pool[int(np.argmax(gains[pool]))]
            chosen.append(self._asked(best, float(gains[best]) - total, bool(warns[best])))
            total = float(gains[best])
            joint = self._with(joint, best)
            own += float(added[best])
            open_.remove(best)
        return chosen

    def _asked(self, i: int, gain: float, warning: bool) -> AskedQuestion:
        question: Question = self.questions[i]
        return AskedQuestion(
            question.id, question.text, "warning" if warning else "cause", round(float(gain), 4)
        )
