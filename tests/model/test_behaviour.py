"""Behavioural tests (CheckList: minimum functionality, invariance, direction) of the analyser
that the service answers with: classifier and rules together."""

from __future__ import annotations

import re

import pytest

from triage.analyser import Analyser
from triage.referral import RANK

PLAIN = {
    "caffeine": [
        "my lip twitches after my fourth coffee of the day",
        "drank two energy drinks and now my upper lip keeps jumping",
        "lip flickers every time I have strong espresso",
    ],
    "smoking_withdrawal": [
        "my top lip keeps jumping since I quit smoking",
        "stopped vaping a week ago and my lip twitches",
        "gave up cigarettes and now my mouth twitches",
    ],
    "electrolyte_imbalance": [
        "lip twitching and leg cramps, doctor said my potassium is low",
        "after a bad stomach bug with diarrhoea my lip keeps twitching",
        "on water pills and my lip and calves twitch",
    ],
    "stress": [
        "exam week, barely sleeping, and my lip keeps twitching",
        "work stress is insane and my upper lip spasms",
        "anxiety is bad lately and my lip quivers",
    ],
    "herpes": [
        "my lip tingles and burns like before a cold sore",
        "twitching then small blisters on my lower lip",
        "I get cold sores and that spot on my lip is twitching again",
    ],
    "bells_palsy": [
        "left side of my face feels numb and I can't close my eye",
        "woke up and half my face won't move, drooling from one side",
        "my smile is crooked on the right and my eye won't shut",
    ],
    "hypoparathyroidism": [
        "tingling around my mouth and fingers after thyroid surgery",
        "blood test showed low calcium and my lips twitch",
        "pins and needles round my lips and cramps in my hands since my neck operation",
    ],
    "parkinsons": [
        "my dad's lips and jaw tremble and he has become slow and stiff",
        "my hand shakes at rest and my lip trembles, walking is shuffly",
        "grandma's chin quivers, her voice got soft and her balance is bad",
    ],
    "als": [
        "muscle twitches spreading everywhere and my arms got weaker over months",
        "my speech is slowly getting slurred and swallowing harder over the past year",
        "twitching in my tongue and legs, weakness getting worse for months",
    ],
    "hemifacial_spasm": [
        "twitching started in my left eyelid and has spread to my cheek and mouth over months",
        "one side of my face spasms, eye squeezes shut and mouth pulls, for a year",
        "right eye and cheek twitch together all the time for months",
    ],
    "tourette": [
        "I've had tics since I was a kid, lip pulling and throat clearing",
        "my son blinks, sniffs and twitches his lip, he feels an urge first and can hold it a bit",
        "vocal and motor tics since childhood, my lip jerks",
    ],
}


@pytest.mark.parametrize(("cause", "text"), [(c, t) for c, texts in PLAIN.items() for t in texts])
def test_minimum_functionality_cause(analyser: Analyser, cause: str, text: str):
    answer = analyser.analyse(text)
    assert answer.in_scope
    assert answer.causes[0].id == cause, [c.id for c in answer.causes]
    for piece in answer.causes[0].evidence:
        assert piece in text


LEVEL_CASES = [
    ("my lip twitches after coffee", "self_care"),
    ("my lip twitches since I quit smoking yesterday", "self_care"),
    ("stressed at work and my lip twitches", "self_care"),
    ("my lip has twitched for two weeks after coffee", "see_doctor"),
    ("lip twitch from coffee that keeps coming back every few days", "see_doctor"),
    # "on and off" within a day or two is not "coming back over weeks"
    ("had 5 coffees, lip twitching on and off since yesterday", "self_care"),
    ("lip twitching on and off for three weeks, I drink a lot of coffee", "see_doctor"),
    ("cold sore tingling on my lip", "see_doctor"),
    ("my face droops on one side since this morning", "urgent"),
    ("I can't close my right eye and my face feels numb on that side", "urgent"),
    ("my face is drooping and I can't lift my left arm", "emergency"),
    ("my lip twitches and my words come out wrong", "emergency"),
    ("lip twitching and then I had a seizure", "emergency"),
    ("lip twitching and chest pain", "emergency"),
    ("my lip twitches and I fainted", "emergency"),
    ("my throat feels tight and my lip is twitching", "emergency"),
    ("the worst headache of my life and my face twitches", "emergency"),
    ("my chest hurts and my left arm is numb", "emergency"),
    ("how do I file my taxes", None),
    ("my speech got slurred slowly over months and my muscles twitch", "see_doctor"),
    ("swallowing has become harder over the past year and muscles twitch", "see_doctor"),
    ("lip twitch after coffee, no chest pain, I can still raise both arms", "self_care"),
    ("my face is not drooping, my lip just twitches after espresso", "self_care"),
    ("what if my lip twitching turns into a stroke? I drink lots of coffee", "self_care"),
]


@pytest.mark.parametrize(("text", "level"), LEVEL_CASES)
def test_minimum_functionality_level(analyser: Analyser, text: str, level: str | None):
    answer = analyser.analyse(text)
    assert answer.referral.level == level, answer.referral.reasons


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
