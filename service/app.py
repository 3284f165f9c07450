"""Builds the FastAPI app: ``uvicorn service.app:app`` serves the newest verified model."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from service.logs import configure_logging
from service.metrics import make_metrics
from service.middleware import BodyLimitMiddleware, ObservabilityMiddleware
from service.model import no_model_reason, verified_model_dir
from service.routes import STATIC, router
from service.settings import Settings
from triage import artifact, kernels
from triage.analyser import Analyser

logger = logging.getLogger("service")
# FastAPI's own OpenTelemetry hooks check for providers on every request; the service exports
# Prometheus metrics instead (service/metrics.py), so they are off
TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


async def _load(app: FastAPI, path: Path) -> None:
    try:
        serving = await asyncio.to_thread(artifact.load_serving, path)
        analyser = await asyncio.to_thread(Analyser.from_serving, serving)
    except Exception as exc:  # a verified file that still fails to load: say so, stay unready
        app.state.not_ready_reason = f"the model failed to load: {exc}"
        logger.error("model failed to load", extra={"reason": str(exc)})
        return
    app.state.analyser = analyser
    app.state.metrics.model.info({"version": analyser.version})
    logger.info("model loaded", extra={"model_version": analyser.version})
    if not kernels.COMPILED:
        logger.warning(
            "analysis kernels not compiled",
            extra={
                "reason": "triage/kernels.py runs interpreted: same answers, slower; "
                "`make install` compiles it"
            },
        )


def create_app(settings: Settings | None = None, load_model: bool = True) -> FastAPI:
    """``load_model=False`` gives an app without a model, for tests that inject their own."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Verify the model before serving (refuse to start on a bad file), then load it in a
        thread while /health already answers and /ready says 503."""
        configure_logging(settings.log_level)
        loading = None
        if load_model:
            path = verified_model_dir(settings)
            if path is None:
                app.state.not_ready_reason = no_model_reason(settings)
                logger.warning("no model", extra={"reason": app.state.not_ready_reason})
            else:
                loading = asyncio.create_task(_load(app, path))
        yield
        if loading is not None and not loading.done():
            loading.cancel()

    # FastAPIOffline: FastAPI whose /docs and /redoc load Swagger UI and ReDoc from files the
    # package ships, not from a CDN, so the docs work on a machine without internet
    app = FastAPIOffline(
        title="Lip and facial twitching triage",
        summary="Likely causes and referral advice from a free-text description. Not a diagnosis.",
        version=metadata.version("lip-twitch-triage"),  # one version: pyproject.toml
        lifespan=lifespan,
        telemetry=TELEMETRY,
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

    # the last added runs first: observability wraps the body limit, so a 413 too gets a request
    # id, an access log line and its count in the metrics
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    return app


@functools.cache
def _default_app() -> FastAPI:
    return create_app()


def __getattr__(name: str) -> FastAPI:
    """``service.app:app`` is built on first access, once, so importing this module does no work
    and every access gets the same app."""
    if name == "app":
        return _default_app()
    raise AttributeError(name)
