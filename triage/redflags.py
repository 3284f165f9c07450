"""Red flags: the token patterns of ``corpus/red_flags.yaml``, with spaCy ``Matcher`` meaning.

A hit counts only when none of its words is denied or hypothetical, so "no chest pain" and "what if
it is a stroke" do not raise the level, while "no pain but my arm is weak" still does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from triage.knowledge import RedFlag
from triage.text import SENTENCE_ENDS, Analysis, TextAnalyzer


@dataclass(frozen=True)
class FlagHit:
    id: str
    name: str
    level: str
    sudden_only: bool
    text: str  # the matched words, an exact substring of the input
    start: int  # character offsets in the input
    end: int
    source: str = "rule"  # "rule" (a pattern of red_flags.yaml) or "detector" (learned)
    probability: float | None = None  # the detector's calibrated probability


def compile_slot(slot: str, analyzer: TextAnalyzer) -> dict:
    """A slot as a spaCy ``Matcher`` token spec: the reference meaning of the pattern language.

    Serving runs ``TokenPattern`` instead; a test asserts both find the same spans for every
    pattern over the whole corpus.
    """
    optional = slot.endswith("?")
    slot = slot.rstrip("?")
    if slot.startswith("*"):
        # a gap never crosses the end of a sentence: "my lip feels heavy. Arms are fine" is not
        # a heavy arm
        return {"ORTH": {"NOT_IN": sorted(SENTENCE_ENDS)}, "OP": f"{{0,{int(slot[1:])}}}"}
    alternatives = slot.split("|")
    if alternatives[0].startswith("="):
        spec: dict = {"LOWER": {"IN": [a[1:] for a in alternatives]}}
    else:
        spec = {"LEMMA": {"IN": sorted({analyzer.lemma_of(a) for a in alternatives})}}
    if optional:
        spec["OP"] = "?"
    return spec


@dataclass(frozen=True)
class Slot:
    """One slot of a pattern: ``words`` of the lemma (or, ``exact``, the lower-case form) column,
    or, with no words, a gap of tokens that are not a sentence end; ``low``..``high`` of them."""

    words: frozenset[str]
    exact: bool
    low: int
    high: int

    @classmethod
    def parse(cls, slot: str, analyzer: TextAnalyzer) -> Slot:
        spec = compile_slot(slot, analyzer)
        if "ORTH" in spec:
            return cls(frozenset(), False, 0, int(slot.lstrip("*").rstrip("?")))
        exact = "LOWER" in spec
        words = frozenset(spec["LOWER" if exact else "LEMMA"]["IN"])
        return cls(words, exact, 0 if "OP" in spec else 1, 1)


class TokenPattern:
    """A red-flag pattern matched over the ``Analysis`` columns: every (start, end) span a spaCy
    ``Matcher`` with the same pattern would return.

    A spaCy ``Matcher`` call builds a ``Token`` object per word it reads and costs about 35 µs on a
    short text; the patterns here are a handful of word sets, optional words and bounded gaps, so
    a breadth-first walk over the lemma and lower-case columns does the same in a few.
    """

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots
        first = slots[0]
        self.anchor = first if first.low == 1 and first.words else None

    def matches(self, analysis: Analysis) -> list[tuple[int, int]]:
        lemmas, lower = analysis.lemmas, analysis.lower
        n = len(lemmas)
        if self.anchor is not None:
            column = lower if self.anchor.exact else lemmas
            starts = [i for i in range(n) if column[i] in self.anchor.words]
        else:
            starts = list(range(n))
        found = []
        for start in starts:
            ends = {start}
            for slot in self.slots:
                column = lower if slot.exact or not slot.words else lemmas
                reached = set(ends) if slot.low == 0 else set()
                for j in ends:
                    for _ in range(slot.high):
                        if j >= n:
                            break
                        word = column[j]
                        if (word not in slot.words) if slot.words else (word in SENTENCE_ENDS):
                            break
                        j += 1
                        reached.add(j)
                ends = reached
                if not ends:
                    break
            found += [(start, end) for end in sorted(ends) if end > start]
        return found


class RedFlagMatcher:
    """The patterns of every flag, each tried only when the text holds every word it requires.

    Most texts carry no red flag at all; checking the required words against the text's words
    first (an inverted index from word to required slot) keeps the matching off the common path
    without changing any result.
    """

    def __init__(
        self, flags: list[RedFlag], analyzer: TextAnalyzer, negation_words: Iterable[str]
    ) -> None:
        """``negation_words``: words that make a pattern itself a negative finding ("can not
        swallow"), so that inside it they are the finding and no denial."""
        self.flags = {flag.id: flag for flag in flags}
        negation_words = frozenset(negation_words)
        # (flag id, pattern, whether the pattern itself says "can't", "not", ..., required slots)
        self.patterns: list[tuple[str, TokenPattern, bool, frozenset[int]]] = []
        slot_ids: dict[tuple[bool, frozenset[str]], int] = {}
        for flag in flags:
            for pattern in flag.patterns:
                slots = [Slot.parse(s, analyzer) for s in pattern.split()]
                required = frozenset(
                    slot_ids.setdefault((s.exact, s.words), len(slot_ids))
                    for s in slots
                    if s.low == 1
                )
                negative = any(
                    alt.lstrip("=") in negation_words
                    for s in pattern.split()
                    for alt in s.rstrip("?").split("|")
                )
                self.patterns.append((flag.id, TokenPattern(slots), negative, required))
        self.slots_of_word: dict[str, tuple[int, ...]] = {}
        for (_, alternatives), slot in slot_ids.items():
            for word in alternatives:
                self.slots_of_word[word] = (*self.slots_of_word.get(word, ()), slot)
        self.slot_words = frozenset(self.slots_of_word)
        # each pattern listed under one of its required slots (the knowledge loader refuses a
        # pattern without one), so a text is checked only against the patterns its words can
        # start: the slot fewest patterns require, as a word many patterns need ("my", "can't")
        # is in most texts and would list its patterns for nearly every one
        required_by = Counter(slot for *_, required in self.patterns for slot in required)
        self.patterns_of_slot: dict[int, list[int]] = {}
        for number, (*_, required) in enumerate(self.patterns):
            key = min(required, key=lambda slot: (required_by[slot], slot))
            self.patterns_of_slot.setdefault(key, []).append(number)

    def _possible(self, analysis: Analysis) -> list[tuple[str, TokenPattern, bool]]:
        """The patterns whose every required slot has one of its words in the text, in the
        order of ``patterns``."""
        slot_words = self.slot_words
        words = slot_words.intersection(analysis.lemmas) | slot_words.intersection(analysis.lower)
        present: set[int] = set()
        for word in words:
            present.update(self.slots_of_word[word])
        numbers = [n for slot in present for n in self.patterns_of_slot.get(slot, ())]
        found = []
        for number in sorted(numbers):
            flag_id, pattern, negative, required = self.patterns[number]
            if required <= present:
                found.append((flag_id, pattern, negative))
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
        return self.find_with_denied(analysis)[0]

    def find_with_denied(self, analysis: Analysis) -> tuple[list[FlagHit], set[str]]:
        """The hits, and the flags whose words the text names only to deny, fear or date them
        ("my arm isn't weak"): where the rules read a denial, a learned part must not read a
        finding."""
        best: dict[str, tuple[int, int]] = {}
        denied: set[str] = set()
        for flag_id, pattern, negative in self._possible(analysis):
            for start, end in pattern.matches(analysis):
                if self._denied(analysis, start, end, negative):
                    denied.add(flag_id)
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
        return hits, denied - set(best)
