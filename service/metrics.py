"""Prometheus metrics, in a registry owned by each app instance (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, Info

from triage.answer import Answer


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    predictions: Counter
    levels: Counter
    model: Info
    # label values -> children: ``labels()`` takes a lock and builds keys on every call, which
    # costs more per request than the counting itself; the label sets are small and bounded
    _children: dict[tuple, Any] = field(default_factory=dict)

    def child(self, metric: Counter | Histogram, *values: str) -> Any:
        key = (metric, *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def count_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """``route`` is a route template, never a raw path, so the label sets stay bounded."""
        self.child(self.requests, route, method, str(status)).inc()
        self.child(self.latency, route, method).observe(seconds)


def make_metrics() -> Metrics:
    registry = CollectorRegistry()
    return Metrics(
        registry=registry,
        requests=Counter(
            "triage_http_requests_total",
            "HTTP requests",
            ["route", "method", "status"],
            registry=registry,
        ),
        latency=Histogram(
            "triage_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["route", "method"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=registry,
        ),
        predictions=Counter(
            "triage_predictions_total", "Answers by top cause", ["cause"], registry=registry
        ),
        levels=Counter(
            "triage_referrals_total", "Answers by referral level", ["level"], registry=registry
        ),
        model=Info("triage_model", "The model artifact that answers", registry=registry),
    )


def count_answer(metrics: Metrics, answer: Answer) -> None:
    metrics.child(metrics.predictions, answer.top_cause or "out_of_scope").inc()
    metrics.child(metrics.levels, answer.referral.level or "none").inc()
