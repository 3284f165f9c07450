"""The language gate loads its identifier in a thread of its own, while the rest of the analyser
is built: whoever needs it waits for the load, and a failed load is their error, never a hang.
An analyser is built only once it is loaded. The identifier is py3langid's, memory-mapped from
the artifact: it names languages exactly as py3langid does, and a changed file is refused."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from service.app import create_app
from service.settings import Settings
from training.corpus import load_split
from triage import artifact, language
from triage.analyser import Analyser
from triage.artifact import ModelIntegrityError
from triage.knowledge import LanguageSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = LanguageSettings(
    common_word_logprob=-12.0, latin_share=0.9, english_share=0.6, min_probability=0.9
)
NOWHERE = language.IdentifierFiles(Path("/nonexistent"), ())
# texts in other languages and scripts, and edge cases of the byte walk
OTHER_TEXTS = [
    "мой губа дёргается уже неделю",
    "me tiembla el labio de arriba desde ayer",
    "ma lèvre supérieure tremble depuis trois jours",
    "mein Augenlid zuckt seit einer Woche",
    "上唇がピクピクする",
    "شفتي العليا ترتعش",
    "",
    "😀😀😀",
    "LIP TWITCHING SINCE MONDAY",
    "x" * 2000,
]


@pytest.fixture()
def never_loads(monkeypatch: pytest.MonkeyPatch):
    def fail(files: language.IdentifierFiles) -> None:
        raise OSError("no identifier here")

    monkeypatch.setattr(language.MappedIdentifier, "from_files", staticmethod(fail))
    language._identifier.cache_clear()
    yield
    language._identifier.cache_clear()


@pytest.mark.usefixtures("never_loads")
def test_a_text_of_common_english_words_needs_no_identifier():
    gate = language.LanguageGate(["my", "lip", "twitches"], SETTINGS, NOWHERE)
    assert gate.language("my lip twitches") is None


@pytest.mark.usefixtures("never_loads")
def test_a_failed_load_is_the_error_of_the_text_that_needs_it():
    gate = language.LanguageGate(["my"], SETTINGS, NOWHERE)
    with pytest.raises(OSError, match="no identifier here"):
        gate.language("мой губа дёргается")


def test_a_gate_without_identifier_files_is_refused():
    with pytest.raises(ValueError, match="identifier files"):
        language.LanguageGate(["my"], SETTINGS, None)


def test_the_identifier_once_loaded_names_the_language(trained_model_dir: Path):
    files = artifact.load_serving(trained_model_dir).identifier
    gate = language.LanguageGate(["my"], SETTINGS, files)
    assert gate.language("мой губа дёргается уже неделю") == "ru"


def test_an_analyser_is_built_only_once_its_identifier_is_loaded(analyser):
    assert analyser.language is not None and analyser.language._identifier.done()


def test_the_mapped_identifier_scores_exactly_as_py3langid(trained_model_dir: Path):
    """Every score of every language, bit for bit, over the corpus and other languages."""
    mapped = language.MappedIdentifier.from_files(
        artifact.load_serving(trained_model_dir).identifier
    )
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = [
        ex.text
        for split in ("train", "test", "triage")
        for ex in load_split(ROOT / "corpus", split)
    ]
    different = [
        t
        for t in texts + OTHER_TEXTS
        if not np.array_equal(mapped._decide(t), reference._decide(t))
    ]
    assert not different, f"{len(different)} texts score differently, first: {different[:3]}"
    assert mapped.classify(OTHER_TEXTS[1]) == reference.classify(OTHER_TEXTS[1])


@pytest.fixture()
def changed_identifier(model_copy: Path) -> Path:
    """A copy of the model with one bit of the identifier's table flipped."""
    path = model_copy / artifact.IDENTIFIER_DIR / "ptc.npy"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return model_copy


def test_a_changed_identifier_file_is_refused(changed_identifier: Path):
    with pytest.raises(ModelIntegrityError, match="ptc.npy sha256 .* does not match meta.json"):
        Analyser.from_serving(artifact.load_serving(changed_identifier))


def test_the_service_with_a_changed_identifier_file_is_never_ready(changed_identifier: Path):
    app = create_app(Settings(models_dir=changed_identifier.parent))
    with TestClient(app) as client:
        for _ in range(500):
            response = client.get("/ready")
            if "failed to load" in response.text:
                break
            time.sleep(0.02)
        assert response.status_code == 503
        assert "ptc.npy sha256" in response.json()["detail"]
        assert client.post("/v1/predict", json={"text": "lip twitch"}).status_code == 503
