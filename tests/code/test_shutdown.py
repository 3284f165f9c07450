"""A graceful shutdown: SIGTERM while a request is in flight still answers that request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_sigterm_finishes_the_request_in_flight(trained_model_dir: Path):
    port = free_port()
    env = {**os.environ, "TRIAGE_MODEL_PATH": str(trained_model_dir), "TRIAGE_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "service.app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        body = json.dumps({"texts": ["my lip twitches after coffee " * 150] * 256}).encode()
        if len(body) > 64 * 1024:
            body = json.dumps({"texts": ["my lip twitches after coffee " * 8] * 256}).encode()
        result: dict = {}

        def call() -> None:
            request = urllib.request.Request(
                base + "/v1/predict/batch", data=body, headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                result["status"] = response.status
                result["n"] = len(json.loads(response.read())["results"])

        thread = threading.Thread(target=call)
        thread.start()
        time.sleep(0.03)  # the batch takes far longer than this to answer
        server.send_signal(signal.SIGTERM)
        thread.join(timeout=30)
        assert result == {"status": 200, "n": 256}
        # uvicorn re-raises the signal once it has shut down, so the exit status reports SIGTERM
        assert server.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
