"""Labelled examples: training split, blind held-out split and triage cases, one JSON object a line.

Every file is checked line by line and the first problem stops the load with ``file:line``, so a
bad example is fixed where it was written rather than discovered as a strange metric later.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from triage.knowledge import CAUSE_IDS, LEVELS, OUT_OF_SCOPE

LABELS: tuple[str, ...] = (*CAUSE_IDS, OUT_OF_SCOPE)
MAX_TEXT_CHARS = 5000


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    level: str | None = None  # only triage cases carry an expected referral level (None: no level)
    source: str = ""


class CorpusError(ValueError):
    """A corpus file breaks a rule; the message names the file and line."""


def _check_line(path: Path, number: int, raw: str, seen: set[str], triage: bool) -> Example:
    where = f"{path}:{number}"
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON: {exc.msg}") from exc
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    allowed = {"text", "label", "level"} if triage else {"text", "label"}
    if extra := set(obj) - allowed:
        raise CorpusError(f"{where}: unexpected keys {sorted(extra)}")
    text, label = obj.get("text"), obj.get("label")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: empty or missing text")
    if len(text) > MAX_TEXT_CHARS:
        raise CorpusError(f"{where}: text longer than {MAX_TEXT_CHARS} characters")
    if label not in LABELS:
        raise CorpusError(f"{where}: unknown label {label!r}")
    key = normalise_for_duplicates(text)
    if key in seen:
        raise CorpusError(f"{where}: duplicate text {text[:60]!r}")
    seen.add(key)
    level = obj.get("level")
    if triage and ("level" not in obj or level not in (*LEVELS, None)):
        # null, as in the API: an out-of-scope text without red flags gets no level
        raise CorpusError(f"{where}: level must be one of {list(LEVELS)} or null, not {level!r}")
    return Example(text=text, label=label, level=level, source=where)


def normalise_for_duplicates(text: str) -> str:
    """Words only, lower case; a text without words (emoji) stays as it is."""
    return " ".join(re.findall(r"\w+", text.lower())) or text.strip()


def load_examples(paths: list[Path], triage: bool = False) -> list[Example]:
    """Load JSONL files in order; duplicates are checked across all of them."""
    seen: set[str] = set()
    examples: list[Example] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    raise CorpusError(f"{path}:{number}: blank line")
                examples.append(_check_line(path, number, raw, seen, triage))
    if not examples:
        raise CorpusError(f"no examples in {[str(p) for p in paths]}")
    return examples


def split_files(corpus_dir: Path, split: str) -> list[Path]:
    """The JSONL files of one split (``train``, ``test`` or ``triage``), in a stable order."""
    files = sorted((corpus_dir / split).glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{corpus_dir / split}: no .jsonl files")
    return files


def load_split(corpus_dir: Path, split: str) -> list[Example]:
    return load_examples(split_files(corpus_dir, split), triage=split == "triage")


def corpus_checksums(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every corpus file, recorded in the model's meta.json for provenance."""
    files = sorted(
        p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix in {".yaml", ".jsonl"}
    )
    return {
        str(p.relative_to(corpus_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


def word_shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if not words:
        return set()
    if len(words) < n:
        return {tuple(words)}
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """Shared share of shingles; texts without words share nothing (0.0)."""
    return len(a & b) / len(a | b) if a and b else 0.0
