"""The model artifact: ``models/<version>/model.joblib`` plus ``meta.json``.

joblib files are pickles and run code when loaded, so nothing is unpickled before its sha256 and the
library versions it was made with have been checked against ``meta.json``.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
# Versions that must match exactly: a pickle from another scikit-learn or spaCy may load and then
# predict differently without any error.
PINNED = ("scikit-learn", "spacy", "spacy-lookups-data", "numpy", "scipy")


class ModelIntegrityError(RuntimeError):
    """The artifact cannot be trusted; the message is one line saying why."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    path: Path
    meta: dict[str, Any]
    bundle: dict[str, Any]


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    versions.update({name: metadata.version(name) for name in PINNED})
    return versions


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_version(corpus_sha: dict[str, str], created: datetime) -> str:
    """Time-ordered, and different whenever the corpus differs: ``20261125T0102-ab12cd34``."""
    corpus_digest = hashlib.sha256(json.dumps(corpus_sha, sort_keys=True).encode()).hexdigest()
    return f"{created:%Y%m%dT%H%M%S}-{corpus_digest[:8]}"


def save(bundle: dict[str, Any], models_dir: Path, meta: dict[str, Any]) -> Path:
    """Write the joblib file and a meta.json that records its checksum, versions and metrics."""
    created = datetime.now(UTC)
    version = new_version(meta.get("corpus_sha256", {}), created)
    out = models_dir / version
    out.mkdir(parents=True, exist_ok=False)
    joblib.dump(bundle, out / MODEL_FILE, compress=3)
    full_meta = {
        "version": version,
        "created": created.isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "model_file": MODEL_FILE,
        "model_sha256": sha256_file(out / MODEL_FILE),
        **meta,
    }
    (out / META_FILE).write_text(json.dumps(full_meta, indent=2, sort_keys=True) + "\n")
    return out


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
    for key in ("version", "model_sha256", "libraries", "labels"):
        if key not in meta:
            raise ModelIntegrityError(f"{meta_path} lacks {key!r}")
    model_path = model_dir / meta.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelIntegrityError(f"{model_path} is missing")
    actual = sha256_file(model_path)
    if actual != meta["model_sha256"]:
        raise ModelIntegrityError(
            f"{model_path} sha256 {actual[:12]}… does not match meta.json "
            f"{str(meta['model_sha256'])[:12]}…: the file was changed or truncated; retrain with `make train`"
        )
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


def load(model_dir: Path) -> LoadedModel:
    meta = verify(model_dir)
    bundle = joblib.load(model_dir / meta.get("model_file", MODEL_FILE))
    if not isinstance(bundle, dict) or "pipeline" not in bundle:
        raise ModelIntegrityError(f"{model_dir}: the model file does not hold a triage bundle")
    if list(bundle["pipeline"].classes_) != meta["labels"]:
        raise ModelIntegrityError(f"{model_dir}: labels in the model differ from meta.json")
    return LoadedModel(version=meta["version"], path=model_dir, meta=meta, bundle=bundle)
