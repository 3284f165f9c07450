"""Text processing: lemmas, numbers, negation and hypothetical scopes (NegEx)."""

from __future__ import annotations

import pickle

import pytest

from training.features import SpacyTextProcessor
from triage.knowledge import scope_lexicon
from triage.text import TextAnalyzer, drop_negated


@pytest.fixture(scope="module")
def processor(knowledge) -> SpacyTextProcessor:
    return SpacyTextProcessor(scope_lexicon(knowledge.lexicon)).fit([])


def render(processor: SpacyTextProcessor, text: str) -> str:
    return processor.transform([text])[0]


def test_lemmas_numbers_and_case(processor):
    assert (
        render(processor, "My LIPS keep Twitching after 4 Coffees")
        == "my lip keep twitch after <num> coffee"
    )
    assert render(processor, "my left eye") == "my left eye"  # not the past of "leave"


@pytest.mark.parametrize(
    ("text", "negated", "kept"),
    [
        ("no cold sores or blisters", {"cold", "sore", "blister"}, set()),
        ("I don't smoke and my lip twitches", {"smoke"}, {"lip", "twitch"}),
        ("no pain but my arm is weak", {"pain"}, {"arm", "weak"}),
        ("never had a tremor, lip twitching", {"tremor"}, {"lip", "twitch"}),
    ],
)
def test_negation_scope_ends_at_clause_boundary(processor, text, negated, kept):
    words = render(processor, text).split()
    for lemma in negated:
        assert f"NEG_{lemma}" in words
    for lemma in kept:
        assert lemma in words


@pytest.mark.parametrize(
    "text", ["I can't close my eye", "I no longer smoke", "it won't stop twitching"]
)
def test_pseudo_negations_are_not_denials(processor, text):
    assert "NEG_" not in render(processor, text)


def test_hypothetical_scope(processor):
    analysis = processor.analyzer_.analyse("what if it turns into a stroke? my arm is weak")
    marked = [t.text for t, h in zip(analysis.doc, analysis.hypothetical, strict=True) if h]
    assert "stroke" in marked
    assert "arm" not in marked


def test_char_ngrams_do_not_see_denied_words():
    assert drop_negated("no NEG_cold NEG_sore lip <num>") == "no lip"


def test_processor_pickles_without_spacy_state(processor):
    data = pickle.dumps(processor)
    # the word lists and a few settings, no spaCy pipeline or lemma table (hundreds of KB)
    assert len(data) < len(pickle.dumps(processor.lexicon)) + 2_000
    again = pickle.loads(data)
    assert again.transform(["no cold sores"]) == processor.transform(["no cold sores"])


def test_render_joins_kept_tokens(processor):
    analysis = processor.analyzer_.analyse("lip, twitching!!")
    assert TextAnalyzer.render(analysis) == "lip twitch"


def test_analyse_many_through_pipe_equals_one_by_one(processor):
    texts = [
        "no cold sores but my lip tingles",
        "😀" * 80 + " lip",
        "4 coffees, left eye twitch",
        "x",
    ]
    many = processor.analyzer_.analyse_many(texts)
    for text, batch in zip(texts, many, strict=True):
        single = processor.analyzer_.analyse(text)
        assert (batch.rendered, batch.negated, batch.starts, batch.ends) == (
            single.rendered,
            single.negated,
            single.starts,
            single.ends,
        )


def test_contractions_typed_in_capitals_split_like_lower_case(processor):
    analyzer = processor.analyzer_
    lower = analyzer.analyse("i can't close my eye and don't feel my arm")
    upper = analyzer.analyse("I CAN'T CLOSE MY EYE AND DON'T FEEL MY ARM")
    assert upper.lemmas == lower.lemmas
    assert upper.negated == lower.negated
