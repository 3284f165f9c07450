"""The bench's reference endpoints do the work they claim, so the service's ratio to them means
what the bench says: ``parsed`` validates the service's request model and answers through its
response model, ``bare`` parses nothing."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from benchmarks.apps import bare, parsed
from service.schemas import Prediction
from tests.code.test_api import BAD_BODIES


def test_parsed_answers_a_valid_prediction():
    with TestClient(parsed()) as client:
        response = client.post("/v1/predict", json={"text": "my lip twitches", "top_k": 2})
    assert response.status_code == 200
    answer = Prediction.model_validate(response.json())
    assert answer.causes and answer.referral.level


@pytest.mark.parametrize(("body", "status"), BAD_BODIES)
def test_parsed_refuses_what_the_service_refuses(body, status: int):
    with TestClient(parsed()) as client:
        assert client.post("/v1/predict", json=body).status_code == status


def test_bare_parses_nothing():
    with TestClient(bare()) as client:
        assert client.post("/v1/predict", json={"txt": "x"}).status_code == 200


@pytest.mark.parametrize(
    "without", [set(), {"access_log", "metrics"}, {"body_limit", "observability"}]
)
def test_layered_is_the_service_with_a_constant_answer(without: set[str]):
    """The per-layer table's app: the service's own routes and validation, minus the layers
    named, answering the reference's constant answer."""
    from benchmarks.apps import ANSWER_FILE, layered

    # without the access log, the factory sets the process's access logger's level: put back
    access = logging.getLogger("service.access")
    level = access.level
    try:
        with TestClient(layered(frozenset(without))) as client:
            response = client.post("/v1/predict", json={"text": "my lip twitches"})
            assert client.post("/v1/predict", json={"text": " "}).status_code == 422
    finally:
        access.setLevel(level)  # setLevel, not the attribute: it clears the loggers' caches
    assert response.json() == json.loads(ANSWER_FILE.read_text("utf-8"))
    assert ("x-request-id" in response.headers) == ("observability" not in without)


def test_layered_refuses_a_layer_it_does_not_have():
    from benchmarks.apps import layered

    with pytest.raises(ValueError, match="no such layer"):
        layered(frozenset({"cache"}))


def test_the_stage_timers_come_off_and_account_for_the_whole(analyser):
    """``benchmarks.stages`` wraps the analyser's own methods for its run: afterwards the
    analyser is as it was, and the stages and the rest add up to the whole."""
    from benchmarks.stages import _stages, stage_figures

    texts = ["my lip twitches after coffee", "my face droops on one side", "hello"]
    before = [analyser.analyse(t) for t in texts]
    figures = stage_figures(analyser, texts, rounds=1)
    assert all(method not in vars(owner) for _, owner, method in _stages(analyser))
    assert [analyser.analyse(t) for t in texts] == before
    mean = figures["mean_us"]
    parts = sum(us for name, us in mean.items() if name != "whole")
    assert parts == pytest.approx(mean["whole"])


def test_the_start_floor_reports_the_child_s_own_peak_memory():
    """The floor's RSS is the fresh interpreter's, not the forking parent's (on Linux
    ``ru_maxrss`` would carry this test process's peak across exec)."""
    from benchmarks.run import import_cost

    small = import_cost("pass")["peak_rss_mb"]
    large = import_cost("block = bytearray(64 << 20)")["peak_rss_mb"]
    assert small < 40 < 64 < large
