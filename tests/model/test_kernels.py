"""The analysis kernels (``triage/kernels.py``) are compiled by the install, and the compiled and
the interpreted forms of the one source give identical answers over the whole corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from training.corpus import load_split
from training.triage_eval import REFERENCE_DAY
from triage import compact, kernels, language
from triage.analyser import Analyser

ROOT = Path(__file__).resolve().parents[2]


def _interpreted():
    """The same source loaded as plain Python, beside the compiled module."""
    spec = importlib.util.spec_from_file_location("kernels_interpreted", ROOT / "triage/kernels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_install_compiled_the_kernels():
    assert kernels.COMPILED, "triage/kernels.py is not compiled: run `make install`"
    assert Path(kernels.__file__).suffix == ".so"


def test_the_interpreted_form_is_the_same_source():
    module = _interpreted()
    assert not module.COMPILED
    assert {n for n in dir(module) if not n.startswith("_")} >= {
        "dfa_visits",
        "gather",
        "tfidf_logits",
        "token_scores",
    }


@pytest.mark.slow
def test_compiled_and_interpreted_answers_are_identical_over_the_corpus(
    analyser: Analyser, monkeypatch: pytest.MonkeyPatch
):
    texts = [
        ex.text
        for split in ("train", "test", "triage")
        for ex in load_split(ROOT / "corpus", split)
    ]
    texts += ["", "😀", "lip " * 300, "NO NO NO", "me tiembla el labio", "губа дёргается"]
    compiled = analyser.analyse_many(texts, today=REFERENCE_DAY)
    monkeypatch.setattr(compact, "kernels", _interpreted())
    monkeypatch.setattr(language, "kernels", _interpreted())
    interpreted = analyser.analyse_many(texts, today=REFERENCE_DAY)
    different = [t for t, a, b in zip(texts, compiled, interpreted, strict=True) if a != b]
    assert not different, f"{len(different)} answers differ, first: {different[:3]}"


def test_the_language_walk_is_identical_compiled_and_interpreted(analyser: Analyser):
    """The identifier's byte walk: the same features, counts and order both ways."""
    walk = analyser.language.identifier._walk
    interpreted = _interpreted()
    for text in ["me tiembla el labio", "губа дёргается", "上唇", "", "a" * 500, "lip twitch"]:
        data = text.encode()
        compiled = kernels.dfa_visits(*walk, data)
        assert list(compiled.items()) == list(interpreted.dfa_visits(*walk, data).items())
        assert compiled or not data
