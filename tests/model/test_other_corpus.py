"""Bring your own corpus: a CSV of another domain becomes a served model through the same
commands (import, train, evaluate, serve), and nothing in the pipeline names this project's
causes. The corpus is made by the test (tests/other_domain.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.other_domain import write_csv
from training.evaluate import evaluate
from training.import_csv import main as import_main
from training.train import train
from triage import artifact

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus folder, model folder) of the other domain, imported and trained as the README
    says, without a warning-sign detector (the corpus has no triage cases to learn one from)."""
    root = tmp_path_factory.mktemp("other")
    data = write_csv(root / "complaints.csv")
    corpus = root / "complaints"
    args = [str(data), "--text", "description", "--label", "condition", "--out", str(corpus)]
    assert import_main(args) == 0
    model_dir = train(corpus, root / "models")
    return corpus, model_dir


def test_the_imported_corpus_trains_a_model_of_its_own_causes(other):
    corpus, model_dir = other
    meta = artifact.verify(model_dir)
    causes = [c["id"] for c in yaml.safe_load((corpus / "causes.yaml").read_text())["causes"]]
    assert meta["labels"] == sorted(causes)  # no out-of-scope class: the corpus has none
    assert meta["corpus"] == {"path": str(corpus), "causes": len(causes)}
    assert meta["metrics"]["heldout"]["top1_accuracy"] >= 0.9


def test_it_is_evaluated_against_the_general_gates(other, tmp_path: Path):
    corpus, model_dir = other
    metrics, failures = evaluate(corpus, model_dir, tmp_path / "reports", with_comparison=False)
    assert failures == [], failures
    assert metrics["triage"] == {} and "oos_recall" not in metrics["heldout"]
    report = (tmp_path / "reports" / "report.md").read_text()
    assert "## Triage" not in report
    card = (model_dir / "MODEL_CARD.md").read_text()
    assert "Sprained ankle (`sprained_ankle`)" in card and "twitch" not in card


def test_the_service_answers_with_the_other_corpus(other):
    _, model_dir = other
    app = create_app(Settings(models_dir=model_dir.parent, model_path=model_dir))
    with TestClient(app) as client:
        for _ in range(600):  # the model loads in the background: /ready says 503 till then
            if client.get("/ready").status_code == 200:
                break
            time.sleep(0.05)
        assert client.get("/ready").json()["status"] == "ready"
        names = [c["name"] for c in client.get("/v1/causes").json()]
        assert names == ["Common cold", "Eczema", "Migraine", "Sprained ankle"]
        body = client.post(
            "/v1/predict", json={"text": "I went over on my ankle and it is swollen and bruised"}
        ).json()
        assert body["in_scope"] is True
        assert body["causes"][0]["id"] == "sprained_ankle"
        assert body["referral"]["level"] == "see_doctor"  # the importer's default level
        assert body["red_flags"] == [] and body["questions"] == []
