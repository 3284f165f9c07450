"""The bench's reference endpoints do the work they claim, so the service's ratio to them means
what the bench says: ``parsed`` validates the service's request model and answers through its
response model, ``bare`` parses nothing."""

from __future__ import annotations

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
