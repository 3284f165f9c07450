"""The example loader stops at the first bad line and names file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.corpus import CorpusError, jaccard, load_examples, word_shingles

LABELS = frozenset({"stress", "out_of_scope"})  # the labels of a corpus with one cause


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"text": "", "label": "stress"}', "empty"),
        ('{"text": "   ", "label": "stress"}', "empty"),
        ('{"text": "lip twitch", "label": "hiccups"}', "unknown label"),
        ('{"text": "lip twitch", "label": "stress"', "not valid JSON"),
        ('["lip twitch", "stress"]', "JSON object"),
        ('{"text": "lip twitch", "label": "stress", "x": 1}', "unexpected keys"),
        ('{"text": "My lip twitches!", "label": "stress"}', "duplicate"),
    ],
)
def test_first_problem_names_file_and_line(tmp_path: Path, bad: str, message: str):
    good = json.dumps({"text": "my lip twitches", "label": "stress"})
    path = write(tmp_path, [good, bad])
    with pytest.raises(CorpusError, match=rf"x\.jsonl:2: .*{message}"):
        load_examples([path], LABELS)


def test_blank_line_is_refused(tmp_path: Path):
    path = write(tmp_path, [json.dumps({"text": "a", "label": "stress"}), ""])
    with pytest.raises(CorpusError, match="x.jsonl:2: blank line"):
        load_examples([path], LABELS)


def test_triage_cases_need_a_known_level(tmp_path: Path):
    path = write(tmp_path, [json.dumps({"text": "a", "label": "stress", "level": "soon"})])
    with pytest.raises(CorpusError, match="x.jsonl:1: level must be one of .* or null, not 'soon'"):
        load_examples([path], LABELS, triage=True)


def test_triage_cases_accept_null_and_need_the_key(tmp_path: Path):
    path = write(tmp_path, [json.dumps({"text": "a", "label": "out_of_scope", "level": None})])
    assert load_examples([path], LABELS, triage=True)[0].level is None
    path = write(tmp_path, [json.dumps({"text": "a", "label": "out_of_scope"})])
    with pytest.raises(CorpusError, match="level must be one of"):
        load_examples([path], LABELS, triage=True)


def test_jaccard_of_shingles():
    a = word_shingles("my upper lip keeps twitching after coffee")
    assert jaccard(a, a) == 1.0
    b = word_shingles("my upper lip keeps twitching after tea")
    assert 0.5 < jaccard(a, b) < 1.0
    assert jaccard(a, word_shingles("the knee hurts when I run")) == 0.0
