"""Duration, onset and recurrence read from the text."""

from __future__ import annotations

from datetime import date

import pytest

from tests.rules import Rules

WEDNESDAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def rules(knowledge) -> Rules:
    return Rules(knowledge)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("lip twitching for 3 weeks", 21),
        ("two days now", 2),
        ("it started 5 days ago", 5),
        ("for a few months", 90),
        ("since this morning", 0.3),
        ("since yesterday", 1),
        ("on and off since last year", 365),
        ("since Monday", 2),
        ("for 2-3 weeks", 21),
        ("for the past 10 days", 10),
        ("more than a couple of days", 2),
        ("about half an hour", 0.02),
        ("i drink 4 coffees a day", None),
        ("I'm 45 years old", None),
        ("a 30 year old man", None),
        ("my lip twitches", None),
        ("quit smoking 3 days ago, since this morning my lip twitches", 0.3),
        ("I stopped vaping a week ago and today my lip started jumping", 0.3),
        ("quit smoking 3 days ago and my lip has twitched ever since", 3),
        ("I quit smoking 3 days ago and my lip twitches", 3),
        ("twitching since yesterday; I had a seizure as a teen, 20 years ago", 1),
        ("a seizure as a child, over thirty years ago; twitching started this morning", 0.3),
        ("every few weeks since autumn it comes back", 60),
    ],
)
def test_duration(rules: Rules, text: str, days: float | None):
    got = rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).duration_days
    if days is None:
        assert got is None
    else:
        assert got == pytest.approx(days, rel=0.05)


@pytest.mark.parametrize(
    ("text", "onset"),
    [
        ("suddenly my face went weak", "sudden"),
        ("woke up with it", "sudden"),
        ("it came on slowly over months", "slow"),
        ("getting gradually worse", "slow"),
        ("for 3 months now", "slow"),
        ("twitching for a day", None),
    ],
)
def test_onset(rules: Rules, text: str, onset: str | None):
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).onset == onset


@pytest.mark.parametrize(
    "text",
    [
        "it keeps coming back",
        "comes and goes",
        "on and off for weeks",
        "every few days",
        "it returns every couple of weeks",
    ],
)
def test_recurring(rules: Rules, text: str):
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).recurring_text


def held_back(rules: Rules, text: str) -> set[str]:
    """The sudden-only red flags that the text's slow onset holds back."""
    analysis = rules.analyzer.analyse(text)
    timeline = rules.timeline.read(analysis, WEDNESDAY)
    hits = rules.flags.find(analysis)
    return {h.id for h in hits if h.sudden_only and timeline.slow_for(h.start, h.end)}


@pytest.mark.parametrize(
    "text",
    [
        "my lip has twitched for 3 weeks and now my left arm is weak",
        "lip twitching for a month, this afternoon my arm went numb",
        "twitching for two months. an hour ago my words started coming out wrong",
    ],
)
def test_a_long_duration_of_another_symptom_does_not_hold_back_a_new_red_flag(
    rules: Rules, text: str
):
    assert rules.flag_ids(text)
    assert held_back(rules, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "for 6 months my speech has been slurred",
        "my arms are weak now, over about 10 months",
        "my speech has slowly become slurred and my arm is weak",
        "my hand is getting weaker month after month",
        "her speech got more slurred over the last 6 months, nothing sudden",
    ],
)
def test_a_slow_build_up_holds_back_the_sudden_only_flags(rules: Rules, text: str):
    assert rules.flag_ids(text)
    assert held_back(rules, text) == rules.flag_ids(text)


def test_recent_words_make_the_onset_sudden(rules: Rules):
    text = "twitching for months and today my face is drooping"
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).onset == "sudden"
