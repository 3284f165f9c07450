"""The follow-up questions' arithmetic (triage.questions), on a small bank made here."""

from __future__ import annotations

import numpy as np
import pytest

from triage.knowledge import QuestionBank, RedFlag
from triage.questions import Interview, entropy

CAUSES = ["a", "b", "c"]
FLAG = RedFlag(
    id="face_droop", name="a drooping face", level="emergency", sudden_only=True,
    patterns=["face droop"],
)  # fmt: skip


def bank(**changes) -> QuestionBank:
    data = {
        "ask_at_most": 3,
        "warning_at_most": 1,
        "clear_at": 0.85,
        "close_margin": 0.35,
        "matters_at": 0.15,
        "floor": 0.02,
        "questions": [
            {"id": "for_a", "text": "Is it the a thing?", "yes_if": {"a": 0.9}, "otherwise": 0.1},
            {"id": "for_a_too", "text": "Is it the a thing, again?", "yes_if": {"a": 0.9},
             "otherwise": 0.1},
            {"id": "for_b", "text": "Is it the b thing?", "yes_if": {"b": 0.9}, "otherwise": 0.1},
            {"id": "droop", "text": "Has your face dropped?", "flag": "face_droop",
             "matters_for": ["c"], "yes_if": {"c": 0.9}, "otherwise": 0.05},
            {"id": "certain", "text": "Is it surely a?", "yes_if": {"a": 1.0}, "otherwise": 0.0},
        ],
    }  # fmt: skip
    data.update(changes)
    return QuestionBank.model_validate(data)


@pytest.fixture()
def interview() -> Interview:
    return Interview(bank(), CAUSES, {"face_droop": FLAG})


NAMES = {c: c.upper() for c in CAUSES}


def test_a_reply_is_bayes_rule_and_keeps_the_in_scope_mass(interview):
    probs = np.array([0.3, 0.3, 0.2])  # in-scope mass 0.8: 0.2 is out of scope
    after, effects = interview.update(probs, {"for_a": "yes"}, NAMES)
    expected = probs * np.array([0.9, 0.1, 0.1])
    np.testing.assert_allclose(after, expected / expected.sum() * 0.8)
    assert effects[0].raised == ("a",) and set(effects[0].lowered) == {"b", "c"}


def test_replies_compose_in_any_order(interview):
    probs = np.array([0.4, 0.35, 0.25])
    one, _ = interview.update(probs, {"for_a": "yes", "for_b": "no"}, NAMES)
    other, _ = interview.update(probs, {"for_b": "no", "for_a": "yes"}, NAMES)
    np.testing.assert_allclose(one, other)


def test_unsure_changes_nothing(interview):
    probs = np.array([0.5, 0.3, 0.2])
    after, effects = interview.update(probs, {"for_a": "unsure"}, NAMES)
    np.testing.assert_allclose(after, probs)
    assert "changes nothing" in effects[0].effect


def test_no_reply_is_taken_as_certain(interview):
    """P(yes | cause) of 0 or 1 is kept within the floor: one reply never rules a cause out."""
    probs = np.array([0.5, 0.3, 0.2])
    after, _ = interview.update(probs, {"certain": "yes"}, NAMES)
    assert (after > 0).all()


def test_expected_gain_is_that_of_the_definition(interview):
    p = np.array([0.5, 0.3, 0.2])
    gains = interview.gains(p)
    q = interview.by_id["for_a"]
    y = interview.yes[q]
    p_yes = float(y @ p)
    post_yes, post_no = y * p / p_yes, (1 - y) * p / (1 - p_yes)
    by_hand = entropy(p) - p_yes * entropy(post_yes) - (1 - p_yes) * entropy(post_no)
    assert gains[q] == pytest.approx(by_hand)


def test_a_question_that_asks_the_same_again_is_not_put_beside_it(interview):
    """Scored as a set, the second of two alike questions adds little and another comes first."""
    asked = interview.choose(np.array([0.45, 0.45, 0.1]), {}, set())
    ids = [q.id for q in asked]
    assert len(ids) <= 3
    assert not {"for_a", "for_a_too"} <= set(ids[:2])


def test_a_warning_question_comes_first_when_its_cause_is_likely(interview):
    asked = interview.choose(np.array([0.4, 0.3, 0.3]), {}, set())
    assert asked[0].id == "droop" and asked[0].kind == "warning"


def test_no_warning_question_about_a_sign_already_settled(interview):
    asked = interview.choose(np.array([0.4, 0.3, 0.3]), {}, {"face_droop"})
    assert "droop" not in {q.id for q in asked}


def test_no_question_when_the_answer_is_clear(interview):
    assert interview.choose(np.array([0.95, 0.03, 0.02]), {}, set()) == []


def test_answered_questions_are_not_asked_again(interview):
    asked = interview.choose(np.array([0.4, 0.3, 0.3]), {"droop": "no", "for_a": "no"}, set())
    assert not {"droop", "for_a"} & {q.id for q in asked}


def test_a_yes_to_a_warning_question_is_a_hit_of_its_red_flag(interview):
    hits = interview.reply_hits({"droop": "yes", "for_a": "yes"})
    assert [(h.id, h.level, h.source, h.sudden_only) for h in hits] == [
        ("face_droop", "emergency", "reply", False)
    ]
    assert interview.ruled_out({"droop": "no"}) == {"face_droop"}


def test_the_bank_refuses_a_probability_out_of_range():
    with pytest.raises(ValueError, match="probabilities"):
        bank(questions=[{"id": "x", "text": "Is it x at all?", "yes_if": {"a": 1.5},
                         "otherwise": 0.1}])  # fmt: skip


def test_a_question_that_matters_for_causes_needs_a_flag():
    with pytest.raises(ValueError, match="needs a flag"):
        bank(questions=[{"id": "x", "text": "Is it x at all?", "matters_for": ["a"],
                         "otherwise": 0.1}])  # fmt: skip


def test_the_gain_of_a_set_is_that_of_every_combination_of_replies(interview):
    """Two questions scored together: E[H] over their four reply pairs, by brute force."""
    p = np.array([0.5, 0.3, 0.2])
    first, second = interview.by_id["for_a"], interview.by_id["for_b"]
    outcomes = []
    for r1 in ("yes", "no"):
        for r2 in ("yes", "no"):
            a = p * interview.likelihood(first, r1) * interview.likelihood(second, r2)
            outcomes.append(a)
    by_hand = entropy(p) - sum(a.sum() * entropy(a / a.sum()) for a in outcomes)
    joint = interview._with(p[None, :], first)
    assert interview.gains(p, joint)[second] == pytest.approx(by_hand)


def test_the_kept_sum_is_the_one_computed_afresh(interview):
    """``choose`` keeps sum(joint log joint) as it adds questions; it matches a fresh sum."""
    p = np.array([0.5, 0.3, 0.2])
    joint = interview._with(interview._with(p[None, :], 0), 2)
    kept = -float(entropy(p)) + float((interview._reply_xlogx @ p)[[0, 2]].sum())
    np.testing.assert_allclose(interview.gains(p, joint, kept), interview.gains(p, joint))
