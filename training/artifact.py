"""Writing a model artifact, and reading its scikit-learn pipeline back for evaluation and tests.

Reading and verifying an artifact for serving is ``triage.artifact``; this half needs joblib and
scikit-learn, which the service never imports. joblib files are pickles and run code when loaded,
so nothing is unpickled before ``triage.artifact.verify`` has checked it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from training.detector import detector_data
from training.export import compact_from_pipeline
from training.language import english_words, write_identifier
from triage.artifact import (
    DETECTOR_PREFIX,
    FORMAT,
    IDENTIFIER_DIR,
    META_FILE,
    MODEL_FILE,
    SERVING_ARRAYS,
    SERVING_PARAMS,
    ModelIntegrityError,
    library_versions,
    verify,
)
from triage.checksums import sha256_file
from triage.detector import SignDetector
from triage.language import identifier_paths


@dataclass(frozen=True)
class LoadedModel:
    version: str
    path: Path
    meta: dict[str, Any]
    bundle: dict[str, Any]


def new_version(corpus_sha: dict[str, str], created: datetime) -> str:
    """Time-ordered, and different whenever the corpus differs: ``20261125T0102-ab12cd34``."""
    corpus_digest = hashlib.sha256(json.dumps(corpus_sha, sort_keys=True).encode()).hexdigest()
    return f"{created:%Y%m%dT%H%M%S}-{corpus_digest[:8]}"


def save_model(
    bundle: dict[str, Any],
    models_dir: Path,
    meta: dict[str, Any],
    detector: SignDetector | None = None,
) -> Path:
    """Write the joblib file, its serving form (with the warning-sign ``detector``, which lives
    only there) and a meta.json that records their checksums, versions and metrics."""
    created = datetime.now(UTC)
    version = new_version(meta.get("corpus_sha256", {}), created)
    out = models_dir / version
    out.mkdir(parents=True, exist_ok=False)
    import joblib  # here, not at the top: importing training must not need it

    joblib.dump(bundle, out / MODEL_FILE, compress=3)
    params, arrays = compact_from_pipeline(bundle["pipeline"]).to_data()
    serving = {
        "model": params,
        "oos_threshold": bundle["oos_threshold"],
        "knowledge": bundle["knowledge"],
    }
    identifier_sha256 = {}
    if language := bundle["knowledge"]["lexicon"].get("language"):
        serving["english_words"] = english_words(language["common_word_logprob"])
        write_identifier(out / IDENTIFIER_DIR)
        identifier_sha256 = {
            name: sha256_file(path) for name, path in identifier_paths(out / IDENTIFIER_DIR).items()
        }
    if (table := bundle.get("reply_table")) is not None:
        serving["reply_table"] = table
    if detector is not None:
        serving["detector"], detector_arrays = detector_data(detector)
        arrays.update({DETECTOR_PREFIX + k: v for k, v in detector_arrays.items()})
    (out / SERVING_PARAMS).write_text(json.dumps(serving, sort_keys=True), encoding="utf-8")
    with (out / SERVING_ARRAYS).open("wb") as handle:
        np.savez(handle, **arrays)
    full_meta = {
        "version": version,
        "format": FORMAT,
        "created": created.isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "model_file": MODEL_FILE,
        "model_sha256": sha256_file(out / MODEL_FILE),
        "serving_sha256": {
            name: sha256_file(out / name) for name in (SERVING_PARAMS, SERVING_ARRAYS)
        },
        # checked by the language gate as it maps them, in a thread (``triage.language``)
        "identifier_sha256": identifier_sha256,
        **meta,
    }
    (out / META_FILE).write_text(json.dumps(full_meta, indent=2, sort_keys=True) + "\n")
    return out


def load_pipeline(model_dir: Path) -> LoadedModel:
    """The scikit-learn pipeline, for evaluation and tests (the service uses
    ``triage.artifact.load_serving``)."""
    import joblib

    meta = verify(model_dir)
    bundle = joblib.load(model_dir / meta.get("model_file", MODEL_FILE))
    if not isinstance(bundle, dict) or "pipeline" not in bundle:
        raise ModelIntegrityError(f"{model_dir}: the model file does not hold a triage bundle")
    if list(bundle["pipeline"].classes_) != meta["labels"]:
        raise ModelIntegrityError(f"{model_dir}: labels in the model differ from meta.json")
    return LoadedModel(version=meta["version"], path=model_dir, meta=meta, bundle=bundle)
