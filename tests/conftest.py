"""Shared fixtures. Tests build their own model in a temporary folder; they never read models/."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.deps import get_analyser
from service.settings import Settings
from training.artifact import save_model
from training.corpus import load_split
from training.train import fit_bundle
from triage import artifact
from triage.analyser import Analyser
from triage.knowledge import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(CORPUS)


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Path:
    """A model trained on the whole training split with 3 folds, saved like `make train` does."""
    bundle, cv_scores = fit_bundle(load_split(CORPUS, "train"), knowledge, folds=3)
    labels = [str(c) for c in bundle["pipeline"].classes_]
    meta = {
        "labels": labels,
        "oos_threshold": bundle["oos_threshold"],
        "metrics": {"cv": cv_scores},
    }
    return save_model(bundle, tmp_path_factory.mktemp("models"), meta)


@pytest.fixture(scope="session")
def analyser(trained_model_dir: Path) -> Analyser:
    return Analyser.from_serving(artifact.load_serving(trained_model_dir))


@pytest.fixture()
def client(analyser: Analyser) -> TestClient:
    """The real app, with the session's analyser swapped in through dependency_overrides."""
    app = create_app(Settings(models_dir=Path("/nonexistent")), load_model=False)
    app.dependency_overrides[get_analyser] = lambda: analyser
    with TestClient(app) as test_client:
        yield test_client
