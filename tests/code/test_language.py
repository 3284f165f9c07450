"""The language gate loads py3langid's identifier in a thread of its own, while the rest of the
analyser is built: whoever needs it waits for the load, and a failed load is their error, never
a hang. An analyser is built only once it is loaded."""

from __future__ import annotations

import pytest

from triage import language
from triage.knowledge import LanguageSettings

SETTINGS = LanguageSettings(
    common_word_logprob=-12.0, latin_share=0.9, english_share=0.6, min_probability=0.9
)


def test_a_text_of_common_english_words_needs_no_identifier(monkeypatch):
    monkeypatch.setattr(language, "_load_identifier", _never_loads)
    language._identifier.cache_clear()
    try:
        gate = language.LanguageGate(["my", "lip", "twitches"], SETTINGS)
        assert gate.language("my lip twitches") is None
    finally:
        language._identifier.cache_clear()


def test_a_failed_load_is_the_error_of_the_text_that_needs_it(monkeypatch):
    monkeypatch.setattr(language, "_load_identifier", _never_loads)
    language._identifier.cache_clear()
    try:
        gate = language.LanguageGate(["my"], SETTINGS)
        with pytest.raises(OSError, match="no identifier here"):
            gate.language("мой губа дёргается")
    finally:
        language._identifier.cache_clear()


def test_the_identifier_once_loaded_names_the_language():
    gate = language.LanguageGate(["my"], SETTINGS)
    assert gate.language("мой губа дёргается уже неделю") == "ru"


def _never_loads():
    raise OSError("no identifier here")


def test_an_analyser_is_built_only_once_its_identifier_is_loaded(analyser):
    assert analyser.language is not None and analyser.language._identifier.done()
