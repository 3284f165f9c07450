"""The real corpus: valid, big enough, balanced, and no held-out text leaks from training."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from training.corpus import jaccard, load_split, word_shingles
from triage.knowledge import CAUSE_IDS, OUT_OF_SCOPE

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


def test_no_heldout_text_nearly_duplicates_a_training_text(train, test, triage):
    train_shingles = [(ex.text, word_shingles(ex.text)) for ex in train]
    leaks = []
    for ex in [*test, *triage]:
        mine = word_shingles(ex.text)
        for text, theirs in train_shingles:
            if jaccard(mine, theirs) >= NEAR_DUPLICATE:
                leaks.append((ex.source, ex.text, text))
    assert not leaks, f"{len(leaks)} near-duplicates, first: {leaks[:3]}"


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
