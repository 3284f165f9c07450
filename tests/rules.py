"""Builds the rule layer alone (no classifier) for tests of red flags and timelines."""

from __future__ import annotations

from triage.knowledge import Knowledge, scope_lexicon
from triage.redflags import RedFlagMatcher
from triage.text import TextAnalyzer
from triage.timeline import TimelineReader


class Rules:
    def __init__(self, knowledge: Knowledge) -> None:
        self.analyzer = TextAnalyzer(scope_lexicon(knowledge.lexicon))
        self.flags = RedFlagMatcher(knowledge.red_flags, self.analyzer)
        self.timeline = TimelineReader(knowledge.lexicon, self.analyzer)

    def flag_ids(self, text: str) -> set[str]:
        return {hit.id for hit in self.flags.find(self.analyzer.analyse(text))}
