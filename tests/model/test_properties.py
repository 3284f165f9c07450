"""Property tests of the whole analysis: any Unicode text up to the limit is answered sanely."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.corpus import load_split
from triage.analyser import Analyser

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

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
    confidences = [c.confidence for c in answer.causes]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) <= 1.0 + 1e-6
    for cause in answer.causes:
        assert all(piece and piece in text for piece in cause.evidence)
    for flag in answer.red_flags:
        assert flag.text in text
    assert answer.referral.level in LEVELS
    if answer.duration_days is not None:
        assert answer.duration_days >= 0


def test_hostile_inputs_never_hang(analyser: Analyser):
    """The slowest hostile text takes less than 50x the median ordinary text (a ratio within one
    run, not a wall-clock bound; each time is the best of three to keep out scheduler noise).

    Hostile means the inputs of the hardening issue: control characters, RTL marks, emoji only,
    5,000 x "a", other languages. A long ordinary text costs time in proportion to its words and
    is covered by the property test above, not by this ratio.
    """
    ordinary = [ex.text for ex in load_split(CORPUS, "test")]
    hostile = [
        "a" * 5000,
        "\x00\x01\x02" * 1666,
        "\x07\x1b[31m" * 900,
        "😀" * 2500,
        "\u202e\u200f" * 2500,
        "上唇がピクピクする" * 500,
        "мой верхний губа дергается " * 180,
        "a," * 2500,
        " " * 4999 + "x",
    ]

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            analyser.analyse(text)
            best = min(best, time.perf_counter() - started)
        return best

    for text in ordinary[:20]:
        analyser.analyse(text)
    times = sorted(seconds(t) for t in ordinary)
    median = times[len(times) // 2]
    slowest = max(hostile, key=seconds)
    assert seconds(slowest) < 50 * median, repr(slowest[:30])
