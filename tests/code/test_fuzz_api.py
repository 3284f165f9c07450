"""Schemathesis against the app's own OpenAPI schema: no 5xx, every response matches its schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.deps import get_analyser
from service.settings import Settings


@pytest.fixture()
def api_schema(analyser):
    app = create_app(Settings(models_dir=Path("/nonexistent")), load_model=False)
    app.dependency_overrides[get_analyser] = lambda: analyser
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_keeps_its_schema(case):
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)
