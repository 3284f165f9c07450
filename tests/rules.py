"""Builds the rule layer alone (no classifier) for tests of red flags and timelines."""

from __future__ import annotations

import json
from pathlib import Path

from triage.knowledge import Knowledge, scope_lexicon
from triage.redflags import RedFlagMatcher
from triage.text import TextAnalyzer
from triage.timeline import TimelineReader


class Rules:
    def __init__(self, knowledge: Knowledge) -> None:
        self.analyzer = TextAnalyzer(scope_lexicon(knowledge.lexicon))
        self.flags = RedFlagMatcher(
            knowledge.red_flags, self.analyzer, knowledge.lexicon.negation.in_pattern
        )
        self.timeline = TimelineReader(knowledge.lexicon, self.analyzer)

    def flag_ids(self, text: str) -> set[str]:
        return {hit.id for hit in self.flags.find(self.analyzer.analyse(text))}


CASES = Path(__file__).parent / "cases"


def read_cases(name: str) -> list[dict]:
    """The behaviour cases of ``tests/cases/<name>.jsonl``: the next case is a line of data."""
    path = CASES / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
