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

from triage.knowledge import Lexicon
from triage.text import Analysis, TextAnalyzer


def duration_words(days: float) -> str:
    """A duration as people say it: "about 20 minutes", "about 3 weeks", never "0.01 days"."""
    for unit, size, limit in (
        ("minute", 1 / 1440, 1 / 24),
        ("hour", 1 / 24, 1),
        ("day", 1, 14),
        ("week", 7, 60),
        ("month", 30, 365),
        ("year", 365, float("inf")),
    ):
        if days < limit:
            n = max(1, round(days / size))
            return (
                f"about {'an' if unit == 'hour' else 'a'} {unit}"
                if n == 1
                else f"about {n} {unit}s"
            )
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Timeline:
    duration_days: float | None
    onset: str | None  # "sudden", "slow" or None when the text does not say
    onset_text: str | None
    recurring_text: str | None
    # when slow onset is only inferred from a long duration: the character span of the clause
    # that states it, the only place where it says how a symptom started; None: the whole text
    slow_clause: tuple[int, int] | None = None
    duration_text: str | None = None  # the words of the text that state the duration

    @property
    def duration_words(self) -> str | None:
        return None if self.duration_days is None else duration_words(self.duration_days)

    def slow_for(self, start: int, end: int) -> bool:
        """Whether the symptom at [start, end) of the text came on slowly."""
        if self.onset != "slow":
            return False
        if self.slow_clause is None:
            return True
        return start < self.slow_clause[1] and end > self.slow_clause[0]


