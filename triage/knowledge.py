"""The domain knowledge kept as data in ``corpus/``: causes, referral policy, red flags, lexicon.

It is validated here once, at training time, and then travels inside the model artifact, so that
the service answers with exactly the rules the model was evaluated with (corpus -> models -> service).

Only ``causes.yaml`` is required, and no cause is named in code: the labels a corpus may use are
its causes' ids (and ``out_of_scope``, which is optional). A corpus without ``referral.yaml`` or
``lexicon.yaml`` gets the general ones of ``triage/defaults/``; without ``red_flags.yaml`` no
warning sign fires; without ``questions.yaml`` nothing is asked (``docs/corpus.md``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from triage.text import ScopeLexicon

Level = Literal["self_care", "see_doctor", "urgent", "emergency"]
LEVELS: tuple[Level, ...] = get_args(Level)  # lowest to highest
OUT_OF_SCOPE = "out_of_scope"
VAGUE = "vague"  # a training label, not a cause: see ``training.corpus``
DEFAULTS = Path(__file__).parent / "defaults"  # the knowledge a corpus may leave out

_PATTERN_SLOT = re.compile(r"^(\*\d+|=?[^\s|*?=]+(\|=?[^\s|*?=]+)*\??)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cause(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=3)
    description: str = Field(min_length=20)
    default_level: Level
    advice: str = Field(min_length=20)
    symptoms: list[str] = Field(min_length=1)


class Unless(_Strict):
    """A flag's level when one of ``flags`` is found too and no other flag gives an emergency: a
    face droop with a sign of a facial-nerve palsy is urgent, not a stroke emergency."""

    flags: list[str] = Field(min_length=1)
    level: Level
    reason: str  # with {text}, and {sign} and {sign_text} of the flag that changed the level


class RedFlag(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    level: Level
    sudden_only: bool
    patterns: list[str] = Field(min_length=1)
    reason: str | None = None  # with {text}; default: the referral policy's red_flag reason
    advice: str | None = None  # said after the level's advice when this flag sets the level
    unless: Unless | None = None

    @field_validator("patterns")
    @classmethod
    def _slots_are_valid(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            slots = pattern.split()
            if not slots or slots[0].startswith("*") or slots[-1].startswith("*"):
                raise ValueError(f"pattern {pattern!r} is empty or starts/ends with a gap")
            if all(slot.startswith("*") or slot.endswith("?") for slot in slots):
                raise ValueError(f"pattern {pattern!r} requires no word: it would match anything")
            for slot in slots:
                if not _PATTERN_SLOT.match(slot):
                    raise ValueError(f"bad slot {slot!r} in pattern {pattern!r}")
                exact = {alt.startswith("=") for alt in slot.rstrip("?").split("|")}
                if len(exact) > 1:
                    raise ValueError(f"slot {slot!r} mixes exact (=) and lemma alternatives")
        return patterns


class Rules(_Strict):
    duration_days_over: float = Field(gt=0)
    duration_level: Level
    recurring_level: Level
    # "keeps coming back over weeks": a stated duration shorter than this ("on and off since
    # yesterday") is not that
    recurring_min_days: float = Field(gt=0)
    slow_onset_level: Level
    uncertain_level: Level = "self_care"  # too little to tell the causes apart, no warning sign


class Concern(_Strict):
    """What warning signs may mean, said first in an emergency or urgent answer."""

    id: str = Field(pattern=r"^[a-z_]+$")
    level: Level
    headline: str = Field(min_length=10)
    signs: list[str] = Field(min_length=1)  # red-flag or detector sign ids


class ConfidenceBand(_Strict):
    """A confidence said in words: from ``min`` up to the next band's ``min``."""

    min: float = Field(ge=0, lt=1)
    words: str = Field(min_length=3)
    show_evidence: bool = True  # below the evidence floor, a cause's words are not shown


