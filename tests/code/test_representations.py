"""The representation comparison (``make compare``): its TF-IDF path runs without PyTorch, so its
scoring and its choice are tested here; the embedders run only in ``make compare``."""

from __future__ import annotations

import numpy as np
import pytest

from training.features import SpacyTextProcessor
from training.representations import EmbeddingRep, TfidfRep, choose, measure, visible_words
from triage.knowledge import Knowledge, scope_lexicon

EMERGENCY = [
    "I can't breathe and my lips are blue",
    "crushing pain in my chest spreading to my arm",
    "her face dropped on one side and she can't speak",
    "he collapsed and is not waking up",
    "worst headache of my life came on all at once",
    "my arm went suddenly weak and heavy",
]
CALM = [
    "my upper lip twitches after coffee",
    "sore knee after running",
    "eyelid flickers when I am tired",
    "a mild cough for two days",
    "acne on my chin again",
    "my lip jumps since I quit smoking",
]


@pytest.fixture(scope="module")
def data(knowledge: Knowledge):
    processor = SpacyTextProcessor(scope_lexicon(knowledge.lexicon)).fit([])
    texts = EMERGENCY + CALM
    analyses = processor.analyzer_.analyse_many(texts)
    rendered = [processor.render_guarded(a) for a in analyses]
    words = [visible_words(a) for a in analyses]
    y = np.array([1] * len(EMERGENCY) + [0] * len(CALM), dtype=np.int8)
    groups = np.array([f"batch_{i % 3}" for i in range(len(texts))])
    return processor, rendered, words, analyses, y, groups


def test_the_embedders_never_read_denied_or_feared_words(knowledge: Knowledge):
    processor = SpacyTextProcessor(scope_lexicon(knowledge.lexicon)).fit([])
    analysis = processor.analyzer_.analyse("no chest pain, what if it is a stroke? my lip twitches")
    words = visible_words(analysis).split()
    assert "lip" in words and "twitches" in words
    assert not {"chest", "pain", "stroke"} & set(words)


def test_the_tfidf_measure_is_grouped_and_at_the_false_alarm_bound(data):
    processor, rendered, words, analyses, y, groups = data
    result = measure(TfidfRep(processor.lexicon), rendered, words, analyses, y, groups)
    assert 0.0 <= result["auc"] <= 1.0
    assert result["false_alarm_rate"] <= 0.04 + 1e-9
    assert 0.0 <= result["emergency_recall"] <= 1.0
    assert result["us_per_text"] > 0


def test_an_embedding_encodes_each_text_once_per_run():
    calls: list[int] = []

    def encode(texts):
        calls.append(len(texts))
        return np.ones((len(texts), 4))

    rep = EmbeddingRep("fake", encode)
    rep.transform([], ["a", "b", "a"])
    rep.transform([], ["b", "a", "c"])
    assert calls == [2, 1]


def test_the_choice_is_safety_first_then_cost():
    results = {
        "cheap": {"emergency_recall": 0.90, "us_per_text": 10.0},
        "safe": {"emergency_recall": 0.95, "us_per_text": 200.0},
        "as_safe_cheaper": {"emergency_recall": 0.945, "us_per_text": 100.0},
    }
    assert "`as_safe_cheaper`" in choose(results)
