"""Behavioural tests (CheckList: minimum functionality, invariance, direction) of the analyser
that the service answers with: classifier and rules together."""

from __future__ import annotations

import re

import pytest

from tests.rules import read_cases
from triage.analyser import Analyser
from triage.referral import RANK

PLAIN: dict[str, list[str]] = {}
for _case in read_cases("cause_plain"):
    PLAIN.setdefault(_case["cause"], []).append(_case["text"])


@pytest.mark.parametrize(("cause", "text"), [(c, t) for c, texts in PLAIN.items() for t in texts])
def test_minimum_functionality_cause(analyser: Analyser, cause: str, text: str):
    answer = analyser.analyse(text)
    assert answer.in_scope
    assert answer.causes[0].id == cause, [c.id for c in answer.causes]
    for piece in answer.causes[0].evidence:
        assert piece in text


LEVEL_CASES = [(c["text"], c["level"]) for c in read_cases("referral_levels")]


@pytest.mark.parametrize(("text", "level"), LEVEL_CASES)
def test_minimum_functionality_level(analyser: Analyser, text: str, level: str | None):
    answer = analyser.analyse(text)
    assert answer.referral.level == level, answer.referral.reasons


ALERT_CASES = [(c["text"], c["concern"]) for c in read_cases("alerts")]


@pytest.mark.parametrize(("text", "concern"), ALERT_CASES)
def test_warning_signs_say_first_what_they_may_mean(
    analyser: Analyser, text: str, concern: str | None
):
    answer = analyser.analyse(text)
    if concern is None:
        assert answer.alert is None
        return
    assert answer.referral.level in ("emergency", "urgent")
    assert answer.alert is not None and answer.alert.concern == concern, answer.alert
    assert answer.alert.headline and answer.alert.causes_note


def test_a_suspected_stroke_is_named(analyser: Analyser):
    answer = analyser.analyse(ALERT_CASES[0][0])
    assert "stroke" in answer.alert.headline.lower()
    assert any("face" in r.lower() for r in answer.referral.reasons), answer.referral.reasons


def first_of_each(n: int = 1) -> list[tuple[str, str]]:
    return [(c, t) for c, texts in PLAIN.items() for t in texts[:n]]


def swap_side(text: str) -> str:
    return re.sub(r"\b(left|right)\b", lambda m: "right" if m.group(1) == "left" else "left", text)


def typo(text: str) -> str:
    """Swap two inner letters of the longest word, as a hurried typist would."""
    words = text.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) > 4:
        words[i] = w[:2] + w[3] + w[2] + w[4:]
    return " ".join(words)


PERTURBATIONS = {
    "name": lambda t: f"Hi, I'm Priya. {t}",
    "age": lambda t: f"I'm 34 and {t}",
    "side": swap_side,
    "upper": str.upper,
    "punctuation": lambda t: re.sub(r"[^\w\s']", "", t) + "!!",
    "typo": typo,
}


@pytest.mark.parametrize("perturbation", sorted(PERTURBATIONS))
@pytest.mark.parametrize(("cause", "text"), first_of_each())
def test_invariance(analyser: Analyser, perturbation: str, cause: str, text: str):
    base = analyser.analyse(text)
    changed = analyser.analyse(PERTURBATIONS[perturbation](text))
    assert changed.causes[0].id == base.causes[0].id
    assert changed.referral.level == base.referral.level


@pytest.mark.parametrize(("cause", "text"), first_of_each(2))
def test_direction_adding_a_red_flag_never_lowers(analyser: Analyser, cause: str, text: str):
    base = analyser.analyse(text).referral.level
    worse = analyser.analyse(f"{text}. Now I suddenly can't lift my arm").referral.level
    assert worse == "emergency" and RANK[worse] >= RANK[base]


@pytest.mark.parametrize(("cause", "text"), first_of_each(2))
def test_direction_negated_flag_never_raises(analyser: Analyser, cause: str, text: str):
    base = analyser.analyse(text).referral.level
    denied = analyser.analyse(f"{text}. No chest pain and no trouble breathing").referral.level
    assert RANK[denied] <= RANK[base]


@pytest.mark.parametrize(("cause", "text"), first_of_each(2))
def test_direction_longer_duration_never_lowers(analyser: Analyser, cause: str, text: str):
    base = analyser.analyse(text).referral.level
    longer = analyser.analyse(f"{text}, for three weeks").referral.level
    assert RANK[longer] >= max(RANK[base], RANK["see_doctor"])


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("no cold sores, but my lip twitches after five coffees", "caffeine"),
        ("I don't smoke and never did; exams are stressing me out and my lip twitches", "stress"),
        ("no tremor in my hands, my lip just tingles before a cold sore", "herpes"),
    ],
)
def test_negated_mentions_do_not_vote(analyser: Analyser, text: str, cause: str):
    answer = analyser.analyse(text)
    assert answer.causes[0].id == cause
    for c in answer.causes:
        for piece in c.evidence:
            assert piece.lower() not in {"cold", "sores", "smoke", "tremor"}


def test_negation_lowers_the_negated_cause(analyser: Analyser):
    plain = analyser.analyse("my lip twitches and I have cold sores")
    denied = analyser.analyse("my lip twitches and I have no cold sores")

    def herpes(answer):
        return next((c.confidence for c in answer.causes if c.id == "herpes"), 0.0)

    assert herpes(denied) < herpes(plain)


