"""Builds the FastAPI app: ``uvicorn service.app:app`` serves the newest verified model."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from service.logs import configure_logging
from service.metrics import make_metrics
from service.middleware import BodyLimitMiddleware, ObservabilityMiddleware
from service.model import load_analyser
from service.routes import STATIC, router
from service.settings import Settings

logger = logging.getLogger("service")


def create_app(settings: Settings | None = None, load_model: bool = True) -> FastAPI:
    """``load_model=False`` gives an app without a model, for tests that inject their own."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        if load_model:
            app.state.analyser, app.state.not_ready_reason = load_analyser(settings)
            if app.state.analyser is not None:
                app.state.metrics.model.info({"version": app.state.analyser.version})
                logger.info("model loaded", extra={"model_version": app.state.analyser.version})
            else:
                logger.warning("no model", extra={"reason": app.state.not_ready_reason})
        yield

    app = FastAPI(
        title="Lip and facial twitching triage",
        summary="Likely causes and referral advice from a free-text description. Not a diagnosis.",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = make_metrics()
    app.state.analyser = None
    app.state.not_ready_reason = "the model is loading"
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with the pydantic errors, minus the echoed input (it may be a person's text)."""
        errors = [
            {k: v for k, v in err.items() if k not in ("input", "ctx", "url")}
            for err in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def __getattr__(name: str) -> FastAPI:
    """``service.app:app`` is built on first access, so importing this module does no work."""
    if name == "app":
        return create_app()
    raise AttributeError(name)
