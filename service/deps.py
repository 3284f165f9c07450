"""Dependencies handed to routes; tests replace them with ``app.dependency_overrides``."""

from __future__ import annotations

from fastapi import HTTPException, Request

from service.settings import Settings
from triage.analyser import Analyser


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_analyser(request: Request) -> Analyser:
    """The analyser loaded in the lifespan; 503 until a verified model is there.

    ``async`` although it awaits nothing: FastAPI runs a plain ``def`` dependency in a worker
    thread, a hop that costs more than the whole lookup.
    """
    analyser = getattr(request.app.state, "analyser", None)
    if analyser is None:
        reason = getattr(request.app.state, "not_ready_reason", "the model is loading")
        raise HTTPException(status_code=503, detail=f"not ready: {reason}")
    return analyser
