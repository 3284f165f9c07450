"""Red flags: spaCy Matcher patterns compiled from ``corpus/red_flags.yaml``.

A hit counts only when none of its words is denied or hypothetical, so "no chest pain" and "what if
it is a stroke" do not raise the level, while "no pain but my arm is weak" still does.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher

from training.knowledge import RedFlag
from training.text import Analysis, TextAnalyzer

NEGATION_WORDS = {"not", "no", "never", "none", "cannot"}
SENTENCE_ENDS = (".", "!", "?", ";")


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
        # a gap never crosses the end of a sentence: "my lip feels heavy. Arms are fine" is not
        # a heavy arm
        return {"ORTH": {"NOT_IN": list(SENTENCE_ENDS)}, "OP": f"{{0,{int(slot[1:])}}}"}
    alternatives = slot.split("|")
    if alternatives[0].startswith("="):
        spec: dict = {"LOWER": {"IN": [a[1:] for a in alternatives]}}
    else:
        spec = {"LEMMA": {"IN": sorted({analyzer.lemma_of(a) for a in alternatives})}}
    if optional:
        spec["OP"] = "?"
    return spec


class RedFlagMatcher:
    """One spaCy Matcher per pattern, run only when the text holds every word the pattern requires.

    Most texts carry no red flag at all, and a Matcher call with gap operators costs tens of
    microseconds; checking the required words against the text's words first (an inverted index
    from word to required slot) keeps the Matcher off the common path without changing any result.
    """

    def __init__(self, flags: list[RedFlag], analyzer: TextAnalyzer) -> None:
        self.flags = {flag.id: flag for flag in flags}
        # (flag id, Matcher with one pattern, the ids of the slots it requires)
        self.patterns: list[tuple[str, Matcher, frozenset[int]]] = []
        # match key -> whether the pattern itself says "can't", "not", ...
        self.negative: dict[int, bool] = {}
        slot_ids: dict[frozenset[str], int] = {}
        for flag in flags:
            for number, pattern in enumerate(flag.patterns):
                slots = pattern.split()
                key = f"{flag.id}#{number}"
                specs = [compile_slot(s, analyzer) for s in slots]
                matcher = Matcher(analyzer.nlp.vocab)
                matcher.add(key, [specs])
                required = frozenset(
                    slot_ids.setdefault(frozenset(next(iter(spec.values()))["IN"]), len(slot_ids))
                    for spec in specs
                    if "OP" not in spec
                )
                self.patterns.append((flag.id, matcher, required))
                self.negative[analyzer.nlp.vocab.strings[key]] = any(
                    alt.lstrip("=") in NEGATION_WORDS
                    for s in slots
                    for alt in s.rstrip("?").split("|")
                )
        self.slots_of_word: dict[str, tuple[int, ...]] = {}
        for alternatives, slot in slot_ids.items():
            for word in alternatives:
                self.slots_of_word[word] = (*self.slots_of_word.get(word, ()), slot)
        # each pattern listed under one of its required slots (the knowledge loader refuses a
        # pattern without one), so a text is checked only against the patterns its words can start
        self.patterns_of_slot: dict[int, list[int]] = {}
        for number, (_, _, required) in enumerate(self.patterns):
            self.patterns_of_slot.setdefault(min(required), []).append(number)

    def _possible(self, analysis: Analysis) -> list[tuple[str, Matcher]]:
        """The patterns whose every required slot has one of its words in the text, in the
        order of ``patterns``."""
        present: set[int] = set()
        get = self.slots_of_word.get
        for word in {*analysis.lemmas, *analysis.lower}:
            slots = get(word)
            if slots:
                present.update(slots)
        numbers = [n for slot in present for n in self.patterns_of_slot.get(slot, ())]
        found = []
        for number in sorted(numbers):
            flag_id, matcher, required = self.patterns[number]
            if required <= present:
                found.append((flag_id, matcher))
        return found

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
        for flag_id, matcher in self._possible(analysis):
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
