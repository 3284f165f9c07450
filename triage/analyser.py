"""The analyser: one object that turns a text into the contract's answer.

It joins the trained model (text processing, features and calibrated classifier in their serving
form, ``triage.compact``, and the out-of-scope threshold) with the rule layer (red flags,
timeline, referral policy). The service, ``make evaluate`` and the tests all call
``Analyser.analyse``, so what is measured is what is served.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from triage.answer import Answer, CauseScore, ReferralAdvice
from triage.artifact import ServingModel
from triage.compact import CompactLinearModel
from triage.knowledge import OUT_OF_SCOPE, Knowledge
from triage.redflags import RedFlagMatcher
from triage.referral import decide
from triage.text import Analysis, TextAnalyzer
from triage.timeline import TimelineReader

MAX_EVIDENCE = 4
EVIDENCE_MIN_SHARE = 0.2  # a word is evidence when it pushes at least this share of the strongest


class Analyser:
    def __init__(
        self, model: CompactLinearModel, knowledge: Knowledge, oos_threshold: float, version: str
    ):
        self.model = model
        self.processor = TextAnalyzer(model.scope_lexicon)  # the text processing it was trained on
        self.knowledge = knowledge
        self.oos_threshold = oos_threshold
        self.version = version
        self.flags = RedFlagMatcher(
            knowledge.red_flags, self.processor, knowledge.lexicon.negation.in_pattern
        )
        self.timeline = TimelineReader(knowledge.lexicon, self.processor)
        self.labels = self.model.labels
        self.oos_index = self.labels.index(OUT_OF_SCOPE)
        self.causes = {c.id: c for c in knowledge.causes}

    @classmethod
    def from_serving(cls, serving: ServingModel) -> Analyser:
        knowledge = Knowledge.model_validate(serving.knowledge)
        return cls(serving.model, knowledge, serving.oos_threshold, serving.version)

    def describe(self) -> str:
        """What decides the warning signs of this analyser, for records of its answers."""
        return "rules"

    # -- classifier -----------------------------------------------------------------------------
    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities over ``labels`` (all 12, out_of_scope included)."""
        return np.array(
            [self.model.proba(self.model.encode(self.processor.analyse(t))) for t in texts]
        )

    @staticmethod
    def evidence_candidates(analysis: Analysis) -> list[int]:
        """Tokens that may be evidence for any cause: denied words ("no cold sores"), stop words
        and bare numbers never are."""
        return [
            i
            for i, r in enumerate(analysis.rendered)
            if r
            and not analysis.negated[i]
            and not analysis.is_stop[i]
            and not analysis.like_num[i]
        ]

    def evidence(self, analysis: Analysis, column: list[float], candidates: list[int]) -> list[str]:
        """The input's own words that push this cause up most (``column``: each token's share of
        its score), merged into short phrases; a number right before a chosen word stays with it
        ("four espressos")."""
        eligible = [i for i in candidates if column[i] > 0]
        if not eligible:
            return []
        floor = EVIDENCE_MIN_SHARE * max(column[i] for i in eligible)
        chosen = sorted((i for i in eligible if column[i] >= floor), key=lambda i: -column[i])
        chosen_set = set(chosen[:MAX_EVIDENCE])
        chosen_set |= {i - 1 for i in chosen_set if i > 0 and analysis.like_num[i - 1]}
        spans: list[list] = []  # [weight, start, end)
        for i in sorted(chosen_set):
            if spans and spans[-1][2] == i:
                spans[-1][0] = max(spans[-1][0], column[i])
                spans[-1][2] = i + 1
            else:
                spans.append([column[i], i, i + 1])
        spans.sort(key=lambda span: -span[0])
        return [analysis.span_text(start, end) for _, start, end in spans]

    # -- whole answer ---------------------------------------------------------------------------
    def analyse(self, text: str, top_k: int = 3, today: date | None = None) -> Answer:
        # not analyse_many([text]): nlp.pipe costs more set-up than one text's tokenizing
        return self._answer(self.processor.analyse(text), top_k, today)

    def analyse_many(
        self, texts: list[str], top_k: int = 3, today: date | None = None
    ) -> list[Answer]:
        analyses = self.processor.analyse_many(texts)
        return [self._answer(analysis, top_k, today) for analysis in analyses]

    def _answer(self, analysis: Analysis, top_k: int, today: date | None) -> Answer:
        encoded = self.model.encode(analysis)
        proba = self.model.proba(encoded)
        in_scope_prob = 1.0 - float(proba[self.oos_index])
        in_scope = in_scope_prob >= self.oos_threshold
        flags = self.flags.find(analysis)
        timeline = self.timeline.read(analysis, today)
        causes: list[CauseScore] = []
        top_cause = None
        if in_scope:
            order = [i for i in np.argsort(-proba, kind="stable") if i != self.oos_index][:top_k]
            # plain floats: indexing NumPy scalars one by one is slow
            scores = self.model.token_scores(encoded, len(analysis.rendered), order).tolist()
            candidates = self.evidence_candidates(analysis)
            for i, row in zip(order, scores, strict=True):
                cause = self.causes[self.labels[i]]
                causes.append(
                    CauseScore(
                        id=cause.id,
                        name=cause.name,
                        # rounded down, so the listed confidences never sum above 1
                        confidence=math.floor(float(proba[i]) * 10_000) / 10_000,
                        evidence=tuple(self.evidence(analysis, row, candidates)),
                    )
                )
            top_cause = self.causes[causes[0].id]
        decision = decide(self.knowledge.referral, top_cause, flags, timeline)
        referral = self.knowledge.referral
        return Answer(
            in_scope=in_scope,
            causes=tuple(causes),
            referral=ReferralAdvice(decision.level, decision.advice, tuple(decision.reasons)),
            red_flags=tuple(decision.active_flags),
            duration_days=timeline.duration_days,
            onset=timeline.onset,
            message=None if in_scope else referral.out_of_scope_message,
            model_version=self.version,
            disclaimer=referral.disclaimer,
        )
