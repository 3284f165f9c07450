"""Request and response models of the HTTP API (CONTRACT.md), typed and bounded."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from triage.knowledge import Level
from triage.limits import MAX_BATCH, MAX_TEXT_CHARS, MAX_TOP_K
from triage.questions import Reply

# A character that is not white space, spelled out so that Python and the ECMAScript regexes of
# JSON Schema agree on it (their \s differ on U+001C-001F, U+0085 and U+FEFF).
_VISIBLE = re.compile(
    "[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
LevelName = Level
MAX_ANSWERS = 64  # more replies than any question bank has questions
# any short key: an id this model does not ask is ignored and said so (no pattern: the schema's
# regex dialect and pydantic's disagree on "$" before a newline)
QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def _meaningful(text: str) -> str:
    if not _VISIBLE.search(text):  # the same test as the schema's pattern
        raise ValueError("text is empty or only whitespace; describe what is happening")
    if _SURROGATE.search(text):
        raise ValueError("text contains invalid Unicode (unpaired surrogates)")
    return text


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS),
    AfterValidator(_meaningful),
    # documents "not only whitespace" in the schema; _meaningful enforces it with a clear message
    Field(json_schema_extra={"pattern": _VISIBLE.pattern}),
]


TEXT = TypeAdapter(Text)


def problem_of(exc: ValidationError) -> str:
    """The first error of a validation, as one line: ``field: message``."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def text_problem(text: str) -> str | None:
    """Why a text breaks the rules of ``Text`` (the message /v1/predict gives), or None."""
    try:
        TEXT.validate_python(text)
    except ValidationError as exc:
        return f"text: {problem_of(exc)}"
    return None


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="what is happening, in the person's own words")
    top_k: int | None = Field(
        default=None, ge=1, le=MAX_TOP_K, description="how many causes (default 3)"
    )
    answers: dict[QuestionId, Reply] = Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description="replies to follow-up questions of an earlier answer, by question id "
        "(`questions[].id`): send the same text with every reply so far; the service keeps no "
        "state. An id this model does not ask is ignored, and `replies` says so",
    )


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # plain strings: a text that breaks the rules of `Text` is answered by an error in its place
    # (`BatchError`), and the others are answered, instead of refusing the whole batch
    texts: list[str] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="the texts, each under the rules of /v1/predict's `text`; one that breaks "
        "them gets an `error` in its place in `results`",
    )
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K)


class CauseScore(BaseModel):
    id: str
    name: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(description="the words pointing to it; none for an unlikely one")
    band: str | None = Field(
        default=None, description="the confidence in words: likely, possible, less likely, unlikely"
    )
    against: list[str] = Field(
        default_factory=list,
        description="findings against it: words the input denies that would point to it (exact "
        "substrings), and replies that made it less likely",
    )


class ReferralOut(BaseModel):
    level: LevelName | None
    advice: str | None
    reasons: list[str]


class RedFlagOut(BaseModel):
    id: str
    name: str
    level: LevelName
    text: str = Field(
        description="the words of the input that show it (an exact substring); for a reply, "
        "the question answered yes"
    )
    source: Literal["rule", "detector", "reply"] = Field(
        description="a red-flag rule, the learned warning-sign detector, or a yes to a "
        "warning-sign question"
    )
    probability: float | None = Field(
        default=None, ge=0.0, le=1.0, description="the detector's calibrated probability"
    )


class AlertOut(BaseModel):
    concern: str | None = Field(
        description="what the warning signs may mean (an id: stroke, heart_attack, airway, "
        "seizure_or_collapse, brain_bleed, facial_palsy), or null for the level's general warning"
    )
    headline: str = Field(description="said first, before any cause of twitching")
    causes_note: str | None = Field(description="says the causes below are not the point now")


class QuestionOut(BaseModel):
    id: str = Field(description="send the reply back in `answers` under this id")
    text: str = Field(description="the question, as the person reads it")
    kind: Literal["warning", "cause"] = Field(
        description="warning: rules out a warning sign (a yes sets the level as that sign would); "
        "cause: tells the likely causes apart"
    )
    gain: float = Field(
        description="what it adds to the expected information gain over the causes, in bits"
    )


class ReplyOut(BaseModel):
    question_id: str
    reply: Reply
    effect: str = Field(description="what the reply did, in plain words")
    raised: list[str] = Field(description="cause ids it made notably more likely")
    lowered: list[str] = Field(description="cause ids it made notably less likely")


class Prediction(BaseModel):
    in_scope: bool
    causes: list[CauseScore]
    referral: ReferralOut
    red_flags: list[RedFlagOut]
    duration_days: float | None
    detail_message: str | None = Field(
        default=None,
        description="when the text says too little to tell the causes apart: what would help",
    )
    duration_text: str | None = Field(
        default=None, description="the words of the text that state the duration ('for 3 weeks')"
    )
    onset: Literal["sudden", "slow"] | None
    message: str | None = Field(
        description="what the service covers, when the text is out of scope or not in English"
    )
    model_version: str
    disclaimer: str
    alert: AlertOut | None = Field(
        default=None,
        description="when warning signs set the level to emergency or urgent: what they may mean",
    )
    language: str = Field(
        default="en",
        description="ISO 639-1 code of the text's language; only English ('en') is analysed, "
        "another language is answered with `message` (emergency numbers first) and no cause",
    )
    questions: list[QuestionOut] = Field(
        default_factory=list,
        description="up to three follow-up questions, most useful first (warning signs first): "
        "none when the answer is already clear, the level is emergency or the text is out of scope",
    )
    replies: list[ReplyOut] = Field(
        default_factory=list, description="what each reply sent in `answers` did, in order"
    )


class BatchError(BaseModel):
    error: str = Field(description="why this text was not analysed: the message /v1/predict gives")


class BatchResponse(BaseModel):
    results: list[Prediction | BatchError] = Field(description="one per text, in order")


class CauseInfo(BaseModel):
    id: str
    name: str
    description: str
    default_level: LevelName
    advice: str


class Problem(BaseModel):
    detail: str | list
