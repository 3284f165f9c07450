"""The reference apps the service is measured against, in the same run and load.

``bare``: a FastAPI endpoint that parses nothing and returns a constant JSON; the ceiling of the
HTTP layer. ``parsed``: the work every real endpoint must do and no more: it parses and validates
the service's request model (``PredictRequest``) and answers a constant ``Prediction`` (a real
answer of the service, ``constant_answer.json``) through the same response model, so the answer
is validated and serialised as ``/v1/predict``'s is, with no analysis and none of the service's
middleware. ``sklearn``: the trained scikit-learn pipeline called per request behind the same
kind of endpoint; what serving would cost without the compact model.
All are ASGI factories: ``uvicorn --factory benchmarks.apps:bare``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI, Request

from service.app import TELEMETRY  # the same framework settings as the service
from service.schemas import Prediction, PredictRequest  # module level: FastAPI resolves them here

CONSTANT = {"in_scope": True, "causes": [{"id": "caffeine", "confidence": 0.9}]}


def bare() -> FastAPI:
    app = FastAPI(telemetry=TELEMETRY)

    @app.post("/v1/predict")
    async def predict() -> dict:
        return CONSTANT

    return app


def parsed() -> FastAPI:
    answer = json.loads((Path(__file__).parent / "constant_answer.json").read_text("utf-8"))
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
