"""Finding and loading the model for the service: the newest verified artifact under models/."""

from __future__ import annotations

from service.settings import Settings
from service.triage import Analyser
from training import artifact


def model_dir(settings: Settings):
    return settings.model_path or artifact.newest(settings.models_dir)


def load_analyser(settings: Settings) -> tuple[Analyser | None, str]:
    """(analyser, "") when a model is there; (None, reason) when there is none yet.

    A model that is there but fails verification raises ModelIntegrityError: the service must
    refuse to start rather than serve an untrusted or mismatched file.
    """
    path = model_dir(settings)
    if path is None:
        return None, f"no model under {settings.models_dir}/: run `make train`"
    loaded = artifact.load(path)
    return Analyser.from_loaded(loaded), ""
