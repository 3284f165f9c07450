"""Finding, verifying and loading the model for the service: the newest artifact under models/."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings
from triage import artifact
from triage.analyser import Analyser


def model_dir(settings: Settings) -> Path | None:
    return settings.model_path or artifact.newest(settings.models_dir)


def verified_model_dir(settings: Settings) -> Path | None:
    """The model folder after its checksum and library versions are checked; None when none.

    Raises ModelIntegrityError: the service must refuse to start rather than serve an untrusted or
    mismatched file.
    """
    path = model_dir(settings)
    if path is not None:
        artifact.verify(path)
    return path


def no_model_reason(settings: Settings) -> str:
    return f"no model under {settings.models_dir}/: run `make train`"


def load_analyser(settings: Settings) -> tuple[Analyser | None, str]:
    """(analyser, "") when a model is there; (None, reason) when there is none yet."""
    path = verified_model_dir(settings)
    if path is None:
        return None, no_model_reason(settings)
    return Analyser.from_serving(artifact.load_serving(path)), ""
