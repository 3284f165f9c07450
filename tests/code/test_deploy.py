"""Beyond one machine: the container recipe runs the project's own `make` targets, its start
command starts the service, and every Kubernetes manifest validates against the schema."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = "1.30"  # the oldest version the manifests promise to work on


def _instructions() -> list[tuple[str, str]]:
    """(instruction, argument) of the Containerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Containerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return [tuple(line.split(maxsplit=1)) for line in lines]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), flags=re.M))


def _start_command() -> list[str]:
    cmd = [arg for op, arg in _instructions() if op == "CMD"]
    assert len(cmd) == 1
    return yaml.safe_load(cmd[0])  # the JSON (exec) form


def test_the_image_installs_trains_and_starts_with_make_targets():
    """One source: the image runs `make install`, `make train` and `make run`, not a copy of
    their commands."""
    runs = " && ".join(arg for op, arg in _instructions() if op == "RUN")
    made = re.findall(r"\bmake (\w+)", runs)
    assert made[:2] == ["install", "train"], runs
    start = _start_command()
    assert start[:2] == ["make", "run"]
    assert {*made, start[1]} <= _make_targets()
    # make serve is make run after install and training
    serve = re.search(r"^serve:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), flags=re.M)
    assert "$(MAKE) --no-print-directory run" in serve.group(1)


def test_the_image_runs_as_a_non_root_user_with_a_readiness_healthcheck():
    ops = _instructions()
    users = [arg for op, arg in ops if op == "USER"]
    assert users and users[-1] not in {"root", "0"}
    health = next(arg for op, arg in ops if op == "HEALTHCHECK")
    assert "/ready" in health
    assert sum(op == "FROM" for op, _ in ops) == 2  # multi-stage: build tools stay behind


@pytest.mark.slow
def test_the_image_start_command_starts_the_service(trained_model_dir: Path):
    port = free_port()
    command = [
        *_start_command()[:2],
        "HOST=127.0.0.1",
        f"PORT={port}",
        f"BIN={Path(sys.executable).parent}",
    ]
    env = {**os.environ, "TRIAGE_MODEL_PATH": str(trained_model_dir)}
    # its own process group: make does not pass a SIGTERM on to the service it started, which
    # would outlive the test, so the whole group is stopped
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "not ready in 60 s"
                time.sleep(0.3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def _manifests() -> list[tuple[str, dict]]:
    return [
        (path.name, doc)
        for path in sorted((ROOT / "deploy").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def test_every_manifest_validates_against_the_kubernetes_schema():
    found = _manifests()
    assert {doc["kind"] for _, doc in found} >= {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }
    for name, doc in found:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)  # raises on an error
        assert doc["metadata"]["name"], name


def test_the_deployment_probes_the_service_and_sets_its_resources():
    deployment = next(doc for _, doc in _manifests() if doc["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["ports"][0]["containerPort"] == 8000 == int(_start_command()[-1].split("=")[1])
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
