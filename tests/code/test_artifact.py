"""Model integrity: only a file whose sha256 and library versions match meta.json is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.app import create_app
from service.settings import Settings
from training.artifact import load_pipeline
from triage import artifact
from triage.artifact import ModelIntegrityError


def edit_meta(model_dir: Path, **changes) -> None:
    path = model_dir / artifact.META_FILE
    meta = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "libraries":
            meta["libraries"].update(value)
        else:
            meta[key] = value
    path.write_text(json.dumps(meta))


def test_meta_records_the_contract_fields(trained_model_dir: Path):
    meta = json.loads((trained_model_dir / artifact.META_FILE).read_text())
    for key in ("version", "created", "labels", "libraries", "model_sha256"):
        assert key in meta
    assert {"python", "scikit-learn", "spacy"} <= set(meta["libraries"])
    assert len(meta["labels"]) == 12


def test_tampered_file_is_refused(model_copy: Path):
    path = model_copy / artifact.MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="does not match meta.json"):
        load_pipeline(model_copy)


@pytest.mark.parametrize("name", [artifact.SERVING_PARAMS, artifact.SERVING_ARRAYS])
def test_tampered_serving_file_is_refused(model_copy: Path, name: str):
    path = model_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=f"{name} sha256 .* does not match meta.json"):
        artifact.load_serving(model_copy)


def test_serving_load_imports_no_scikit_learn(trained_model_dir: Path):
    """The point of the serving form: the service starts without importing scikit-learn."""
    code = (
        "import sys; from pathlib import Path; from triage import artifact; "
        "from triage.analyser import Analyser; "
        f"a = Analyser.from_serving(artifact.load_serving(Path({str(trained_model_dir)!r}))); "
        "a.analyse('lip twitch after coffee'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'joblib', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_truncated_file_is_refused(model_copy: Path):
    path = model_copy / artifact.MODEL_FILE
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_pipeline(model_copy)


def test_missing_file_is_refused(model_copy: Path):
    (model_copy / artifact.MODEL_FILE).unlink()
    with pytest.raises(ModelIntegrityError, match="is missing"):
        load_pipeline(model_copy)


def test_missing_meta_is_refused(model_copy: Path):
    (model_copy / artifact.META_FILE).unlink()
    with pytest.raises(ModelIntegrityError, match="meta.json is missing"):
        artifact.verify(model_copy)


@pytest.mark.parametrize("library", ["scikit-learn", "spacy", "python"])
def test_wrong_library_version_is_refused(model_copy: Path, library: str):
    edit_meta(model_copy, libraries={library: "0.0.1"})
    with pytest.raises(ModelIntegrityError, match=f"made with {library} 0.0"):
        load_pipeline(model_copy)


def test_error_is_one_line(model_copy: Path):
    edit_meta(model_copy, model_sha256="0" * 64)
    with pytest.raises(ModelIntegrityError) as info:
        load_pipeline(model_copy)
    assert "\n" not in str(info.value)


def test_service_refuses_to_start_with_a_tampered_model(model_copy: Path):
    edit_meta(model_copy, model_sha256="0" * 64)
    app = create_app(Settings(models_dir=model_copy.parent))
    from fastapi.testclient import TestClient

    with pytest.raises(ModelIntegrityError, match="does not match"), TestClient(app):
        pass


def test_cli_refuses_with_one_line(model_copy: Path, monkeypatch, capsys):
    from service.__main__ import main

    edit_meta(model_copy, model_sha256="0" * 64)
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(model_copy.parent))
    assert main(["check"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("refusing to start:") and "\n" not in err


def test_newest_picks_the_latest_version(tmp_path: Path):
    for name in ("20260101T000000-aaaa", "20261231T000000-bbbb"):
        (tmp_path / name).mkdir()
        (tmp_path / name / artifact.META_FILE).write_text("{}")
    assert artifact.newest(tmp_path).name == "20261231T000000-bbbb"
    assert artifact.newest(tmp_path / "none") is None


@pytest.mark.parametrize("old_format", [None, 1, 2])
def test_a_model_made_by_older_code_is_refused_with_a_reason(model_copy: Path, old_format):
    path = model_copy / artifact.META_FILE
    meta = json.loads(path.read_text())
    if old_format is None:
        meta.pop("format")
    else:
        meta["format"] = old_format
    path.write_text(json.dumps(meta))
    with pytest.raises(ModelIntegrityError, match="older version of this project.*make train") as e:
        artifact.load_serving(model_copy)
    assert "\n" not in str(e.value)
