"""How long, how it started and whether it keeps coming back, as stated in the text.

Duration phrases are found with a regular expression built from the number and unit words of
``corpus/lexicon.yaml``; onset and recurrence phrases with a spaCy PhraseMatcher on lemmas.
A number counts as a duration only next to a word that makes it one ("for 3 weeks", "2 days ago"),
so "two coffees a day" or "a 30 year old" are not durations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.matcher import PhraseMatcher

from training.knowledge import Lexicon
from training.text import Analysis, TextAnalyzer

_BEFORE = r"for|since|past|last|over|about|almost|nearly|around|than|been|already|like|least|within"
_AFTER = r"ago|now|straight|running|in a row|already|long|or so|or more|on and off|and counting"


@dataclass(frozen=True)
class Timeline:
    duration_days: float | None
    onset: str | None  # "sudden", "slow" or None when the text does not say
    onset_text: str | None
    recurring_text: str | None


class TimelineReader:
    def __init__(self, lexicon: Lexicon, analyzer: TextAnalyzer) -> None:
        self.lexicon = lexicon
        durations = lexicon.duration
        self.numbers = {k.lower(): v for k, v in durations.numbers.items()}
        self.units = {k.lower(): v for k, v in durations.units.items()}
        number_words = "|".join(re.escape(w) for w in sorted(self.numbers, key=len, reverse=True))
        unit_words = "|".join(re.escape(w) for w in sorted(self.units, key=len, reverse=True))
        number = rf"\d+(?:\.\d+)?|{number_words}"
        self.duration_re = re.compile(
            rf"(?:\b(?P<pre>{_BEFORE})\s+(?:the\s+)?(?:past\s+|last\s+)?)?"
            rf"\b(?P<num>{number})(?:\s*(?:-|to|or)\s*(?P<num2>{number}))?\s*\+?\s*"
            rf"(?P<unit>{unit_words})s?\b(?P<post>\s+(?:{_AFTER})\b)?(?P<old>[\s-]+old)?"
        )
        # the duration pattern cannot match without a unit word: a cheap search first
        self.unit_re = re.compile(rf"(?:{unit_words})s?\b")
        phrases = sorted(durations.phrases, key=len, reverse=True)
        self.phrase_re = re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b")
        self.phrase_days = {p.lower(): v for p, v in durations.phrases.items()}
        self.weekday_re = re.compile(
            r"\bsince\s+(?:last\s+)?(" + "|".join(durations.weekdays) + r")\b"
        )
        self.weekdays = list(durations.weekdays)
        self.matcher = PhraseMatcher(analyzer.nlp.vocab, attr="LEMMA")
        self.matcher.add("sudden", [analyzer.phrase_doc(p) for p in lexicon.onset.sudden])
        self.matcher.add("slow", [analyzer.phrase_doc(p) for p in lexicon.onset.slow])
        self.matcher.add("recurring", [analyzer.phrase_doc(p) for p in lexicon.recurring])
        self.vocab = analyzer.nlp.vocab

    def _number(self, word: str) -> float:
        return float(word) if word[0].isdigit() else self.numbers[word]

    def duration_days(self, text: str, today: date) -> float | None:
        lowered = text.lower()
        found: list[float] = []
        for m in self.duration_re.finditer(lowered) if self.unit_re.search(lowered) else ():
            if m.group("old") or not (m.group("pre") or m.group("post")):
                continue
            value = max(self._number(m.group("num")), self._number(m.group("num2") or "0"))
            found.append(value * self.units[m.group("unit")])
        found += [self.phrase_days[m.group(1)] for m in self.phrase_re.finditer(lowered)]
        for m in self.weekday_re.finditer(lowered) if "since" in lowered else ():
            days = (today.weekday() - self.weekdays.index(m.group(1))) % 7
            found.append(float(days or 7))
        return round(max(found), 2) if found else None

    def read(self, analysis: Analysis, today: date | None = None) -> Timeline:
        """The longest stated duration counts: under-reading one would under-triage."""
        days = self.duration_days(analysis.text, today or date.today())
        marks: dict[str, str] = {}
        for match_id, start, end in self.matcher(analysis.doc):
            kind = self.vocab.strings[match_id]
            if kind in marks or any(analysis.negated[i] for i in range(start, end)):
                continue
            marks[kind] = analysis.span_text(start, end)
        onset, onset_text = None, None
        if "sudden" in marks:
            onset, onset_text = "sudden", marks["sudden"]
        elif "slow" in marks:
            onset, onset_text = "slow", marks["slow"]
        elif days is not None and days >= self.lexicon.onset.slow_duration_days:
            onset, onset_text = "slow", f"about {days:g} days"
        return Timeline(days, onset, onset_text, marks.get("recurring"))
