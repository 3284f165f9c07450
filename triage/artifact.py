"""Reading and verifying a model artifact: ``models/<version>/`` with ``model.joblib``, its serving
form and ``meta.json``. Writing one is ``training.artifact``.

``model.joblib`` is the fitted scikit-learn pipeline, the source of truth, for training, evaluation
and tests. joblib files are pickles and run code when loaded, so nothing is unpickled before its
sha256 and the library versions it was made with have been checked against ``meta.json``.
``serving.json`` and ``serving.npz`` hold the same model as plain data (``triage.compact``), derived
from the pipeline when it is saved; the service loads only these, after the same checks, so it
neither imports scikit-learn nor unpickles anything.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from triage.checksums import ModelIntegrityError, check
from triage.compact import CompactLinearModel
from triage.detector import DetectorThresholds, SignDetector
from triage.knowledge import Sign
from triage.language import IdentifierFiles

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
SERVING_PARAMS = "serving.json"
SERVING_ARRAYS = "serving.npz"
# Versions that must match exactly: a pickle from another scikit-learn or spaCy may load and then
# predict differently without any error.
# py3langid: the artifact holds a copy of its model, which its code must read as it was written.
PINNED = ("scikit-learn", "spacy", "spacy-lookups-data", "numpy", "scipy", "py3langid")
# The layout of the artifact and the modules its pickle names. Raised whenever either changes, so a
# model made by older code is refused with a reason instead of failing while it loads.
FORMAT = 5
DETECTOR_PREFIX = "detector."  # the detector's arrays in serving.npz
IDENTIFIER_DIR = "language-identifier"  # py3langid's model, uncompressed (``triage.language``)


@dataclass(frozen=True)
class ServingModel:
    """What the analyser needs: the compact model, the threshold and the validated knowledge."""

    version: str
    path: Path
    meta: dict[str, Any]
    model: CompactLinearModel
    oos_threshold: float
    knowledge: dict[str, Any]
    detector: SignDetector | None = None
    english_words: tuple[str, ...] = ()  # the language gate's common English words
    reply_table: dict[str, dict[str, float]] | None = None  # learned P(yes | cause) per question
    identifier: IdentifierFiles | None = None  # the language gate's identifier, checked as mapped


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    versions.update({name: metadata.version(name) for name in PINNED})
    return versions


def newest(models_dir: Path) -> Path | None:
    """The newest model directory: versions start with their creation time, so names sort."""
    candidates = sorted(p for p in models_dir.glob("*/") if (p / META_FILE).exists())
    return candidates[-1] if candidates else None


def verify(model_dir: Path) -> dict[str, Any]:
    """Check meta.json, the file's sha256 and the library versions; return the meta."""
    meta_path = model_dir / META_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelIntegrityError(f"{meta_path} is missing") from exc
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"{meta_path} is not valid JSON: {exc}") from exc
    if meta.get("format") != FORMAT:
        raise ModelIntegrityError(
            f"{model_dir} was made by an older version of this project (artifact format "
            f"{meta.get('format', 1)}, this code reads {FORMAT}): retrain with `make train`"
        )
    for key in (
        "version",
        "model_sha256",
        "serving_sha256",
        "identifier_sha256",
        "libraries",
        "labels",
    ):
        if key not in meta:
            raise ModelIntegrityError(f"{meta_path} lacks {key!r}: retrain with `make train`")
    model_path = model_dir / meta.get("model_file", MODEL_FILE)
    expected = {model_path: meta["model_sha256"]}
    expected.update({model_dir / name: sha for name, sha in dict(meta["serving_sha256"]).items()})
    check(expected)
    current = library_versions()
    for name in ("python", *PINNED):
        wanted = meta["libraries"].get(name)
        have = current[name]
        if name == "python":  # pickles are portable across patch releases of Python
            wanted, have = ".".join(str(wanted).split(".")[:2]), ".".join(have.split(".")[:2])
        if wanted != have:
            raise ModelIntegrityError(
                f"{model_path} was made with {name} {wanted}, this environment has {have}: "
                "retrain with `make train`"
            )
    return meta


def load_serving(model_dir: Path) -> ServingModel:
    """The serving form, after the checks of ``verify``: JSON and arrays, never a pickle."""
    meta = verify(model_dir)
    try:
        serving = json.loads((model_dir / SERVING_PARAMS).read_text(encoding="utf-8"))
        with np.load(model_dir / SERVING_ARRAYS, allow_pickle=False) as arrays:
            model = CompactLinearModel.from_data(serving["model"], arrays)
            detector = _detector(serving.get("detector"), arrays)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelIntegrityError(f"{model_dir}: the serving files do not load: {exc}") from exc
    if model.labels != meta["labels"]:
        raise ModelIntegrityError(f"{model_dir}: labels in the model differ from meta.json")
    identifier_sha256 = dict(meta["identifier_sha256"])
    return ServingModel(
        version=meta["version"],
        path=model_dir,
        meta=meta,
        model=model,
        oos_threshold=float(serving["oos_threshold"]),
        knowledge=serving["knowledge"],
        detector=detector,
        english_words=tuple(serving.get("english_words", ())),
        reply_table=serving.get("reply_table"),
        identifier=IdentifierFiles(
            model_dir / IDENTIFIER_DIR, tuple(sorted(identifier_sha256.items()))
        )
        if identifier_sha256
        else None,
    )


def _detector(params: dict[str, Any] | None, arrays: Any) -> SignDetector | None:
    """The learned warning-sign detector of the serving files; None in a model without one."""
    if params is None:
        return None
    own = {
        k[len(DETECTOR_PREFIX) :]: arrays[k] for k in arrays.files if k.startswith(DETECTOR_PREFIX)
    }
    return SignDetector(
        CompactLinearModel.from_data(params["model"], own),
        [Sign.model_validate(s) for s in params["signs"]],
        DetectorThresholds(**params["thresholds"]),
    )
