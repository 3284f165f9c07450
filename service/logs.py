"""Structured JSON log lines. Only fields passed on purpose are written: never request bodies."""

from __future__ import annotations

import json
import logging
import sys

# one encoder for every line: json.dumps(..., ensure_ascii=False) builds a new one per call
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_FIELDS = ("request_id", "method", "route", "status", "ms", "model_version", "reason")


class JsonFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self._second: tuple[int, str] = (-1, "")  # the time text changes once a second

    def _time(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second[0]:
            self._second = (second, self.formatTime(record, "%Y-%m-%dT%H:%M:%S"))
        return self._second[1]

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self._time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: getattr(record, key) for key in _FIELDS if hasattr(record, key)})
        return _ENCODER.encode(line)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("service")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = True
