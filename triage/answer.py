"""The analyser's answer as typed, frozen objects.

Evaluation, metrics and the CLI read attributes; the answer becomes the API's JSON once, at the
edge, through ``Answer.to_dict`` (whose keys are the contract's, listed here and nowhere else).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.questions import AskedQuestion, ReplyEffect
from triage.redflags import FlagHit


@dataclass(frozen=True, slots=True)
class CauseScore:
    id: str
    name: str
    confidence: float  # calibrated, rounded down to 4 places so a list never sums above 1
    evidence: tuple[str, ...]  # exact substrings of the input
    band: str | None = None  # the confidence in words ("likely"), from referral.confidence_bands
    against: tuple[str, ...] = ()  # findings against it: denied words of the input, replies


@dataclass(frozen=True, slots=True)
class ReferralAdvice:
    level: str | None  # None only when out of scope with no red flag
    advice: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Alert:
    """Said first when warning signs set the level to emergency or urgent: what they may mean
    (``concern``, ``headline``), and that the causes of twitching are not the point now."""

    concern: str | None  # the id of ``referral.concerns`` that leads; None: the level's default
    headline: str
    causes_note: str | None


@dataclass(frozen=True, slots=True)
class Answer:
    in_scope: bool
    causes: tuple[CauseScore, ...]
    referral: ReferralAdvice
    red_flags: tuple[FlagHit, ...]
    duration_days: float | None
    onset: str | None
    message: str | None
    model_version: str
    disclaimer: str
    alert: Alert | None = None
    detail_message: str | None = None  # too little to tell the causes apart: what would help
    duration_text: str | None = None  # the duration as the text states it: "for 3 weeks"
    language: str = "en"  # ISO 639-1: another language is answered with a message, no cause
    questions: tuple[AskedQuestion, ...] = ()  # follow-up questions, most useful first
    replies: tuple[ReplyEffect, ...] = ()  # what each reply sent with the text did

    @property
    def top_cause(self) -> str | None:
        return self.causes[0].id if self.causes else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the HTTP API (written out: ``dataclasses.asdict`` deep-copies)."""
        referral = self.referral
        return {
            "in_scope": self.in_scope,
            "causes": [
                {
                    "id": c.id,
                    "name": c.name,
                    "confidence": c.confidence,
                    "evidence": list(c.evidence),
                    "band": c.band,
                    "against": list(c.against),
                }
                for c in self.causes
            ],
            "referral": {
                "level": referral.level,
                "advice": referral.advice,
                "reasons": list(referral.reasons),
            },
            "red_flags": [
                {
                    "id": f.id,
                    "name": f.name,
                    "level": f.level,
                    "text": f.text,
                    "source": f.source,
                    "probability": f.probability,
                }
                for f in self.red_flags
            ],
            "duration_days": self.duration_days,
            "duration_text": self.duration_text,
            "detail_message": self.detail_message,
            "onset": self.onset,
            "message": self.message,
            "model_version": self.model_version,
            "disclaimer": self.disclaimer,
            "alert": None
            if self.alert is None
            else {
                "concern": self.alert.concern,
                "headline": self.alert.headline,
                "causes_note": self.alert.causes_note,
            },
            "language": self.language,
            "questions": [
                {"id": q.id, "text": q.text, "kind": q.kind, "gain": q.gain} for q in self.questions
            ],
            "replies": [
                {
                    "question_id": r.question_id,
                    "reply": r.reply,
                    "effect": r.effect,
                    "raised": list(r.raised),
                    "lowered": list(r.lowered),
                }
                for r in self.replies
            ],
        }
