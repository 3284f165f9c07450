"""Learning the follow-up questions' P(yes | cause) from simulated patients
(training.reply_table), and scoring the interview sets leave-one-set-out
(training.interview_eval), on the small bank of test_questions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.code.test_questions import CAUSES, FLAG, bank
from training.interview_eval import record_first_contact
from training.reply_table import learn_reply_table
from triage.questions import Interview


def person(label: str, **facts: str) -> dict:
    return {"text": "my lip twitches", "label": label, "facts": facts}


def test_with_no_patient_the_table_is_the_hand_set_one():
    table = learn_reply_table(bank(), CAUSES, [])
    assert table["for_a"] == {"a": 0.9, "b": 0.1, "c": 0.1}


def test_each_figure_is_the_beta_mean_with_the_hand_set_prior():
    """Weight w: (yes + w * prior) / (answered + w); "unsure" or a fact left out is no reply."""
    people = [
        person("a", for_a="no"),
        person("a", for_a="no"),
        person("a", for_a="yes"),
        person("a", for_a="unsure"),
        person("b", for_b="yes"),
    ]
    table = learn_reply_table(bank(learned_weight=2), CAUSES, people)
    assert table["for_a"]["a"] == pytest.approx((1 + 2 * 0.9) / (3 + 2), abs=1e-4)
    assert table["for_a"]["b"] == pytest.approx(0.1)  # nobody with b answered it
    assert table["for_b"]["b"] == pytest.approx((1 + 2 * 0.9) / (1 + 2), abs=1e-4)


def test_a_person_of_an_unknown_cause_or_question_is_left_out():
    people = [person("zzz", for_a="no"), person("a", not_a_question="yes")]
    assert learn_reply_table(bank(), CAUSES, people) == learn_reply_table(bank(), CAUSES, [])


def test_the_interview_uses_the_learned_table_and_the_prior_where_it_is_silent():
    learned = {"for_a": {"a": 0.4}}
    interview = Interview(bank(), CAUSES, {"face_droop": FLAG}, learned)
    assert interview.learned
    q = interview.by_id["for_a"]
    np.testing.assert_allclose(interview.yes[q], [0.4, 0.1, 0.1])
    # a question the table does not name keeps its hand-set figures, within the floor
    np.testing.assert_allclose(interview.yes[interview.by_id["certain"]], [0.98, 0.02, 0.02])


def test_a_learned_table_is_kept_within_the_floor():
    interview = Interview(bank(), CAUSES, {}, {"for_a": {"a": 1.0, "b": 0.0}})
    assert interview.yes[interview.by_id["for_a"]].tolist() == [0.98, 0.02, 0.1]


def test_a_set_is_scored_at_first_contact_once(tmp_path: Path):
    """A set already in the record is refused before any model is read: its first figure is
    never overwritten."""
    folder = tmp_path / "interview"
    folder.mkdir()
    (folder / "qz_1.jsonl").write_text(json.dumps(person("a", for_a="yes")) + "\n")
    (folder / "first_contact.yaml").write_text(
        "rounds:\n  - name: one\n    sets:\n      qz_1: {n: 1}\n"
    )
    with pytest.raises(ValueError, match="already scored at first contact: qz_1"):
        record_first_contact(tmp_path, tmp_path / "models", ["qz_1"], "again", "")
    with pytest.raises(ValueError, match="no set qz_2"):
        record_first_contact(tmp_path, tmp_path / "models", ["qz_2"], "new", "")
