"""Shared fixtures. Tests build their own model in a temporary folder; they never read models/."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.deps import get_analyser
from service.settings import Settings
from training.artifact import save_model
from training.corpus import load_split
from training.detector import DetectorFit, fit_detector
from training.reply_table import fit_reply_table
from training.train import fit_bundle
from triage import artifact
from triage.analyser import Analyser
from triage.knowledge import Knowledge, load_knowledge, load_signs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def free_port() -> int:
    """A free TCP port on the loopback, for the tests that start a real server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(CORPUS)


# a few blind batches of every kind: enough for a small detector that fits in seconds
DETECTOR_BATCHES = ("cases_emer_a2", "cases_emer_b1", "cases_ord_a", "cases_look_a", "cases_look_b")


@pytest.fixture(scope="session")
def detector_fit(knowledge: Knowledge) -> DetectorFit:
    cases = [c for c in load_split(CORPUS, "triage") if c.group in DETECTOR_BATCHES]
    return fit_detector(cases, knowledge, load_signs(CORPUS))


@pytest.fixture(scope="session")
def trained_model_dir(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge, detector_fit: DetectorFit
) -> Path:
    """A model trained on the whole training split with 3 folds, a small warning-sign detector
    and the follow-up questions' reply table, saved like `make train` does."""
    bundle, cv_scores = fit_bundle(load_split(CORPUS, "train"), knowledge, folds=3)
    labels = [str(c) for c in bundle["pipeline"].classes_]
    bundle["reply_table"], _ = fit_reply_table(CORPUS, knowledge)
    meta = {
        "labels": labels,
        "oos_threshold": bundle["oos_threshold"],
        "metrics": {"cv": cv_scores},
    }
    return save_model(bundle, tmp_path_factory.mktemp("models"), meta, detector_fit.detector)


@pytest.fixture()
def model_copy(trained_model_dir: Path, tmp_path: Path) -> Path:
    """A copy of the session's model that a test may change: its files, its meta.json."""
    target = tmp_path / trained_model_dir.name
    shutil.copytree(trained_model_dir, target)
    return target


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
