"""Minimum functionality of every red flag, and that denied or feared findings do not fire.

The cases are data: ``tests/cases/red_flags_fire.jsonl`` and ``red_flags_silent.jsonl``.
"""

from __future__ import annotations

import pytest

from tests.rules import Rules, read_cases


@pytest.fixture(scope="module")
def rules(knowledge) -> Rules:
    return Rules(knowledge)


FIRES = [(case["text"], case["flag"]) for case in read_cases("red_flags_fire")]
SILENT = [case["text"] for case in read_cases("red_flags_silent")]


@pytest.mark.parametrize(("text", "flag"), FIRES)
def test_flag_fires(rules: Rules, text: str, flag: str):
    assert flag in rules.flag_ids(text)


@pytest.mark.parametrize("text", SILENT)
def test_denied_or_absent_findings_do_not_fire(rules: Rules, text: str):
    assert rules.flag_ids(text) == set()


def test_scope_ends_at_but(rules: Rules):
    assert rules.flag_ids("no pain but my arm is weak") == {"limb_weakness"}


def test_hit_text_is_a_substring(rules: Rules):
    text = "My lip twitches and MY LEFT ARM feels weak"
    hits = rules.flags.find(rules.analyzer.analyse(text))
    assert hits and all(text[h.start : h.end] == h.text for h in hits)


def test_token_patterns_find_what_spacys_matcher_finds(rules: Rules, knowledge):
    """Serving matches patterns over the analysis columns; spaCy's ``Matcher``, given the same
    patterns, is the reference: the same spans for every pattern over the whole corpus, and the
    required-word prefilter never drops a pattern that matches."""
    from pathlib import Path

    from spacy.matcher import Matcher

    from training.corpus import load_split
    from triage.redflags import compile_slot

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    texts = [ex.text for split in ("train", "test", "triage") for ex in load_split(corpus, split)]
    texts += ["arm arm arm weak weak", "can't . lift my arm", "", "😀 face droop"]
    vocab = rules.analyzer.nlp.vocab
    reference = Matcher(vocab)
    patterns = [p for flag in knowledge.red_flags for p in flag.patterns]
    for number, pattern in enumerate(patterns):
        reference.add(str(number), [[compile_slot(s, rules.analyzer) for s in pattern.split()]])
    assert len(patterns) == len(rules.flags.patterns)
    matched = 0
    for text in texts:
        analysis = rules.analyzer.analyse(text)
        expected: dict[int, set[tuple[int, int]]] = {}
        for match_id, start, end in reference(analysis.doc):
            expected.setdefault(int(vocab.strings[match_id]), set()).add((start, end))
        found = {
            number: set(spans)
            for number, (_, pattern, _, _) in enumerate(rules.flags.patterns)
            if (spans := pattern.matches(analysis))
        }
        assert found == expected, text
        possible = {id(pattern) for _, pattern, _ in rules.flags._possible(analysis)}
        assert all(id(rules.flags.patterns[n][1]) in possible for n in expected), text
        matched += bool(expected)
    assert matched > 500  # the corpus exercises the patterns, not only their absence


def test_worse_is_no_worst_headache(rules: Rules):
    """The lemma table reads "worse" and "worst" as "wrong"; a headache that gets worse is
    ordinary, the worst of a life is not (``lexicon.lemma_overrides``)."""
    assert "worst_headache" not in rules.flag_ids("my tension headache gets worse after work")
    assert "worst_headache" not in rules.flag_ids("my head feels worse when I bend down")
    assert "worst_headache" in rules.flag_ids("this is the worst headache of my life")
    assert "worst_headache" in rules.flag_ids("my head hurts, the worst pain ever")
