"""Property tests of the whole analysis: any Unicode text up to the limit is answered sanely."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.triage import Analyser

LEVELS = {None, "self_care", "see_doctor", "urgent", "emergency"}

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5000),
    st.lists(
        st.sampled_from(
            [
                "lip",
                "twitch",
                "no",
                "not",
                "coffee",
                "can't",
                "arm",
                "weak",
                "for",
                "3",
                "weeks",
                "chest",
                "pain",
                "?",
                ",",
                "since",
                "monday",
                "😀",
                "\u202e",
                "\x00",
                "NEG_",
                "<num>",
            ]
        ),
        max_size=60,
    ).map(" ".join),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
def test_any_text_gives_a_sane_answer(analyser: Analyser, text: str):
    answer = analyser.analyse(text, top_k=11)
    confidences = [c["confidence"] for c in answer["causes"]]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) <= 1.0 + 1e-6
    for cause in answer["causes"]:
        assert all(piece and piece in text for piece in cause["evidence"])
    for flag in answer["red_flags"]:
        assert flag["text"] in text
    assert answer["referral"]["level"] in LEVELS
    if answer["duration_days"] is not None:
        assert answer["duration_days"] >= 0


def test_hostile_inputs_take_no_longer_than_ordinary_ones(analyser: Analyser):
    """No input makes the analysis hang: the slowest hostile text < 50x the median ordinary one."""
    ordinary = [
        "my lip twitches after coffee",
        "I quit smoking and my lip jumps",
        "tics since I was a kid",
    ] * 20
    hostile = [
        "a" * 5000,
        "no " * 1666,
        "not " * 1250,
        "lip " * 1250,
        "can't lift my arm " * 270,
        "\x00\x01\x02" * 1600,
        "😀" * 2500,
        "\u202e\u200f" * 2500,
        "for 3 weeks " * 400,
        "since monday " * 380,
        "上唇がピクピクする" * 500,
        "a," * 2500,
        " " * 4999 + "x",
    ]

    def seconds(text: str) -> float:
        started = time.perf_counter()
        analyser.analyse(text)
        return time.perf_counter() - started

    for text in ordinary[:5]:
        analyser.analyse(text)
    median = sorted(seconds(t) for t in ordinary)[len(ordinary) // 2]
    slowest = max(seconds(t) for t in hostile)
    # hostile texts are up to 200x longer than ordinary ones, so the bound is per character
    per_char = slowest / 5000
    assert per_char < 50 * median / min(len(t) for t in ordinary)