class Referral(_Strict):
    levels: list[Level]
    advice: dict[Level, str]
    out_of_scope_message: str
    language_message: str | None = None  # the answer to a text that is not in English
    disclaimer: str = Field(min_length=20)
    rules: Rules
    reasons: dict[str, str]
    level_words: dict[Level, str]
    concerns: list[Concern] = []
    concern_default: dict[Level, str] = {}  # per alarming level: the headline with no concern
    concern_causes_note: str | None = None
    # a likeliest cause below this confidence: too little detail to tell the causes apart
    uncertain_below: float | None = Field(default=None, gt=0, lt=1)
    uncertain_message: str | None = None
    confidence_bands: list[ConfidenceBand] = []  # highest first; the last one's min is 0

    @model_validator(mode="after")
    def _complete(self) -> Referral:
        if tuple(self.levels) != LEVELS:
            raise ValueError(f"levels must be exactly {LEVELS} in this order")
        for name, table in (("advice", self.advice), ("level_words", self.level_words)):
            if set(table) != set(LEVELS):
                raise ValueError(f"{name} must give a text for every level")
        needed = {
            "red_flag",
            "detector",
            "default",
            "duration",
            "recurring",
            "self_care",
            "slow_onset",
        }
        if self.uncertain_below is not None:
            needed.add("uncertain")
        if missing := needed - set(self.reasons):
            raise ValueError(f"reasons lacks {sorted(missing)}")
        if (self.uncertain_below is None) != (self.uncertain_message is None):
            raise ValueError("uncertain_below and uncertain_message go together")
        mins = [band.min for band in self.confidence_bands]
        if mins and (mins != sorted(mins, reverse=True) or mins[-1] != 0):
            raise ValueError("confidence_bands go from the highest min down to a last min of 0")
        if self.concerns and set(self.concern_default) != {"emergency", "urgent"}:
            raise ValueError("concern_default must give a headline for emergency and urgent")
        return self


class GeneralQuestion(_Strict):
    """A question about signs in general ("can caffeine cause a seizure?") reports none: a
    sentence that opens with one of ``openers``, ends with "?" and has none of ``personal``
    (words that tie it to someone now: "my", "he", "this", "suddenly") is hypothetical."""

    openers: list[str] = Field(min_length=1)
    personal: list[str] = Field(min_length=1)
    reported: list[str] = []  # in any sentence: something happened, the question may be about it


class Negation(_Strict):
    scope_window: int = Field(ge=1, le=30)
    in_pattern: list[str] = []  # words that make a red-flag pattern a negative finding
    past_year_min: int = Field(default=0, ge=0)  # years from this one on date their clause (0: off)
    triggers: list[str]
    pseudo: list[str]
    hypothetical: list[str]
    historical_post: list[str]
    terminators: list[str]
    idioms: list[str] = []  # figures of speech that are no finding: "dead tired", "dying to"
    # said after a finding, put the whole sentence before them in the past: "a fit at 16, none since"
    historical_sentence: list[str] = []
    age_anchors: list[str] = []  # followed by a number, date their clause: "when she was 3"
    not_an_age: list[str] = []  # lemmas after that number that make it a time: "5 minutes"
    general_question: GeneralQuestion | None = None


class Onset(_Strict):
    sudden: list[str]
    slow: list[str]
    slow_duration_days: float = Field(gt=0)


class DurationLexicon(_Strict):
    units: dict[str, float]
    numbers: dict[str, float]
    phrases: dict[str, float]
    weekdays: list[str] = Field(min_length=7, max_length=7)
    # "quit smoking 3 days ago": a time that dates another event, not the symptom
    events: list[str] = []
    event_ties: list[str] = []  # "ever since": the symptom's time is the event's after all
    before: list[str] = Field(min_length=1)  # "for 3 weeks": words that make a number a duration
    after: list[str] = Field(min_length=1)  # "2 days ago"
    clause_breaks: list[str] = Field(min_length=1)  # where the words an "ago" dates begin


class LanguageSettings(_Strict):
    """When a text is not English (``triage.language``): shares and probabilities in [0, 1]."""

    common_word_logprob: float = Field(lt=0)  # how common an English word must be to count
    english_share: float = Field(gt=0, le=1)  # this share of common English words: English
    latin_share: float = Field(gt=0, le=1)  # below this share of Latin letters: another script
    min_probability: float = Field(ge=0, le=1)  # the identifier's least probability to believe


