"""Follow-up questions and replies, through the analyser the service answers with."""

from __future__ import annotations

import pytest

from tests.rules import read_cases
from triage.analyser import Analyser, BadReply
from triage.referral import RANK

CASES = read_cases("follow_up")
VAGUE = [c["text"] for c in read_cases("vague")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: ",".join(c["answers"]))
def test_replies_move_the_answer_as_the_case_says(analyser: Analyser, case: dict):
    answer = analyser.analyse(case["text"], answers=case["answers"])
    if "top" in case:
        assert answer.causes[0].id == case["top"], [(c.id, c.confidence) for c in answer.causes]
    if "level" in case:
        assert answer.referral.level == case["level"], answer.referral.reasons
    assert [r.question_id for r in answer.replies] == list(case["answers"])


def _warning_questions(analyser: Analyser) -> list[str]:
    assert analyser.interview is not None
    return [q.id for q in analyser.interview.questions if q.flag is not None]


def test_the_bank_has_warning_questions(analyser: Analyser):
    assert len(_warning_questions(analyser)) >= 3


@pytest.mark.parametrize("text", VAGUE[:4])
def test_a_yes_to_every_warning_question_raises_the_level(analyser: Analyser, text: str):
    """A "yes" sets the level as that sign told in the text would: at least the sign's level."""
    before = analyser.analyse(text)
    assert analyser.interview is not None
    for qid in _warning_questions(analyser):
        question = analyser.interview.question(qid)
        flag = analyser.flag_rules[question.flag]
        after = analyser.analyse(text, answers={qid: "yes"})
        assert RANK[after.referral.level] > RANK[before.referral.level or "self_care"], qid
        assert RANK[after.referral.level] >= RANK[flag.level], qid
        hit = next(h for h in after.red_flags if h.id == flag.id)
        assert hit.source == "reply" and hit.text == question.text
        assert any(question.text in reason for reason in after.referral.reasons), qid


@pytest.mark.parametrize("text", VAGUE)
def test_a_vague_text_is_asked_questions_and_they_are_new_ones(analyser: Analyser, text: str):
    answer = analyser.analyse(text)
    if not answer.in_scope or answer.referral.level == "emergency":
        assert answer.questions == ()
        return
    assert 1 <= len(answer.questions) <= 3
    replies = {q.id: "no" for q in answer.questions}
    again = analyser.analyse(text, answers=replies)
    assert not {q.id for q in again.questions} & set(replies)


def test_no_question_when_the_level_is_an_emergency(analyser: Analyser):
    answer = analyser.analyse(VAGUE[0], answers={"face_weak_one_side": "yes"})
    assert answer.referral.level == "emergency"
    assert answer.questions == ()


def test_a_denied_word_is_evidence_against_its_cause(analyser: Analyser):
    text = "my lip keeps twitching, there are no blisters or sores on it"
    answer = analyser.analyse(text, top_k=11)
    herpes = next(c for c in answer.causes if c.id == "herpes")
    assert herpes.against and all(piece in text for piece in herpes.against)


def test_a_reply_that_argues_against_a_cause_is_listed_against_it(analyser: Analyser):
    text = VAGUE[1]
    answer = analyser.analyse(text, top_k=11, answers={"lip_spot_tingle": "no"})
    herpes = next(c for c in answer.causes if c.id == "herpes")
    assert any('"no"' in piece for piece in herpes.against)


def test_an_unknown_question_is_ignored_and_a_bad_reply_refused(analyser: Analyser):
    plain = analyser.analyse("my lip twitches")
    answer = analyser.analyse("my lip twitches", answers={"no_such_question": "yes"})
    assert answer.causes == plain.causes and answer.referral == plain.referral
    assert [r.question_id for r in answer.replies] == ["no_such_question"]
    with pytest.raises(BadReply, match="yes, no or unsure"):
        analyser.analyse("my lip twitches", answers={"stopped_nicotine": "maybe"})


def test_replies_leave_confidences_a_distribution(analyser: Analyser):
    answer = analyser.analyse(VAGUE[2], top_k=11, answers={"more_caffeine": "yes"})
    confidences = [c.confidence for c in answer.causes]
    assert all(0 <= c <= 1 for c in confidences) and sum(confidences) <= 1
    assert confidences == sorted(confidences, reverse=True)


def test_the_model_carries_the_reply_table_learned_from_the_simulated_patients(
    analyser: Analyser,
):
    """Trained like `make train`: the served table is the learned one, and the analyser without
    it (``with_reply_table(None)``) falls back to the bank's hand-set figures."""
    assert analyser.interview is not None and analyser.interview.learned
    hand_set = analyser.with_reply_table(None).interview
    assert hand_set is not None and not hand_set.learned
    assert (analyser.interview.yes != hand_set.yes).any()
    assert analyser.interview.learned  # the copy left the served analyser as it was
