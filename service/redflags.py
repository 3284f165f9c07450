"""Red flags: spaCy Matcher patterns compiled from ``corpus/red_flags.yaml``.

A hit counts only when none of its words is denied or hypothetical, so "no chest pain" and "what if
it is a stroke" do not raise the level, while "no pain but my arm is weak" still does.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher

from training.knowledge import RedFlag
from training.text import Analysis, TextAnalyzer

NEGATION_WORDS = {"not", "no", "never", "cannot"}


@dataclass(frozen=True)
class FlagHit:
    id: str
    name: str
    level: str
    sudden_only: bool
    text: str  # the matched words, an exact substring of the input
    start: int  # character offsets in the input
    end: int


def compile_slot(slot: str, analyzer: TextAnalyzer) -> dict:
    optional = slot.endswith("?")
    slot = slot.rstrip("?")
    if slot.startswith("*"):
        return {"OP": f"{{0,{int(slot[1:])}}}"}
    alternatives = slot.split("|")
    if alternatives[0].startswith("="):
        spec: dict = {"LOWER": {"IN": [a[1:] for a in alternatives]}}
    else:
        spec = {"LEMMA": {"IN": sorted({analyzer.lemma_of(a) for a in alternatives})}}
    if optional:
        spec["OP"] = "?"
    return spec


class RedFlagMatcher:
    """One spaCy Matcher per flag, run only when the text holds every word a pattern requires.

    Most texts carry no red flag at all; checking the required words against the text's lemmas
    first keeps the Matcher (the costly part) off the common path without changing any result.
    """

    def __init__(self, flags: list[RedFlag], analyzer: TextAnalyzer) -> None:
        self.flags = {flag.id: flag for flag in flags}
        self.matchers: dict[str, Matcher] = {}
        # flag id -> for each pattern, the alternatives of each required slot
        self.required: dict[str, list[list[frozenset[str]]]] = {}
        # match key -> whether the pattern itself says "can't", "not", ...
        self.negative: dict[int, bool] = {}
        for flag in flags:
            matcher = Matcher(analyzer.nlp.vocab)
            self.required[flag.id] = []
            for number, pattern in enumerate(flag.patterns):
                slots = pattern.split()
                key = f"{flag.id}#{number}"
                specs = [compile_slot(s, analyzer) for s in slots]
                matcher.add(key, [specs])
                self.required[flag.id].append(
                    [
                        frozenset(next(iter(spec.values()))["IN"])
                        for spec in specs
                        if "OP" not in spec
                    ]
                )
                self.negative[analyzer.nlp.vocab.strings[key]] = any(
                    alt.lstrip("=") in NEGATION_WORDS
                    for s in slots
                    for alt in s.rstrip("?").split("|")
                )
            self.matchers[flag.id] = matcher
        # every word that some pattern of the flag requires: a quick "certainly not" test
        self.anchors = {
            flag_id: frozenset().union(*(alts for pattern in patterns for alts in pattern))
            for flag_id, patterns in self.required.items()
        }

    def _possible(self, flag_id: str, words: set[str]) -> bool:
        if self.anchors[flag_id].isdisjoint(words):
            return False
        return any(
            all(not alternatives.isdisjoint(words) for alternatives in pattern)
            for pattern in self.required[flag_id]
        )

    @staticmethod
    def _denied(analysis: Analysis, start: int, end: int, negative_pattern: bool) -> bool:
        for i in range(start, end):
            if analysis.hypothetical[i]:
                return True
            trigger = analysis.neg_trigger[i]
            if trigger >= 0 and (trigger < start or not negative_pattern):
                return True
            if analysis.is_trigger[i] and not negative_pattern:
                return True
        return False

    def find(self, analysis: Analysis) -> list[FlagHit]:
        """One hit per flag: its shortest undenied match, in the order flags appear in the text."""
        best: dict[str, tuple[int, int]] = {}
        words = set(analysis.lemmas).union(analysis.lower)
        for flag_id, matcher in self.matchers.items():
            if not self._possible(flag_id, words):
                continue
            for match_id, start, end in matcher(analysis.doc):
                if self._denied(analysis, start, end, self.negative[match_id]):
                    continue
                current = best.get(flag_id)
                if current is None or (end - start, start) < (current[1] - current[0], current[0]):
                    best[flag_id] = (start, end)
        hits = []
        for flag_id, (start, end) in sorted(best.items(), key=lambda item: item[1]):
            flag = self.flags[flag_id]
            char_start, char_end = analysis.starts[start], analysis.ends[end - 1]
            hits.append(
                FlagHit(
                    id=flag.id,
                    name=flag.name,
                    level=flag.level,
                    sudden_only=flag.sudden_only,
                    text=analysis.text[char_start:char_end],
                    start=char_start,
                    end=char_end,
                )
            )
        return hits
