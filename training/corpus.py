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

from triage.knowledge import LEVELS, OUT_OF_SCOPE, VAGUE, load_causes
from triage.limits import MAX_TEXT_CHARS

# VAGUE: a training text in scope that gives nothing to tell the causes apart ("my lip twitches"):
# the classifier learns it as every cause at once (``training.train.expand_vague``), so that such
# a text gets low confidence instead of a guess. Training split only.
# How alarming a triage case is, for the warning-sign measures: a batch written for the detector
# states only this (and its signs), not the full referral level.
ALARMS = ("emergency", "urgent", "none")


@dataclass(frozen=True)
class Example:
    text: str
    label: str | None  # the cause; None in a triage batch written for the warning signs only
    level: str | None = None  # only triage cases carry an expected referral level (None: no level)
    source: str = ""  # file:line
    alarm: str | None = None  # triage cases: "emergency", "urgent" or "none"
    signs: tuple[str, ...] = ()  # triage cases of sign batches: the warning signs present
    has_level: bool = False  # whether the case states a full referral level

    @property
    def group(self) -> str:
        """The batch a case was written in (one writer and brief): its file's name."""
        return Path(self.source.rsplit(":", 1)[0]).stem


class CorpusError(ValueError):
    """A corpus file breaks a rule; the message names the file and line."""


def _check_line(
    path: Path,
    number: int,
    raw: str,
    seen: set[str],
    labels: frozenset[str],
    triage: bool,
    signs: frozenset[str],
) -> Example:
    where = f"{path}:{number}"
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON: {exc.msg}") from exc
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    # a triage case states a cause and a full level, or (a sign batch) an alarm and its signs
    sign_case = triage and "alarm" in obj
    if sign_case:
        allowed = {"text", "alarm", "signs"}
    else:
        allowed = {"text", "label", "level"} if triage else {"text", "label"}
    if extra := set(obj) - allowed:
        raise CorpusError(f"{where}: unexpected keys {sorted(extra)}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: empty or missing text")
    if len(text) > MAX_TEXT_CHARS:
        raise CorpusError(f"{where}: text longer than {MAX_TEXT_CHARS} characters")
    key = normalise_for_duplicates(text)
    if key in seen:
        raise CorpusError(f"{where}: duplicate text {text[:60]!r}")
    seen.add(key)
    if sign_case:
        alarm, found = obj["alarm"], obj.get("signs")
        if alarm not in ALARMS:
            raise CorpusError(f"{where}: alarm must be one of {list(ALARMS)}, not {alarm!r}")
        if not isinstance(found, list) or set(found) - signs:
            raise CorpusError(f"{where}: signs must be a list of {sorted(signs)}")
        if (alarm == "none") != (not found):
            raise CorpusError(f"{where}: a case has signs exactly when its alarm is not 'none'")
        return Example(text, None, None, where, alarm, tuple(found))
    label = obj.get("label")
    if label not in labels and not (label == VAGUE and not triage):
        raise CorpusError(f"{where}: unknown label {label!r} (not a cause of causes.yaml)")
    level = obj.get("level")
    if triage and ("level" not in obj or level not in (*LEVELS, None)):
        # null, as in the API: an out-of-scope text without red flags gets no level
        raise CorpusError(f"{where}: level must be one of {list(LEVELS)} or null, not {level!r}")
    alarm = (level if level in ("emergency", "urgent") else "none") if triage else None
    return Example(text, label, level, where, alarm, (), has_level=triage)


def normalise_for_duplicates(text: str) -> str:
    """Words only, lower case; a text without words (emoji) stays as it is."""
    return " ".join(re.findall(r"\w+", text.lower())) or text.strip()


