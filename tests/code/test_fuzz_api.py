"""Schemathesis against the app's own OpenAPI schema: no 5xx, every response matches its schema."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from service.app import create_app
from service.deps import get_analyser
from service.settings import Settings


def test_api_never_fails_and_keeps_its_schema(analyser):
    app = create_app(Settings(models_dir=Path("/nonexistent")), load_model=False)
    app.dependency_overrides[get_analyser] = lambda: analyser
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/predict", "/v1/predict/batch", "/v1/causes"}
    for operation in operations:
        fuzz(operation)


def fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call()
        assert response.status_code < 500, (operation.path, response.text)
        case.validate_response(response)

    check()