class TimelineReader:
    def __init__(self, lexicon: Lexicon, analyzer: TextAnalyzer) -> None:
        self.lexicon = lexicon
        durations = lexicon.duration
        self.numbers = {k.lower(): v for k, v in durations.numbers.items()}
        self.units = {k.lower(): v for k, v in durations.units.items()}
        number_words = "|".join(re.escape(w) for w in sorted(self.numbers, key=len, reverse=True))
        unit_words = "|".join(re.escape(w) for w in sorted(self.units, key=len, reverse=True))
        number = rf"\d+(?:\.\d+)?|{number_words}"
        before = "|".join(re.escape(w) for w in durations.before)
        after = "|".join(re.escape(w) for w in durations.after)
        self.clause_breaks = tuple(durations.clause_breaks)
        self.duration_re = re.compile(
            rf"(?:\b(?P<pre>{before})\s+(?:the\s+)?(?:past\s+|last\s+)?)?"
            rf"\b(?P<num>{number})(?:\s*(?:-|to|or)\s*(?P<num2>{number}))?\s*\+?\s*"
            rf"(?P<unit>{unit_words})s?\b(?P<post>\s+(?:{after})\b)?(?P<old>[\s-]+old)?"
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
        events = "|".join(re.escape(e.lower()) for e in durations.events) or r"(?!x)x"
        self.event_re = re.compile(rf"\b(?:{events})\b")
        ties = "|".join(re.escape(t.lower()) for t in durations.event_ties) or r"(?!x)x"
        self.tie_re = re.compile(rf"\b(?:{ties})\b")
        self.since_re = re.compile(r"\s+(?:now\s+)?(?:since|after)\b")
        self.matcher = PhraseMatcher(analyzer.nlp.vocab, attr="LEMMA")
        self.matcher.add("sudden", [analyzer.phrase_doc(p) for p in lexicon.onset.sudden])
        self.matcher.add("slow", [analyzer.phrase_doc(p) for p in lexicon.onset.slow])
        self.matcher.add("recurring", [analyzer.phrase_doc(p) for p in lexicon.recurring])
        self.vocab = analyzer.nlp.vocab

    def _number(self, word: str) -> float:
        return float(word) if word[0].isdigit() else self.numbers[word]

    def _longest_duration(self, text: str, today: date) -> tuple[float, int, int, bool] | None:
        """(days, start, end, over): the longest stated duration, where the text states it, and
        whether it says the symptom built up over that time ("over 6 months")."""
        lowered = text.lower()
        found: list[tuple[float, int, int, bool]] = []
        events: list[tuple[float, int, int, bool]] = []  # times that date another event
        ties_text = lowered  # where a tie may be: not inside "4 days since I quit" itself
        for m in self.duration_re.finditer(lowered) if self.unit_re.search(lowered) else ():
            if m.group("old") or not (m.group("pre") or m.group("post")):
                continue
            value = max(self._number(m.group("num")), self._number(m.group("num2") or "0"))
            days = value * self.units[m.group("unit")]
            over = m.group("pre") == "over" or lowered.endswith("over ", 0, m.start())
            dates_event = "ago" in (m.group("post") or "") and self._dates_event(lowered, m.start())
            # "for 3 days since I quit" is how long the symptom lasted; "3 days since I quit"
            # dates the quitting
            clause_end = None
            if not dates_event and m.group("pre") != "for":
                clause_end = self._dates_next_event(lowered, m.end())
            if clause_end is not None:
                dates_event = True
                blank = " " * (clause_end - m.start())
                ties_text = ties_text[: m.start()] + blank + ties_text[clause_end:]
            (events if dates_event else found).append((days, *m.span(), over))
        for m in self.phrase_re.finditer(lowered):
            found.append((self.phrase_days[m.group(1)], *m.span(), False))
        for m in self.weekday_re.finditer(lowered) if "since" in lowered else ():
            days = (today.weekday() - self.weekdays.index(m.group(1))) % 7
            found.append((float(days or 7), *m.span(), False))
        # a time that dates a cause is not the symptom's duration, unless the text ties the two
        if events and self.tie_re.search(ties_text):
            found += events
        if not found:
            return None
        days, start, end, over = max(found, key=lambda item: item[0])
        return round(days, 2), start, end, over

    def _dates_event(self, lowered: str, start: int) -> bool:
        """Whether the clause before ``start`` names an event ("quit smoking 3 days ago")."""
        clause_start = max(lowered.rfind(mark, 0, start) for mark in self.clause_breaks) + 1
        return self.event_re.search(lowered, clause_start, start) is not None

    def _dates_next_event(self, lowered: str, end: int) -> int | None:
        """Where the clause ends, when the time ending at ``end`` counts from an event named
        after it: "it's been 4 days since I stopped smoking" dates the quitting, not the symptom.
        None when it does not."""
        if (since := self.since_re.match(lowered, end)) is None:
            return None
        breaks = [i for mark in self.clause_breaks if (i := lowered.find(mark, since.end())) >= 0]
        clause_end = min(breaks, default=len(lowered))
        found = self.event_re.search(lowered, since.end(), clause_end)
        return clause_end if found else None

    def _clause(self, analysis: Analysis, start: int, end: int) -> tuple[int, int] | None:
        """The character span of the clause around [start, end): tokens up to where a negation
        scope would end (``Analysis.scope_end``). None when offsets of the lowered text do not
        match the input's (a few characters change length when lowered)."""
        if len(analysis.text.lower()) != len(analysis.text) or not analysis.starts:
            return None
        first = last = None
        for i, (s, e) in enumerate(zip(analysis.starts, analysis.ends, strict=True)):
            if e > start and s < end:
                first = i if first is None else first
                last = i
        if first is None:
            return None
        ends = analysis.scope_end
        while first > 0 and not ends[first - 1]:
            first -= 1
        while last + 1 < len(ends) and not ends[last + 1]:
            last += 1
        return analysis.starts[first], analysis.ends[last]

    def read(self, analysis: Analysis, today: date | None = None) -> Timeline:
        """The longest stated duration counts: under-reading one would under-triage."""
        longest = self._longest_duration(analysis.text, today or date.today())
        days = longest[0] if longest else None
        stated = None
        if longest is not None:  # offsets of the lowered text: the input's own words when equal
            text = analysis.text if len(analysis.text.lower()) == len(analysis.text) else None
            stated = (text or analysis.text.lower())[longest[1] : longest[2]].strip()
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
        elif longest is not None and longest[0] >= self.lexicon.onset.slow_duration_days:
            onset, onset_text = "slow", stated
            if not longest[3]:
                # "for 3 weeks" may belong to another symptom than the red flag: it says nothing
                # of the other clauses ("over 3 weeks" speaks for the whole text); a clause that
                # cannot be placed holds back no red flag (the safe side)
                clause = self._clause(analysis, longest[1], longest[2]) or (0, 0)
                return Timeline(days, onset, onset_text, marks.get("recurring"), clause, stated)
        return Timeline(days, onset, onset_text, marks.get("recurring"), None, stated)
