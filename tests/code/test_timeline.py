"""Duration, onset and recurrence read from the text."""

from __future__ import annotations

from datetime import date

import pytest

from tests.rules import Rules, read_cases
from triage.timeline import duration_words

WEDNESDAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def rules(knowledge) -> Rules:
    return Rules(knowledge)


@pytest.mark.parametrize(
    ("text", "days"), [(c["text"], c["days"]) for c in read_cases("durations")]
)
def test_duration(rules: Rules, text: str, days: float | None):
    got = rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).duration_days
    if days is None:
        assert got is None
    else:
        assert got == pytest.approx(days, rel=0.05)


@pytest.mark.parametrize(("text", "onset"), [(c["text"], c["onset"]) for c in read_cases("onsets")])
def test_onset(rules: Rules, text: str, onset: str | None):
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).onset == onset


@pytest.mark.parametrize("text", [c["text"] for c in read_cases("recurring")])
def test_recurring(rules: Rules, text: str):
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).recurring_text


def held_back(rules: Rules, text: str) -> set[str]:
    """The sudden-only red flags that the text's slow onset holds back."""
    analysis = rules.analyzer.analyse(text)
    timeline = rules.timeline.read(analysis, WEDNESDAY)
    hits = rules.flags.find(analysis)
    return {h.id for h in hits if h.sudden_only and timeline.slow_for(h.start, h.end)}


@pytest.mark.parametrize("text", [c["text"] for c in read_cases("new_flag_after_long_symptom")])
def test_a_long_duration_of_another_symptom_does_not_hold_back_a_new_red_flag(
    rules: Rules, text: str
):
    assert rules.flag_ids(text)
    assert held_back(rules, text) == set()


@pytest.mark.parametrize("text", [c["text"] for c in read_cases("slow_build_up")])
def test_a_slow_build_up_holds_back_the_sudden_only_flags(rules: Rules, text: str):
    assert rules.flag_ids(text)
    assert held_back(rules, text) == rules.flag_ids(text)


def test_recent_words_make_the_onset_sudden(rules: Rules):
    text = "twitching for months and today my face is drooping"
    assert rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY).onset == "sudden"


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0.0007, "about a minute"),
        (0.014, "about 20 minutes"),
        (0.3, "about 7 hours"),
        (1, "about a day"),
        (4, "about 4 days"),
        (21, "about 3 weeks"),
        (90, "about 3 months"),
        (730, "about 2 years"),
    ],
)
def test_a_duration_is_said_as_people_say_it(days: float, words: str):
    assert duration_words(days) == words


def test_the_duration_is_kept_in_the_texts_own_words(rules: Rules):
    text = "My upper lip has been twitching for 3 weeks now, on and off"
    timeline = rules.timeline.read(rules.analyzer.analyse(text), WEDNESDAY)
    assert timeline.duration_text == "for 3 weeks now"
    assert timeline.duration_words == "about 3 weeks"