class EvidenceWords(_Strict):
    """Words that are never evidence alone (``triage.evidence``)."""

    filler: list[str] = []  # never evidence: "ok", "lol", "properly"
    partial: list[str] = []  # evidence only with the word after them: "left" -> "left eye"


class Lexicon(_Strict):
    negation: Negation
    onset: Onset
    recurring: list[str]
    duration: DurationLexicon
    spelling: dict[str, str] = {}  # common misspellings and the word meant: "sezure" -> "seizure"
    lemma_overrides: dict[str, str] = {}  # where the lookup table is wrong here: "left" -> "left"
    language: LanguageSettings | None = None  # None: every text is read as English
    evidence: EvidenceWords = EvidenceWords()


class Question(_Strict):
    """A follow-up question: the words a person reads, how likely a "yes" is for each cause, and,
    for a warning-sign question, the red flag a "yes" raises (``questions.yaml``)."""

    id: str = Field(pattern=r"^[a-z_]+$")
    text: str = Field(min_length=10)
    yes_if: dict[str, float] = {}  # P(yes | cause) for the causes named
    otherwise: float = Field(ge=0, le=1)  # P(yes | cause) for every other cause
    flag: str | None = None  # a red flag id: "yes" raises the level as that sign would
    matters_for: list[str] = []  # causes for which that sign is worth ruling out

    @field_validator("yes_if")
    @classmethod
    def _probabilities(cls, table: dict[str, float]) -> dict[str, float]:
        if bad := {k: v for k, v in table.items() if not 0 <= v <= 1}:
            raise ValueError(f"yes_if values must be probabilities in [0, 1]: {bad}")
        return table

    @model_validator(mode="after")
    def _warning_has_flag(self) -> Question:
        if self.matters_for and self.flag is None:
            raise ValueError(f"question {self.id}: matters_for needs a flag")
        return self


class QuestionBank(_Strict):
    """The follow-up questions and when to ask them (``triage.questions``)."""

    ask_at_most: int = Field(ge=1, le=10)
    warning_at_most: int = Field(ge=0, le=10)
    clear_at: float = Field(gt=0, lt=1)  # the likeliest cause this probable: no question
    close_margin: float = Field(ge=0, lt=1)  # the top two closer than this: ask
    matters_at: float = Field(gt=0, lt=1)  # a cause this probable makes its warnings matter
    floor: float = Field(gt=0, lt=0.5)  # P(reply | cause) is kept in [floor, 1 - floor]
    # training refines P(yes | cause) from simulated patients' replies: the hand-set figure
    # counts as this many replies (training.reply_table)
    learned_weight: float = Field(default=2.0, gt=0)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> QuestionBank:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        return self


class Knowledge(_Strict):
    causes: list[Cause] = Field(min_length=1)
    referral: Referral
    red_flags: list[RedFlag] = []  # no red flags: none fires
    lexicon: Lexicon
    questions: QuestionBank | None = None  # no follow-up questions without questions.yaml

    @property
    def cause_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.causes)

    @model_validator(mode="after")
    def _ids(self) -> Knowledge:
        ids = [c.id for c in self.causes]
        if len(set(ids)) != len(ids):
            raise ValueError("cause ids must be unique")
        if reserved := {OUT_OF_SCOPE, VAGUE} & set(ids):
            raise ValueError(f"{sorted(reserved)} are labels, not causes: no cause may be so named")
        flag_ids = [f.id for f in self.red_flags]
        if len(set(flag_ids)) != len(flag_ids):
            raise ValueError("red flag ids must be unique")
        for flag in self.red_flags:
            if flag.unless and (unknown := set(flag.unless.flags) - set(flag_ids)):
                raise ValueError(
                    f"red flag {flag.id}: unless names unknown flags {sorted(unknown)}"
                )
        for question in self.questions.questions if self.questions else ():
            named = set(question.yes_if) | set(question.matters_for)
            if unknown := named - set(ids):
                raise ValueError(f"question {question.id}: unknown causes {sorted(unknown)}")
            if question.flag is not None and question.flag not in flag_ids:
                raise ValueError(f"question {question.id}: unknown red flag {question.flag!r}")
        return self


class Sign(_Strict):
    """A warning sign of the referral policy, as the learned detector names it."""

    id: str = Field(pattern=r"^[a-z_]+$")
    name: str = Field(min_length=3)
    level: Level
    flags: list[str] = []  # the red-flag rules that find the same sign


