"""Checking model files against the sha256 their ``meta.json`` records, before anything reads them.

Its own module because two loaders need it: ``triage.artifact`` checks the files it loads when a
model is opened, and ``triage.language`` checks the language identifier's files in the thread
that maps them, so their hashing overlaps with building the rest of the analyser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path


class ModelIntegrityError(RuntimeError):
    """The artifact cannot be trusted; the message is one line saying why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check(expected: Mapping[Path, str]) -> None:
    """Raise ``ModelIntegrityError`` unless every file exists and has its recorded sha256."""
    for path, wanted in expected.items():
        if not path.is_file():
            raise ModelIntegrityError(f"{path} is missing")
        actual = sha256_file(path)
        if actual != wanted:
            raise ModelIntegrityError(
                f"{path} sha256 {actual[:12]}… does not match meta.json {str(wanted)[:12]}…: "
                "the file was changed or truncated; retrain with `make train`"
            )