def load_examples(
    paths: list[Path],
    labels: frozenset[str],
    triage: bool = False,
    signs: frozenset[str] = frozenset(),
) -> list[Example]:
    """Load JSONL files in order; duplicates are checked across all of them. ``labels``: the
    labels a text may have (the corpus's cause ids and ``out_of_scope``); ``signs``: the
    warning-sign ids a triage case may name."""
    seen: set[str] = set()
    examples: list[Example] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    raise CorpusError(f"{path}:{number}: blank line")
                examples.append(_check_line(path, number, raw, seen, labels, triage, signs))
    if not examples:
        raise CorpusError(f"no examples in {[str(p) for p in paths]}")
    return examples


def split_files(corpus_dir: Path, split: str) -> list[Path]:
    """The JSONL files of one split (``train``, ``test`` or ``triage``), in a stable order."""
    files = sorted((corpus_dir / split).glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{corpus_dir / split}: no .jsonl files")
    return files


REQUIRED_SPLITS = ("train", "test")  # a corpus without triage cases has no triage measures


def load_split(corpus_dir: Path, split: str) -> list[Example]:
    """The examples of one split; none for an optional split the corpus does not have."""
    if split not in REQUIRED_SPLITS and not (corpus_dir / split).is_dir():
        return []
    triage = split == "triage"
    signs = frozenset(sign_ids(corpus_dir)) if triage else frozenset()
    files = split_files(corpus_dir, split)
    examples = load_examples(files, corpus_labels(corpus_dir), triage=triage, signs=signs)
    if split != "train" and (vague := next((e for e in examples if e.label == VAGUE), None)):
        raise CorpusError(f"{vague.source}: the label {VAGUE!r} is for training texts only")
    return examples


def corpus_labels(corpus_dir: Path) -> frozenset[str]:
    """The labels a text of this corpus may have: its causes (``causes.yaml``) and
    ``out_of_scope`` (a corpus may have no text of it)."""
    return frozenset(c.id for c in load_causes(corpus_dir)) | {OUT_OF_SCOPE}


def sign_ids(corpus_dir: Path) -> list[str]:
    """The warning signs of ``corpus/signs.yaml`` (none when the corpus has no such file)."""
    from triage.knowledge import load_signs

    return [sign.id for sign in load_signs(corpus_dir)]


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


def near_duplicates(
    texts: list[str], others: list[str] | None = None, threshold: float = 0.5
) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for each text of ``texts`` and of ``others`` (or, without ``others``,
    each later text of ``texts``) whose word-3-gram Jaccard is at least ``threshold``.

    Only pairs that share a shingle are compared (an inverted index), so thousands of texts
    against thousands take a second, not the minutes of every pair.
    """
    query = [word_shingles(t) for t in texts]
    base = query if others is None else [word_shingles(t) for t in others]
    index: dict[tuple[str, ...], list[int]] = {}
    for j, shingles in enumerate(base):
        for shingle in shingles:
            index.setdefault(shingle, []).append(j)
    found = []
    for i, shingles in enumerate(query):
        candidates = {j for s in shingles for j in index.get(s, ())}
        for j in sorted(candidates):
            if others is None and j <= i:
                continue
            similarity = jaccard(shingles, base[j])
            if similarity >= threshold:
                found.append((i, j, similarity))
    return found


def load_relabels(corpus_dir: Path) -> dict[str, list[Example]]:
    """Triage cases judged again under a changed rule (``triage/relabels/*.jsonl``), by file:
    each with its new level, so the evaluation scores the relabelled cases on their own."""
    found = {}
    for path in sorted((corpus_dir / "triage" / "relabels").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        found[path.stem] = [
            Example(r["text"], None, r["new_level"], f"{path}:{n}", has_level=True)
            for n, r in enumerate(rows, start=1)
        ]
    return found


def load_measure_sets(corpus_dir: Path, folder: str) -> dict[str, list[dict]]:
    """The blind sets of ``corpus/<folder>/`` kept apart from the training split (``vague``,
    ``language``, ``interview``): each file's rows, by file stem. No classifier learns from
    them; the follow-up questions' reply table learns from ``interview`` and is measured
    leave-one-set-out (``training.reply_table``)."""
    return {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted((corpus_dir / folder).glob("*.jsonl"))
    }
