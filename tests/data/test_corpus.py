"""The real corpus: valid, big enough, balanced, and no held-out text leaks from training."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.contract import CAUSE_IDS
from training.corpus import (
    jaccard,
    load_measure_sets,
    load_split,
    near_duplicates,
    word_shingles,
)
from triage.knowledge import OUT_OF_SCOPE

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NEAR_DUPLICATE = 0.5


@pytest.fixture(scope="module")
def train():
    return load_split(CORPUS, "train")


@pytest.fixture(scope="module")
def test():
    return load_split(CORPUS, "test")


@pytest.fixture(scope="module")
def triage():
    return load_split(CORPUS, "triage")


def test_training_split_size(train):
    counts = Counter(ex.label for ex in train)
    for cause in CAUSE_IDS:
        assert counts[cause] >= 60, cause
    assert counts[OUT_OF_SCOPE] >= 200


def test_heldout_split_size(test):
    counts = Counter(ex.label for ex in test)
    for cause in CAUSE_IDS:
        assert counts[cause] >= 20, cause
    assert counts[OUT_OF_SCOPE] >= 60


def test_triage_cases_cover_every_level(triage):
    levels = Counter(ex.level for ex in triage)
    assert levels["emergency"] >= 20
    assert all(levels[level] > 0 for level in ("self_care", "see_doctor", "urgent", None))


def _evaluation_sets() -> list[tuple[str, str]]:
    """(file, text) of the blind sets that only measure: vague texts, other languages and the
    simulated patients of the follow-up questions."""
    return [
        (f"{folder}/{name}", row["text"])
        for folder in ("vague", "language", "interview")
        for name, rows in load_measure_sets(CORPUS, folder).items()
        for row in rows
    ]


def test_no_heldout_text_nearly_duplicates_a_training_text(train, test, triage):
    held_out = [(ex.source, ex.text) for ex in (*test, *triage)] + _evaluation_sets()
    pairs = near_duplicates([t for _, t in held_out], [ex.text for ex in train], NEAR_DUPLICATE)
    leaks = [(held_out[i][0], held_out[i][1], train[j].text) for i, j, _ in pairs]
    assert not leaks, f"{len(leaks)} near-duplicates, first: {leaks[:3]}"


def test_no_triage_text_nearly_duplicates_one_of_another_batch(triage):
    """Batches are the folds of the detector's validation: a near twin in another batch would
    let it score a text it has as good as seen."""
    pairs = near_duplicates([ex.text for ex in triage], threshold=NEAR_DUPLICATE)
    twins = [
        (triage[i].source, triage[j].source)
        for i, j, _ in pairs
        if triage[i].group != triage[j].group
    ]
    assert not twins, f"{len(twins)} near-duplicates across batches, first: {twins[:3]}"


def test_the_near_duplicate_finder_finds_what_every_pair_finds():
    texts = ["my lip twitches after coffee", "my lip twitches after coffee today", "a b", "x y z w"]
    others = ["my lip twitches after coffee daily", "x y z w", "nothing alike here at all"]
    brute = [
        (i, j, jaccard(word_shingles(a), word_shingles(b)))
        for i, a in enumerate(texts)
        for j, b in enumerate(others)
        if jaccard(word_shingles(a), word_shingles(b)) >= 0.5
    ]
    assert near_duplicates(texts, others) == brute
    assert (0, 1, 0.75) in near_duplicates(texts)


def test_corpus_does_not_copy_the_source_document():
    seed = CORPUS.parent.parent / "shared" / "seeds" / "upper-lip-twitching.txt"
    if not seed.exists():
        pytest.skip("the source document is not beside this checkout")
    source = word_shingles(seed.read_text(encoding="utf-8"), n=6)
    texts = [
        p.read_text(encoding="utf-8") for p in CORPUS.rglob("*") if p.suffix in {".yaml", ".jsonl"}
    ]
    copied = [s for t in texts for s in word_shingles(t, n=6) & source]
    assert not copied, f"phrases copied from the source: {copied[:5]}"


def test_every_simulated_patient_is_a_cause_with_facts_the_bank_can_ask():
    """``corpus/interview/``: each person has a cause, a text and yes/no facts named by question
    ids of ``corpus/questions.yaml``; each set keeps its writer's brief."""
    from triage.knowledge import load_knowledge

    bank = {q.id for q in load_knowledge(CORPUS).questions.questions}
    sets = load_measure_sets(CORPUS, "interview")
    assert sum(len(rows) for rows in sets.values()) >= 200
    for name, rows in sets.items():
        assert (CORPUS / "interview" / "briefs" / f"{name}.md").exists(), name
        for row in rows:
            assert set(row) == {"text", "label", "facts"} and row["text"].strip(), name
            assert row["label"] in CAUSE_IDS, (name, row["label"])
            assert set(row["facts"]) <= bank, (name, set(row["facts"]) - bank)
            assert set(row["facts"].values()) <= {"yes", "no"}, name
