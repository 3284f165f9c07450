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
    "text", ["it keeps coming back", "comes and goes", "on and off for weeks", "every few days"]
)
def test_recurring(rules: Rules, text: str):
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).recurring_text
