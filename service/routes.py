"""HTTP routes. Each takes the analyser as a dependency and does no model work of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pydantic_core
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.deps import get_analyser, get_settings
from service.metrics import count_answer
from service.schemas import (
    BatchRequest,
    BatchResponse,
    CauseInfo,
    Prediction,
    PredictRequest,
    Problem,
    text_problem,
)
from service.settings import Settings
from triage.analyser import Analyser
from triage.limits import MAX_TEXT_CHARS

STATIC = Path(__file__).parent / "static"
ERRORS = {
    413: {"model": Problem, "description": "body over 64 KiB"},
    422: {"model": Problem, "description": "invalid input"},
    503: {"model": Problem, "description": "no model loaded"},
}


class AnswerJSON(JSONResponse):
    """An answer serialised once, by pydantic-core's JSON encoder (Rust), and not validated again.

    The route's ``response_model`` still documents the answer in the OpenAPI schema, but a route
    that returns a ``Response`` skips FastAPI's per-request validation and serialisation of it:
    ``Answer.to_dict`` is the one place the shape is made, and the API tests check that every
    answer they get is exactly what the response model would give (``test_api``)."""

    def render(self, content: object) -> bytes:
        return pydantic_core.to_json(content)


router = APIRouter()
AnalyserDep = Annotated[Analyser, Depends(get_analyser)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# what both predict routes share: the answer serialised once, and the errors they document
ANSWERING = {"response_class": AnswerJSON, "responses": ERRORS, "tags": ["triage"]}


@router.post("/v1/predict", response_model=Prediction, **ANSWERING)
async def predict(body: PredictRequest, analyser: AnalyserDep, request: Request) -> AnswerJSON:
    """Likely causes, calibrated confidence, evidence and referral advice for one description,
    with follow-up questions when they would help; send the replies back in ``answers`` with the
    same text.

    ``async`` on purpose: one analysis is a fraction of a millisecond of CPU work, cheaper to run
    on the event loop than to hand to a thread (the batch route, up to ``MAX_BATCH`` texts, uses threads).
    """
    settings = request.app.state.settings  # not a dependency: each one adds to every request
    # the schema has checked the replies; an id this model does not ask is ignored, in `replies`
    answer = analyser.analyse(
        body.text, top_k=body.top_k or settings.default_top_k, answers=body.answers
    )
    count_answer(request.app.state.metrics, answer)
    return AnswerJSON(answer.to_dict())


@router.post("/v1/predict/batch", response_model=BatchResponse, **ANSWERING)
def predict_batch(
    body: BatchRequest, analyser: AnalyserDep, settings: SettingsDep, request: Request
) -> AnswerJSON:
    """The same answer for up to ``MAX_BATCH`` texts, in order (in a worker thread: a full batch takes
    tens of milliseconds and must not hold the event loop)."""
    problems = [text_problem(text) for text in body.texts]
    good = [text for text, problem in zip(body.texts, problems, strict=True) if problem is None]
    answers = iter(analyser.analyse_many(good, top_k=body.top_k or settings.default_top_k))
    results = []
    for problem in problems:
        if problem is not None:
            results.append({"error": problem})
            continue
        answer = next(answers)
        count_answer(request.app.state.metrics, answer)
        results.append(answer.to_dict())
    return AnswerJSON({"results": results})


@router.get("/v1/causes", response_model=list[CauseInfo], responses=ERRORS, tags=["triage"])
def causes(analyser: AnalyserDep) -> list[dict]:
    return [
        {k: getattr(c, k) for k in ("id", "name", "description", "default_level", "advice")}
        for c in analyser.knowledge.causes
    ]


@router.get("/health", tags=["operations"])
async def health() -> dict:
    return {"status": "ok"}


@router.get("/ready", tags=["operations"], responses={503: {"model": Problem}})
def ready(analyser: AnalyserDep) -> dict:
    """200 once a verified model is loaded; 503 (from the dependency) before."""
    return {"status": "ready", "model_version": analyser.version}


@router.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    registry = request.app.state.metrics.registry
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


# the page states the text limit; it is filled in from the one constant the API enforces
PAGE = (
    (STATIC / "index.html")
    .read_text(encoding="utf-8")
    .replace("{{max_text_chars}}", str(MAX_TEXT_CHARS))
)


@router.get("/", include_in_schema=False)
async def page() -> HTMLResponse:
    return HTMLResponse(PAGE)
