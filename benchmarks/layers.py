"""What each layer of the service's request path costs per request, with the analysis left out.

The service's own app (``benchmarks.apps:layered``: a constant answer in place of the analysis)
is called as an ASGI application in this process, without a server or a socket, once with all
its layers and once without each: the difference of the two times per request is that layer's
cost. Over HTTP the server's own work and the machine's drift (more than the cost of a small
layer within a minute) would hide it, so the variants run in turn and each keeps its best round.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks import apps
from service.logs import configure_logging

# (row of the table, layers taken out: ``benchmarks.apps.LAYERS``)
LAYER_RUNS: tuple[tuple[str, frozenset[str]], ...] = (
    ("all layers", frozenset()),
    ("access log", frozenset({"access_log"})),
    ("metrics", frozenset({"metrics"})),
    ("body-size limit", frozenset({"body_limit"})),
    ("observability middleware (request id, metrics, access log)", frozenset({"observability"})),
    ("both middlewares", frozenset({"body_limit", "observability"})),
)
ROUNDS = 15
REQUESTS = 1000


def _scope(body: bytes) -> dict[str, Any]:
    """An HTTP scope as uvicorn hands it to the app for ``POST /v1/predict``."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/predict",
        "raw_path": b"/v1/predict",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _drive(app: Callable, bodies: list[bytes], n: int) -> float:
    """Microseconds per request over ``n`` requests; every answer must be a 200."""
    statuses: list[int] = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.perf_counter()
    for i in range(n):
        body = bodies[i % len(bodies)]
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive(messages: list = messages) -> dict:
            return messages.pop() if messages else {"type": "http.disconnect"}

        await app(_scope(body), receive, send)
    elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"the layered app answered {sorted(set(statuses))}")
    return elapsed / n * 1e6


def layer_figures(texts: list[str], rounds: int = ROUNDS, requests: int = REQUESTS) -> dict:
    """Each variant's best time per request, each layer's cost, and the reference's time."""
    bodies = [json.dumps({"text": t}).encode() for t in texts]
    configure_logging("info")
    with open(os.devnull, "w") as devnull:
        logging.getLogger("service").handlers[0].setStream(devnull)
        variants = {name: (apps.layered(without), without) for name, without in LAYER_RUNS}
        variants["reference"] = (apps.parsed(), frozenset())
        access = logging.getLogger("service.access")
        loop = asyncio.new_event_loop()
        best: dict[str, float] = {}
        try:
            for _ in range(rounds):
                for name, (app, without) in variants.items():
                    # the logger is shared by the apps: its level is set for each variant's round
                    access.setLevel(logging.WARNING if "access_log" in without else logging.NOTSET)
                    took = loop.run_until_complete(_drive(app, bodies, requests))
                    best[name] = min(best.get(name, took), took)
        finally:
            loop.close()
            access.setLevel(logging.NOTSET)
    whole = best["all layers"]
    return {
        "rounds": rounds,
        "requests": requests,
        "us_per_request": best,
        "cost_us": {name: whole - best[name] for name, _ in LAYER_RUNS[1:]},
    }