def test_predictions_are_deterministic(analyser: Analyser):
    text = "lip twitching since I quit smoking and drink lots of coffee"
    assert analyser.analyse(text) == analyser.analyse(text)


def test_a_face_droop_without_palsy_signs_is_named_a_possible_stroke(analyser: Analyser):
    answer = analyser.analyse("my smile went lopsided twenty minutes ago, the right side dropped")
    assert answer.referral.level == "emergency"
    assert any("can be a stroke" in reason for reason in answer.referral.reasons)
    assert "only a doctor can tell it from a stroke" in answer.referral.advice


def test_a_face_weak_with_a_palsy_sign_is_urgent_with_bells_advice(analyser: Analyser):
    answer = analyser.analyse("the right side of my face is drooping and my right eye won't close")
    assert answer.referral.level == "urgent"
    reason = " ".join(answer.referral.reasons)
    assert "Bell's palsy" in reason and "an eye that will not close" in reason
    assert "\\" not in reason  # the YAML template holds plain quotes
    advice = answer.referral.advice
    assert "today" in advice and "72 hours" in advice and "emergency services" in advice
    assert {f.id: f.level for f in answer.red_flags}["face_droop"] == "urgent"


LANGUAGE_CASES = [(c["text"], c["english"]) for c in read_cases("languages")]


@pytest.mark.parametrize(("text", "english"), LANGUAGE_CASES)
def test_a_text_in_another_language_gets_the_message_not_a_cause(
    analyser: Analyser, text: str, english: bool
):
    answer = analyser.analyse(text)
    if english:
        assert answer.language == "en"
        return
    assert answer.language != "en"
    assert not answer.in_scope and not answer.causes
    assert answer.message == analyser.knowledge.referral.language_message
    assert "112" in answer.message and "911" in answer.message


def test_a_rule_still_sets_the_level_in_another_language(analyser: Analyser):
    """An English warning sign inside another language's text is not lost to the message."""
    answer = analyser.analyse("mi padre de repente tiene dolor de pecho, chest pain, ayuda")
    assert answer.language != "en"
    assert answer.referral.level == "emergency"


def _sentences(advice: str) -> list[str]:
    return [" ".join(s.lower().split()) for s in re.split(r"(?<=[.!?])\s+", advice) if s.strip()]


@pytest.mark.parametrize(
    "text",
    [t for _, t in first_of_each(2)]
    + [t for t, _ in ALERT_CASES]
    + ["my lip has twitched for two weeks since I quit smoking and it keeps coming back"],
)
def test_advice_says_each_sentence_once(analyser: Analyser, text: str):
    advice = analyser.analyse(text).referral.advice or ""
    sentences = _sentences(advice)
    assert len(sentences) == len(set(sentences)), advice


def test_cause_advice_agrees_with_the_level(analyser: Analyser):
    """A cold sore's "antivirals work best at the first tingle" is not told to wait for days,
    and an urgent or emergency answer gives what to do now, not a cause's routine advice."""
    answer = analyser.analyse("tingling on my upper lip and a small blister, I get cold sores")
    assert answer.causes[0].id == "herpes"
    assert "coming days" not in answer.referral.advice
    stroke = analyser.analyse(ALERT_CASES[0][0])
    for cause in analyser.knowledge.causes:
        assert cause.advice not in stroke.referral.advice


VAGUE_CASES = [c["text"] for c in read_cases("vague")]  # the first of a blind vague batch


def test_vague_texts_get_no_confident_cause_and_no_causes_level(analyser: Analyser):
    """Texts that give nothing to tell the causes apart: no cause is "likely", none of them is
    raised by a cause's default level, and most say what detail would help."""
    answers = [analyser.analyse(text) for text in VAGUE_CASES]
    for text, answer in zip(VAGUE_CASES, answers, strict=True):
        if answer.causes:
            assert answer.causes[0].band != "likely", (text, answer.causes[0])
        if not answer.red_flags:
            assert answer.referral.level in (None, "self_care", "see_doctor"), text
    told = sum(a.detail_message is not None for a in answers if a.in_scope)
    assert told >= 0.5 * sum(a.in_scope for a in answers), told


def test_evidence_is_meaningful_words_whole_and_once(analyser: Analyser):
    filler = set(analyser.filler)
    text = "ok so lol my lip twitches after 3 cans of Red Bull every day, properly annoying lol"
    answer = analyser.analyse(text)
    words = [piece for c in answer.causes for piece in c.evidence]
    assert "Red Bull" in answer.causes[0].evidence  # the whole name, not "Bull"
    assert not any(piece.lower() in filler for piece in words)
    for cause in answer.causes:
        assert len({p.lower() for p in cause.evidence}) == len(cause.evidence)
    sides = analyser.analyse("my left eye twitches, the left side of my face, left only")
    for cause in sides.causes:
        assert "left" not in [p.lower() for p in cause.evidence]  # a lone "left" means nothing


def test_an_unlikely_cause_shows_no_evidence(analyser: Analyser):
    answer = analyser.analyse("my top lip keeps jumping since I quit smoking")
    for cause in answer.causes:
        if cause.band == "unlikely":
            assert cause.evidence == ()
