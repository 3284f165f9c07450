"""The README's example answer is the one the service gives now: same fields, same top cause,
level and reasons (numbers may differ: these tests score their own smaller model)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from triage.analyser import Analyser

README = Path(__file__).resolve().parents[2] / "README.md"


def shape(value: object) -> object:
    """The keys of a JSON value, recursively (a list by its first item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def readme_example() -> tuple[str, dict]:
    text = README.read_text(encoding="utf-8")
    request = json.loads(re.search(r"-d '(\{.*?\})'", text).group(1))
    block = re.search(r"answers \(model [^\n]*\n\n```json\n(.*?)\n```", text, re.S).group(1)
    return request["text"], json.loads(block)


def test_the_readme_example_is_what_the_service_answers(analyser: Analyser):
    text, shown = readme_example()
    answer = analyser.analyse(text).to_dict()
    assert shape(shown) == shape(answer)
    top, top_shown = answer["causes"][0], shown["causes"][0]
    assert (top["id"], top["band"], top["evidence"]) == (
        top_shown["id"],
        top_shown["band"],
        top_shown["evidence"],
    )
    assert answer["referral"]["level"] == shown["referral"]["level"]
    assert answer["referral"]["reasons"] == shown["referral"]["reasons"]
    for key in ("in_scope", "red_flags", "duration_days", "duration_text", "detail_message"):
        assert answer[key] == shown[key], key
