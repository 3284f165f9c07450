"""The analyser: one object that turns a text into the contract's answer.

It joins the trained model (text processing, features and calibrated classifier in their serving
form, ``triage.compact``, and the out-of-scope threshold) with the rule layer (red flags,
timeline, referral policy). The service, ``make evaluate`` and the tests all call
``Analyser.analyse``, so what is measured is what is served.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import numpy as np

from triage import evidence
from triage.answer import Answer, CauseScore, ReferralAdvice
from triage.artifact import ServingModel
from triage.compact import CompactLinearModel
from triage.detector import SignDetector
from triage.knowledge import OUT_OF_SCOPE, ConfidenceBand, Knowledge, time_words
from triage.language import IdentifierFiles, LanguageGate
from triage.language import preload as preload_language_identifier
from triage.questions import REPLIES, AskedQuestion, Interview, ReplyEffect, ReplyTable
from triage.redflags import FlagHit, RedFlagMatcher
from triage.referral import alert_for, decide
from triage.text import Analysis, TextAnalyzer
from triage.timeline import TimelineReader


class BadReply(ValueError):
    """Replies that are not yes, no or unsure (the API's schema refuses them before)."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(f"answers: a reply must be yes, no or unsure: {', '.join(ids)}")


IGNORED = "There is no question {id!r} in this model: that reply was ignored."


class Analyser:
    def __init__(
        self,
        model: CompactLinearModel,
        knowledge: Knowledge,
        oos_threshold: float,
        version: str,
        detector: SignDetector | None = None,
        english_words: tuple[str, ...] = (),
        reply_table: ReplyTable | None = None,
        identifier: IdentifierFiles | None = None,
    ):
        settings = knowledge.lexicon.language
        if settings and identifier:  # it loads in a thread meanwhile (``triage.language``)
            preload_language_identifier(identifier)
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
        # a corpus may have no out-of-scope texts: then every text is in scope
        self.oos_index = self.labels.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in self.labels else None
        self.causes = {c.id: c for c in knowledge.causes}
        self.flag_rules = {f.id: f for f in knowledge.red_flags}
        words = knowledge.lexicon.evidence
        # filler, and the words of time ("minutes", "ago"): they say when, never what
        times = time_words(knowledge.lexicon)
        self.filler = frozenset(w.lower() for w in words.filler) | frozenset(times)
        self.partial = frozenset(w.lower() for w in words.partial)
        self.language = LanguageGate(english_words, settings, identifier) if settings else None
        self.cause_index = [i for i, label in enumerate(self.labels) if label != OUT_OF_SCOPE]
        cause_ids = [self.labels[i] for i in self.cause_index]
        self.cause_names = {c: self.causes[c].name for c in cause_ids}
        self._cause_ids = cause_ids
        self._set_reply_table(reply_table)
        self._set_detector(detector)
        if self.language is not None:
            self.language.wait()  # built means ready: no text waits for the identifier

    def _set_reply_table(self, table: ReplyTable | None) -> None:
        bank = self.knowledge.questions
        self.interview = Interview(bank, self._cause_ids, self.flag_rules, table) if bank else None

    def with_reply_table(self, table: ReplyTable | None) -> Analyser:
        """The same analyser with another learned reply table (None: the bank's hand-set one):
        for evaluation, which scores each simulated-patient set by a table learned without it."""
        other = copy.copy(self)
        other._set_reply_table(table)
        return other

    def _set_detector(self, detector: SignDetector | None) -> None:
        self.detector = detector
        # the signs each rule finds: a detector hit adds nothing where a rule found its sign
        self.signs_of_flag: dict[str, set[str]] = {}
        for sign in detector.signs if detector else ():
            for flag in sign.flags:
                self.signs_of_flag.setdefault(flag, set()).add(sign.id)

    def with_detector(self, detector: SignDetector | None) -> Analyser:
        """The same analyser with another detector (or none): for evaluation, which scores the
        rules alone and each leave-one-batch-out detector without rebuilding the rest."""
        other = copy.copy(self)
        other._set_detector(detector)
        return other

    @classmethod
    def from_serving(cls, serving: ServingModel) -> Analyser:
        knowledge = Knowledge.model_validate(serving.knowledge)
        return cls(
            serving.model,
            knowledge,
            serving.oos_threshold,
            serving.version,
            serving.detector,
            serving.english_words,
            serving.reply_table,
            serving.identifier,
        )

    def describe(self) -> str:
        """What decides the warning signs of this analyser, for records of its answers."""
        if self.detector is None:
            return "rules"
        t = self.detector.thresholds
        return f"rules + learned detector (thresholds {t.emergency:.3f} / {t.urgent:.3f})"

    def warning_signs(self, analysis: Analysis) -> list[FlagHit]:
        """The rules' hits, then the detector's for the signs no rule found or read as denied:
        a hit it adds can only raise the level, and where the rules read "my arm isn't weak"
        as a denial, the detector's "arm" is no finding."""
        return self._warning_signs(analysis)[0]

    def _warning_signs(self, analysis: Analysis) -> tuple[list[FlagHit], set[str]]:
        """The hits, and the red flags the text denies (no follow-up question asks about them)."""
        hits, denied = self.flags.find_with_denied(analysis)
        if self.detector is None:
            return hits, denied
        known = {hit.id for hit in hits} | denied
        known |= {sign for flag in known for sign in self.signs_of_flag.get(flag, ())}
        found = self.detector.find(analysis, self.filler)
        return hits + [h for h in found if h.id not in known], denied

    # -- classifier -----------------------------------------------------------------------------
    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities over ``labels`` (all 12, out_of_scope included)."""
        return np.array(
            [self.model.proba(self.model.encode(self.processor.analyse(t))) for t in texts]
        )

    # -- whole answer ---------------------------------------------------------------------------
    def analyse(
        self,
        text: str,
        top_k: int = 3,
        today: date | None = None,
        answers: Mapping[str, str] | None = None,
    ) -> Answer:
        """``answers``: replies to follow-up questions, ``{question_id: "yes" | "no" | "unsure"}``
        (``triage.questions``). An id this model's bank does not have is ignored and said so in
        ``replies``: a client may hold the questions of an earlier model, and the service keeps
        no state to tell; a reply other than those three raises ``BadReply``."""
        known, unknown = self._checked(answers)
        # not analyse_many([text]): nlp.pipe costs more set-up than one text's tokenizing
        answer = self._answer(self.processor.analyse(text), top_k, today, known)
        if not unknown:
            return answer
        ignored = tuple(ReplyEffect(q, answers[q], IGNORED.format(id=q)) for q in unknown)
        return replace(answer, replies=ignored + answer.replies)

    def analyse_many(
        self, texts: list[str], top_k: int = 3, today: date | None = None
    ) -> list[Answer]:
        analyses = self.processor.analyse_many(texts)
        return [self._answer(analysis, top_k, today, {}) for analysis in analyses]

    def _checked(self, answers: Mapping[str, str] | None) -> tuple[dict[str, str], list[str]]:
        """The replies to questions of this bank, and the ids it does not have."""
        if not answers:
            return {}, []
        if bad := sorted(q for q, reply in answers.items() if reply not in REPLIES):
            raise BadReply(bad)
        unknown = self.interview.unknown(answers) if self.interview else sorted(answers)
        return {q: r for q, r in answers.items() if q not in unknown}, unknown

    def _answer(
        self, analysis: Analysis, top_k: int, today: date | None, answers: Mapping[str, str]
    ) -> Answer:
        if self.language and (language := self.language.language(analysis.text)):
            return self._not_english(analysis, language, today)
        encoded = self.model.encode(analysis)
        proba = self.model.proba(encoded)
        in_scope_prob = 1.0 if self.oos_index is None else 1.0 - float(proba[self.oos_index])
        in_scope = in_scope_prob >= self.oos_threshold
        flags, denied = self._warning_signs(analysis)
        replies: list[ReplyEffect] = []
        if answers and self.interview is not None:
            interview = self.interview
            found = {hit.id for hit in flags}
            flags += [h for h in interview.reply_hits(answers) if h.id not in found]
            denied = denied | interview.ruled_out(answers)
            if in_scope:
                proba = proba.copy()
                causes_p, replies = interview.update(
                    proba[self.cause_index], answers, self.cause_names
                )
                proba[self.cause_index] = causes_p
        timeline = self.timeline.read(analysis, today)
        causes: list[CauseScore] = []
        top_cause = None
        if in_scope:
            order = [i for i in np.argsort(-proba, kind="stable") if i != self.oos_index][:top_k]
            # plain floats: indexing NumPy scalars one by one is slow
            scores = self.model.token_scores(encoded, len(analysis.rendered), order).tolist()
            eligible = evidence.candidates(analysis, filler=self.filler)
            model = self.model
            against = (
                evidence.denied(
                    analysis, model.word_vocab, model.weights, model.row_mean, self.oos_index
                )
                if any(analysis.negated)
                else {}
            )
            for reply in replies:
                said = f'you answered "{reply.reply}" to "{self._question_text(reply)}"'
                for cause_id in reply.lowered:
                    against.setdefault(self.labels.index(cause_id), []).append(said)
            for i, row in zip(order, scores, strict=True):
                cause = self.causes[self.labels[i]]
                # rounded down, so the listed confidences never sum above 1
                confidence = math.floor(float(proba[i]) * 10_000) / 10_000
                band = self.band(confidence)
                causes.append(
                    CauseScore(
                        id=cause.id,
                        name=cause.name,
                        confidence=confidence,
                        evidence=tuple(evidence.phrases(analysis, row, eligible, self.partial))
                        if band is None or band.show_evidence
                        else (),
                        band=band.words if band else None,
                        against=tuple(against.get(i, ())),
                    )
                )
            top_cause = self.causes[causes[0].id]
        referral = self.knowledge.referral
        uncertain = bool(
            causes
            and referral.uncertain_below is not None
            and causes[0].confidence < referral.uncertain_below
        )
        decision = decide(referral, self.flag_rules, top_cause, flags, timeline, uncertain)
        alert = alert_for(referral, decision.level, decision.active_flags)
        vague = uncertain and alert is None
        questions: list[AskedQuestion] = []
        if in_scope and self.interview is not None and decision.level != "emergency":
            settled = {hit.id for hit in flags} | denied
            questions = self.interview.choose(proba[self.cause_index], answers, settled)
        return Answer(
            in_scope=in_scope,
            causes=tuple(causes),
            referral=ReferralAdvice(decision.level, decision.advice, tuple(decision.reasons)),
            red_flags=tuple(decision.active_flags),
            duration_days=timeline.duration_days,
            duration_text=timeline.duration_text,
            onset=timeline.onset,
            message=None if in_scope else referral.out_of_scope_message,
            model_version=self.version,
            disclaimer=referral.disclaimer,
            alert=alert,
            detail_message=referral.uncertain_message if vague else None,
            questions=tuple(questions),
            replies=tuple(replies),
        )

    def _question_text(self, reply: ReplyEffect) -> str:
        assert self.interview is not None  # a reply exists only with a question bank
        return self.interview.question(reply.question_id).text

    def band(self, confidence: float) -> ConfidenceBand | None:
        """The first band (highest first) whose ``min`` the confidence reaches."""
        bands = self.knowledge.referral.confidence_bands
        return next((b for b in bands if confidence >= b.min), None)

    def _not_english(self, analysis: Analysis, language: str, today: date | None) -> Answer:
        """A text in another language: no cause is guessed and the answer says why, with the
        emergency numbers. A rule that still finds a warning sign (an English word in the text)
        still sets the level; the detector, which learned English, does not read it."""
        flags = self.flags.find(analysis)
        timeline = self.timeline.read(analysis, today)
        decision = decide(self.knowledge.referral, self.flag_rules, None, flags, timeline)
        referral = self.knowledge.referral
        return Answer(
            in_scope=False,
            causes=(),
            referral=ReferralAdvice(decision.level, decision.advice, tuple(decision.reasons)),
            red_flags=tuple(decision.active_flags),
            duration_days=None,
            onset=None,
            message=referral.language_message or referral.out_of_scope_message,
            model_version=self.version,
            disclaimer=referral.disclaimer,
            alert=alert_for(referral, decision.level, decision.active_flags),
            language=language,
        )
