"""The reference apps the service is measured against, in the same run and load.

``bare``: a FastAPI endpoint that parses nothing and returns a constant JSON; the ceiling of the
HTTP layer. ``parsed``: the work every real endpoint must do and no more: it parses and validates
the service's request model (``PredictRequest``) and answers a constant ``Prediction`` (a real
answer of the service, ``constant_answer.json``) through the same response model, so the answer
is validated and serialised as ``/v1/predict``'s is, with no analysis and none of the service's
middleware. ``sklearn``: the trained scikit-learn pipeline called per request behind the same
kind of endpoint; what serving would cost without the compact model.
All are ASGI factories: ``uvicorn --factory benchmarks.apps:bare``. ``layered`` is the service
itself with the analysis replaced by that constant answer and the layers it is given taken out,
so that each layer's cost per request is a difference of two runs (``benchmarks.layers`` calls
it in process).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request

from service.app import TELEMETRY  # the same framework settings as the service
from service.schemas import Prediction, PredictRequest  # module level: FastAPI resolves them here

ANSWER_FILE = Path(__file__).parent / "constant_answer.json"
# what ``layered`` can take out of the service
LAYERS = ("access_log", "metrics", "body_limit", "observability")
CONSTANT = {"in_scope": True, "causes": [{"id": "caffeine", "confidence": 0.9}]}


def bare() -> FastAPI:
    app = FastAPI(telemetry=TELEMETRY)

    @app.post("/v1/predict")
    async def predict() -> dict:
        return CONSTANT

    return app


def parsed() -> FastAPI:
    answer = json.loads(ANSWER_FILE.read_text("utf-8"))
    app = FastAPI(telemetry=TELEMETRY)

    @app.post("/v1/predict", response_model=Prediction)
    async def predict(body: PredictRequest) -> dict:
        return answer

    return app


def sklearn() -> FastAPI:
    from training.artifact import load_pipeline
    from triage import artifact

    models = Path(os.environ.get("TRIAGE_MODELS_DIR", "models"))
    pipeline = load_pipeline(artifact.newest(models)).bundle["pipeline"]
    app = FastAPI(telemetry=TELEMETRY)

    @app.post("/v1/predict")
    async def predict(request: Request) -> dict:
        body = await request.json()
        proba = pipeline.predict_proba([body["text"]])[0]
        best = int(proba.argmax())
        return {"id": str(pipeline.classes_[best]), "confidence": float(proba[best])}

    return app


class ConstantAnswer:
    """What the service's route reads of an answer (``to_dict``, the counted top cause and
    level), with the analysis already done: the constant answer of ``parsed``."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self._answer = answer
        self.top_cause = answer["causes"][0]["id"] if answer["causes"] else None
        self.referral = SimpleNamespace(level=answer["referral"]["level"])

    def to_dict(self) -> dict[str, Any]:
        return self._answer


class ConstantAnalyser:
    """Stands in for ``triage.analyser.Analyser`` in the service's route: no analysis."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.version = answer["model_version"]
        self._answer = ConstantAnswer(answer)

    def analyse(self, text: str, top_k: int = 3, answers: object = None) -> ConstantAnswer:
        return self._answer


class _NoCount:
    def inc(self) -> None:
        pass

    def observe(self, seconds: float) -> None:
        pass


def layered(without: frozenset[str] = frozenset()) -> FastAPI:
    """The service's app with a constant analysis, minus the layers named (``LAYERS``)."""
    from service.app import create_app

    if unknown := without - set(LAYERS):
        raise ValueError(f"no such layer {sorted(unknown)}; layers: {LAYERS}")
    app = create_app(load_model=False)
    analyser = ConstantAnalyser(json.loads(ANSWER_FILE.read_text("utf-8")))
    # the route's own dependency hands it on (an override would cost a signature per request)
    app.state.analyser = analyser
    app.state.not_ready_reason = None
    # below INFO the access line is neither built nor written; the level is the process's (a
    # server process serves one app; ``benchmarks.layers`` sets it for each variant it calls)
    if "access_log" in without:
        logging.getLogger("service.access").setLevel(logging.WARNING)
    if "metrics" in without:
        app.state.metrics.child = lambda *values: _NoCount()
        app.state.metrics.count_request = lambda *args: None
    names = {"body_limit": "BodyLimitMiddleware", "observability": "ObservabilityMiddleware"}
    gone = {names[layer] for layer in without & set(names)}
    app.user_middleware = [m for m in app.user_middleware if m.cls.__name__ not in gone]
    return app
