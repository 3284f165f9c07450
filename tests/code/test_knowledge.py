"""The knowledge files load, and a broken one is refused naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.contract import CAUSE_IDS
from triage.knowledge import DEFAULTS, LEVELS, load_knowledge

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_contract_causes_and_levels(knowledge):
    assert tuple(c.id for c in knowledge.causes) == CAUSE_IDS
    defaults = {c.id: c.default_level for c in knowledge.causes}
    assert defaults["bells_palsy"] == "urgent"
    assert {defaults[c] for c in ("caffeine", "smoking_withdrawal", "stress")} == {"self_care"}
    assert tuple(knowledge.referral.levels) == LEVELS


def test_advice_carries_the_documents_points(knowledge):
    advice = {c.id: c.advice.lower() for c in knowledge.causes}
    assert "calcium" in advice["hypoparathyroidism"]
    assert "psychotherapy" in advice["stress"]
    assert "panic" in advice["stress"]
    # "see a doctor if it lasts more than two days" is said once, by the self-care level that
    # every self-care answer carries, not again by each self-care cause (nor at see_doctor)
    assert "more than two days" in knowledge.referral.advice["self_care"].lower()
    assert not any("two days" in a for a in advice.values())


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    for name in ("causes.yaml", "referral.yaml", "red_flags.yaml", "lexicon.yaml"):
        shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path


def test_unknown_level_names_the_file(corpus_copy: Path):
    path = corpus_copy / "causes.yaml"
    path.write_text(path.read_text().replace("default_level: urgent", "default_level: later", 1))
    with pytest.raises(ValueError, match="causes.yaml"):
        load_knowledge(corpus_copy)


def test_bad_red_flag_pattern_names_the_file(corpus_copy: Path):
    path = corpus_copy / "red_flags.yaml"
    path.write_text(path.read_text().replace('"faint|fainted|fainting"', '"*2 faint"', 1))
    with pytest.raises(ValueError, match="red_flags.yaml"):
        load_knowledge(corpus_copy)


def test_red_flag_pattern_that_requires_no_word_is_refused(corpus_copy: Path):
    path = corpus_copy / "red_flags.yaml"
    path.write_text(path.read_text().replace('"faint|fainted|fainting"', '"faint? *2 fainted?"', 1))
    with pytest.raises(ValueError, match="requires no word"):
        load_knowledge(corpus_copy)


def test_duplicate_and_reserved_cause_ids_are_refused(corpus_copy: Path):
    path = corpus_copy / "causes.yaml"
    text = path.read_text()
    path.write_text(text.replace("  - id: tourette", "  - id: caffeine", 1))
    with pytest.raises(ValueError, match="cause ids must be unique"):
        load_knowledge(corpus_copy)
    path.write_text(text.replace("  - id: tourette", "  - id: out_of_scope", 1))
    with pytest.raises(ValueError, match="are labels, not causes"):
        load_knowledge(corpus_copy)


def test_a_corpus_of_causes_alone_gets_the_general_defaults(tmp_path: Path):
    """Only causes.yaml is required: no red flag fires, nothing is asked, and the referral
    policy and lexicon are the general ones of triage/defaults/."""
    (tmp_path / "causes.yaml").write_text(
        "causes:\n"
        "  - id: sprain\n    name: A sprained joint\n    default_level: self_care\n"
        "    description: A stretched or torn ligament after a twist or a fall.\n"
        "    advice: Rest it, cool it and keep it raised for a day or two.\n"
        "    symptoms: [twisted, swollen ankle]\n"
    )
    knowledge = load_knowledge(tmp_path)
    assert knowledge.cause_ids == ("sprain",)
    assert knowledge.red_flags == [] and knowledge.questions is None
    assert tuple(knowledge.referral.levels) == LEVELS
    assert "no" in knowledge.lexicon.negation.triggers
    for word in ("lip", "twitch", "face"):  # the defaults know no domain
        assert word not in (DEFAULTS / "referral.yaml").read_text().lower()


def test_every_concern_names_known_signs_and_has_a_default(knowledge):
    from triage.knowledge import load_signs

    known = {f.id for f in knowledge.red_flags} | {s.id for s in load_signs(CORPUS)}
    referral = knowledge.referral
    assert referral.concerns
    for concern in referral.concerns:
        assert set(concern.signs) <= known, concern.id
        assert concern.level in ("emergency", "urgent")
    assert set(referral.concern_default) == {"emergency", "urgent"}


def test_confidence_bands_must_run_down_to_zero(corpus_copy: Path):
    path = corpus_copy / "referral.yaml"
    path.write_text(
        path.read_text().replace("{min: 0, words: unlikely", "{min: 0.05, words: unlikely")
    )
    with pytest.raises(ValueError, match="confidence_bands"):
        load_knowledge(corpus_copy)


def test_an_uncertainty_floor_needs_its_message_and_reason(corpus_copy: Path):
    path = corpus_copy / "referral.yaml"
    text = path.read_text()
    path.write_text(text.replace("uncertain_message:", "uncertain_note:", 1))
    with pytest.raises(ValueError, match="referral.yaml"):
        load_knowledge(corpus_copy)
    reason = text.index('  uncertain: "')
    path.write_text(text[:reason] + text[text.index("\n", reason) + 1 :])
    with pytest.raises(ValueError, match="uncertain"):
        load_knowledge(corpus_copy)