def load_signs(corpus_dir: Path) -> list[Sign]:
    """The signs of ``signs.yaml``; none when the corpus has no such file."""
    path = corpus_dir / "signs.yaml"
    if not path.exists():
        return []
    try:
        return TypeAdapter(list[Sign]).validate_python(_read_yaml(path).get("signs"))
    except ValidationError as exc:
        raise ValueError(f"{path}: invalid: {exc}") from exc


# file name -> (key in the file, field of Knowledge, type it must validate as)
KNOWLEDGE_FILES: dict[str, tuple[str | None, str, TypeAdapter]] = {
    "causes.yaml": ("causes", "causes", TypeAdapter(list[Cause])),
    "referral.yaml": (None, "referral", TypeAdapter(Referral)),
    "red_flags.yaml": ("flags", "red_flags", TypeAdapter(list[RedFlag])),
    "lexicon.yaml": (None, "lexicon", TypeAdapter(Lexicon)),
    "questions.yaml": (None, "questions", TypeAdapter(QuestionBank)),
}
REQUIRED_FILES = ("causes.yaml",)
# read from triage/defaults/ when the corpus has none; any other file left out is no knowledge
DEFAULT_FILES = ("referral.yaml", "lexicon.yaml")


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_causes(corpus_dir: Path) -> list[Cause]:
    """The causes alone (``causes.yaml``): what the corpus loader checks labels against."""
    key, _, adapter = KNOWLEDGE_FILES["causes.yaml"]
    path = corpus_dir / "causes.yaml"
    try:
        return adapter.validate_python(_read_yaml(path)[key])
    except (KeyError, ValidationError) as exc:
        raise ValueError(f"{path}: invalid: {exc}") from exc


def load_knowledge(corpus_dir: Path) -> Knowledge:
    """Read and validate every knowledge file; the first problem stops it, naming the file."""
    parts: dict[str, object] = {}
    for name, (key, field, adapter) in KNOWLEDGE_FILES.items():
        path = corpus_dir / name
        if not path.exists() and name not in REQUIRED_FILES:
            if name not in DEFAULT_FILES:
                continue
            path = DEFAULTS / name
        data = _read_yaml(path)
        try:
            parts[field] = adapter.validate_python(data[key] if key else data)
        except (KeyError, ValidationError) as exc:
            raise ValueError(f"{path}: invalid: {exc}") from exc
    try:
        return Knowledge(**parts)
    except ValidationError as exc:
        raise ValueError(f"{corpus_dir / 'causes.yaml'}: invalid: {exc}") from exc


def scope_lexicon(lexicon: Lexicon) -> ScopeLexicon:
    """The lists of the lexicon that text processing needs, in the hashable form estimators hold."""
    neg = lexicon.negation
    return ScopeLexicon(
        triggers=tuple(neg.triggers),
        pseudo=tuple(neg.pseudo),
        hypothetical=tuple(neg.hypothetical),
        historical_post=tuple(neg.historical_post),
        idioms=tuple(neg.idioms),
        historical_sentence=tuple(neg.historical_sentence),
        age_anchors=tuple(neg.age_anchors),
        not_an_age=tuple(neg.not_an_age),
        terminators=tuple(neg.terminators),
        scope_window=neg.scope_window,
        past_year_min=neg.past_year_min,
        question_openers=tuple(neg.general_question.openers) if neg.general_question else (),
        question_personal=tuple(neg.general_question.personal) if neg.general_question else (),
        question_reported=tuple(neg.general_question.reported) if neg.general_question else (),
        spelling=tuple(sorted(lexicon.spelling.items())),
        lemma_overrides=tuple(sorted(lexicon.lemma_overrides.items())),
        time_words=time_words(lexicon),
    )


def time_words(lexicon: Lexicon) -> tuple[str, ...]:
    """The words of time: each duration unit, its plural, and "ago". They say when, never what:
    neither evidence for a cause nor a warning sign."""
    units = {unit.lower() for unit in lexicon.duration.units}
    return tuple(sorted(units | {f"{unit}s" for unit in units} | {"ago"}))
