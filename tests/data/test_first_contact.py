"""Every blind triage batch keeps the figure it got at first contact, before anything changed
for it; a learned part learns only from batches that have one."""

from __future__ import annotations

from pathlib import Path

from training.corpus import load_split
from training.first_contact import blind_groups, read_record, recorded, scored_batches

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_every_triage_batch_has_its_first_contact_figure():
    batches = {case.group for case in load_split(CORPUS, "triage")}
    missing = batches - recorded(read_record(CORPUS))
    assert not missing, f"score these once before changing anything: {sorted(missing)}"


def test_each_figure_says_what_answered_and_what_it_caught():
    for batch, entry in read_record(CORPUS).items():
        assert entry["answered_by"], batch
        assert 0 <= entry["emergency_caught"] <= entry["emergencies"], batch


def test_the_detector_learns_only_from_recorded_batches():
    done = recorded(read_record(CORPUS))
    assert {case.group for case in scored_batches(CORPUS)} <= done


def test_every_blind_cause_batch_has_its_first_contact_figure():
    """A training file with a writer's brief is a blind batch: it was scored before training."""
    batches = set(blind_groups(CORPUS, "train"))
    assert batches, "the training split has blind batches (corpus/train/briefs/)"
    missing = batches - recorded(read_record(CORPUS, "train"))
    assert not missing, f"score these once before training on them: {sorted(missing)}"
    for batch, entry in read_record(CORPUS, "train").items():
        assert entry["answered_by"] and entry["model"], batch
        assert entry["in_scope"] + entry["out_of_scope"] == entry["n"], batch
