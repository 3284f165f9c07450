"""spaCy text processing shared by the classifier's features and the rule layer.

One pass gives every token its lower-case lookup lemma and whether it sits inside a negated or
hypothetical scope (NegEx: a trigger opens a scope that runs forward to a terminator, a punctuation
mark or a window of tokens). Both the model and the red-flag rules read the same ``Analysis``, so
"no cold sores" is a denial for the features and for the rules alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy
import spacy
from spacy.attrs import IDX, LEMMA, NORM, ORTH
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

# What the rendered text uses for a token inside a negated scope, and for any number.
NEG_PREFIX = "NEG_"
NUMBER = "<num>"
# spaCy's tokenizer strips affixes from each whitespace-free run one by one, which is quadratic on
# runs of emoji or punctuation thousands of characters long. No word is this long, so such a run is
# tokenized as a placeholder of the same length: offsets into the input stay exact.
LONG_RUN = re.compile(r"\S{60,}")
# distinct (word, norm) pairs whose lemma and flags are remembered
LEXEME_CACHE_SIZE = 100_000
# the phrase lists of ``ScopeLexicon``, each a match key of the scope PhraseMatcher
SCOPE_KINDS = (
    "triggers",
    "pseudo",
    "hypothetical",
    "historical_post",
    "historical_sentence",
    "terminators",
    "idioms",
    "age_anchors",
)
SENTENCE_ENDS = frozenset(".!?;")


def drop_negated(rendered: str) -> str:
    """Character n-grams must not see denied words, or "no cold sores" would still vote herpes.

    The preprocessor of the character vectorizer; here, beside the rendering it undoes, because the
    serving form (``triage.compact``) applies it too, without scikit-learn.
    """
    return " ".join(w for w in rendered.split(" ") if not w.startswith(NEG_PREFIX) and w != NUMBER)


@dataclass(frozen=True)
class ScopeLexicon:
    """The word lists of ``corpus/lexicon.yaml`` that text processing needs: scope triggers and
    spelling fixes (kept as tuples so estimators can hold them)."""

    triggers: tuple[str, ...] = ()
    pseudo: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    historical_post: tuple[str, ...] = ()
    terminators: tuple[str, ...] = ()
    idioms: tuple[str, ...] = ()
    historical_sentence: tuple[str, ...] = ()
    # "when she was" + a number dates its clause like a past year: "a fit when she was 18 months"
    age_anchors: tuple[str, ...] = ()
    not_an_age: tuple[str, ...] = ()  # after the number: it was a time, not an age ("5 minutes")
    scope_window: int = 8
    spelling: tuple[tuple[str, str], ...] = ()  # (misspelling, word meant)
    # (word, lemma) where the lookup table is wrong for this domain
    lemma_overrides: tuple[tuple[str, str], ...] = ()
    past_year_min: int = 0  # a year from this one to last year dates its clause (0: off)
    # a general question ("can stress cause a seizure?"): its opening words, and the words that
    # make it personal and so no general question ("my", "he", "this", "suddenly")
    question_openers: tuple[str, ...] = ()
    question_personal: tuple[str, ...] = ()
    question_reported: tuple[str, ...] = ()  # anywhere in the text: no general question
    # words that say when, never what ("twenty minutes ago"): the learned detector does not read
    # them, or it learns that a recent start is an emergency (``detector.guarded_rendered``)
    time_words: tuple[str, ...] = ()


@dataclass
class Analysis:
    """A text after processing: the spaCy doc plus per-token lemma and scope marks."""

    text: str
    doc: Doc
    lemmas: list[str]
    negated: list[bool]
    hypothetical: list[bool]
    # index of the trigger token that opened the negated scope a token is in, -1 when none
    neg_trigger: list[int]
    is_trigger: list[bool]
    # per-token attributes read once from the doc (iterating a Doc builds Token objects: slow)
    lower: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # character offsets of each token
    ends: list[int] = field(default_factory=list)
    is_stop: list[bool] = field(default_factory=list)
    like_num: list[bool] = field(default_factory=list)
    rendered: list[str | None] = field(default_factory=list)  # feature form, None when dropped
    # where a scope or a clause ends: punctuation and terminator words ("but", "and", "now", ...)
    scope_end: list[bool] = field(default_factory=list)
    is_time: list[bool] = field(default_factory=list)  # a word of ``ScopeLexicon.time_words``

    def span_text(self, start: int, end: int) -> str:
        """The input's own characters for tokens [start, end): an exact substring."""
        return self.text[self.starts[start] : self.ends[end - 1]]


class TextAnalyzer:
    """Tokenizer, lookup lemmatizer and scope finder built from ``spacy.blank("en")``.

    Building it costs a few tenths of a second (the lemma table), so it is built once per process
    and shared; it holds no per-text state.
    """

    def __init__(self, lexicon: ScopeLexicon) -> None:
        self.lexicon = lexicon
        self.nlp = spacy.blank("en")
        self._add_upper_case_contractions()
        self.lemma_table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._lexeme_cache: dict[tuple[int, int], tuple] = {}
        self.spelling = {wrong: meant for wrong, meant in lexicon.spelling}
        self.lemma_overrides = dict(lexicon.lemma_overrides)
        self.not_an_age = frozenset(lexicon.not_an_age)
        self.question_openers = frozenset(lexicon.question_openers)
        self.question_personal = frozenset(lexicon.question_personal)
        self.question_reported = frozenset(lexicon.question_reported)
        self.denials = frozenset(lexicon.triggers)  # "can not breathe?" is no question
        self.time_words = frozenset(lexicon.time_words)
        # phrases match on lemmas ("worried" = "worry"); "=turn into" matches the exact words, so
        # "could turn into" is a fear while "turned into" is a fact
        self.scope_matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.exact_scope_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for key in SCOPE_KINDS:
            phrases = getattr(lexicon, key)
            if lemma_phrases := [p for p in phrases if not p.startswith("=")]:
                self.scope_matcher.add(key, [self.phrase_doc(p) for p in lemma_phrases])
            if exact := [p[1:] for p in phrases if p.startswith("=")]:
                self.exact_scope_matcher.add(key, [self.phrase_doc(p) for p in exact])

    def _add_upper_case_contractions(self) -> None:
        """spaCy splits "can't" and "Can't" into "ca" + "n't" but leaves "CAN'T" whole, so a text
        typed in capitals would lose every negation and "can not" finding. Each lower-case
        contraction of its tokenizer exceptions gets the same split in capitals."""
        tokenizer = self.nlp.tokenizer
        for key, pieces in list(tokenizer.rules.items()):
            upper = key.upper()
            if ("'" in key or "’" in key) and key == key.lower() and upper not in tokenizer.rules:
                tokenizer.add_special_case(
                    upper,
                    [{ORTH: p[ORTH].upper(), NORM: p.get(NORM, p[ORTH].lower())} for p in pieces],
                )

    def lemma_of(self, norm: str) -> str:
        """The lemma a word is known by, after fixing a common misspelling ("swollow")."""
        norm = self.spelling.get(norm, norm)
        if norm in self.lemma_overrides:
            return self.lemma_overrides[norm]
        return self.lemma_table.get(norm, norm)

    @staticmethod
    def _shorten_runs(text: str) -> str:
        return LONG_RUN.sub(lambda m: "x" * len(m.group()), text)

    def tokenize(self, text: str) -> Doc:
        return self.nlp.make_doc(self._shorten_runs(text))

    def make_doc(self, text: str) -> Doc:
        doc = self.tokenize(text)
        self._token_table(doc)
        return doc

    def _token_table(self, doc: Doc) -> list[list]:
        """One pass over the doc: set each token's lemma (the Matchers read it) and return the
        attributes the rest of the analysis needs as columns of plain Python values: lemma,
        lemma id, lower, length, is_punct, is_stop, like_num, feature form (None for punctuation
        and spaces), start offset.

        Reads the doc as arrays and caches per (word, norm): building a spaCy ``Token`` per word
        costs more than everything done with it.
        """
        rows = doc.to_array([ORTH, NORM, IDX]).tolist()
        if not rows:
            return [[] for _ in range(9)]  # the 8 cached columns and the start offsets
        cache = self._lexeme_cache
        if len(cache) >= LEXEME_CACHE_SIZE:
            cache.clear()
        entries = [cache.get((o, n)) or self._remember(o, n) for o, n, _ in rows]
        columns = [list(column) for column in zip(*entries, strict=True)]
        columns.append([start for _, _, start in rows])
        doc.from_array([LEMMA], numpy.array(columns[1], dtype=numpy.uint64).reshape(-1, 1))
        return columns

    def _remember(self, orth: int, norm: int) -> tuple:
        entry = self._lemma_entry(orth, norm)
        self._lexeme_cache[(orth, norm)] = entry
        return entry

    def _lemma_entry(self, orth: int, norm: int) -> tuple:
        lex = self.nlp.vocab[orth]
        lemma = self.lemma_of(self.nlp.vocab.strings[norm])
        lemma_id = self.nlp.vocab.strings.add(lemma)
        visible = not (lex.is_punct or lex.is_space)
        form = (NUMBER if lex.like_num else lemma) if visible else None
        return (
            lemma,
            lemma_id,
            lex.lower_,
            len(lex.orth_),
            lex.is_punct,
            lex.is_stop,
            lex.like_num,
            form,
        )

    def phrase_doc(self, phrase: str) -> Doc:
        """A lexicon phrase as a doc with lemmas, for PhraseMatcher patterns on LEMMA."""
        return self.make_doc(phrase.lower())

    def analyse(self, text: str) -> Analysis:
        return self._analyse_doc(text, self.tokenize(text))

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        """Many texts through ``nlp.pipe``; the same analyses as ``analyse`` one by one."""
        docs = self.nlp.pipe(self._shorten_runs(t) for t in texts)
        return [self._analyse_doc(text, doc) for text, doc in zip(texts, docs, strict=True)]

    def _analyse_doc(self, text: str, doc: Doc) -> Analysis:
        lemmas, _, lower, lengths, punct, is_stop, like_num, forms, starts = self._token_table(doc)
        n = len(doc)
        negated, hypothetical = [False] * n, [False] * n
        neg_trigger, is_trigger = [-1] * n, [False] * n
        stops = punct.copy()  # where a scope ends: punctuation and terminator words
        spans: dict[str, list[tuple[int, int]]] = {kind: [] for kind in SCOPE_KINDS}
        for match_id, start, end in [*self.scope_matcher(doc), *self.exact_scope_matcher(doc)]:
            spans[self.nlp.vocab.strings[match_id]].append((start, end))
        pseudo_tokens = {i for s, e in spans["pseudo"] for i in range(s, e)}
        for s, _ in spans["terminators"]:
            stops[s] = True
        window = self.lexicon.scope_window
        for kind, marks in (("triggers", negated), ("hypothetical", hypothetical)):
            for start, end in sorted(spans[kind]):
                if any(i in pseudo_tokens for i in range(start, end)):
                    continue
                if kind == "triggers":
                    for i in range(start, end):
                        is_trigger[i] = True
                i = end
                while i < n and i < end + window and not stops[i]:
                    marks[i] = True
                    if kind == "triggers" and neg_trigger[i] < 0:
                        neg_trigger[i] = start
                    i += 1
        for start, end in spans["idioms"]:  # "my arm is dead tired" reports no dead arm
            for i in range(start, end):
                hypothetical[i] = True
        if spans["historical_sentence"]:  # back over commas to the start of the sentence
            sentence_ends = [word in SENTENCE_ENDS for word in lower]
            for start, _ in spans["historical_sentence"]:
                self._mark_back(hypothetical, start, 2 * window, sentence_ends)
        for start, end in spans["historical_post"]:  # a past finding is not a present red flag
            if not any(i in pseudo_tokens for i in range(start, end)):  # "all at once" is now
                self._mark_back(hypothetical, start, window, stops)
        dates = (
            self._past_years(lower, like_num)
            + [  # "when I was 14": an age dates it too
                end
                for _, end in spans["age_anchors"]
                if any(like_num[end : end + 2])
                and self.not_an_age.isdisjoint(lemmas[end + 1 : end + 3])  # "when he was 5 min in"
            ]
        )
        if dates:  # "back in 2016 I had a TIA": a past date marks its clause
            self._mark_dated_clauses(hypothetical, lower, dates, spans["terminators"])
        if "?" in text and self.lexicon.question_openers:
            self._mark_general_questions(hypothetical, lower, lemmas)
        rendered: list[str | None] = forms  # the cache's column is a fresh list: changed in place
        for i, neg in enumerate(negated):
            if neg and forms[i] is not None:
                rendered[i] = NEG_PREFIX + forms[i]
        return Analysis(
            text=text,
            doc=doc,
            lemmas=lemmas,
            negated=negated,
            hypothetical=hypothetical,
            neg_trigger=neg_trigger,
            is_trigger=is_trigger,
            lower=lower,
            starts=starts,
            ends=[start + length for start, length in zip(starts, lengths, strict=True)],
            is_stop=is_stop,
            like_num=like_num,
            rendered=rendered,
            scope_end=stops,
            is_time=[w in self.time_words for w in lower] if self.time_words else [False] * n,
        )

    def _past_years(self, lower: list[str], like_num: list[bool]) -> list[int]:
        """The tokens that name a year before this one (from ``past_year_min`` on)."""
        if not self.lexicon.past_year_min:
            return []
        this_year = date.today().year
        return [
            i
            for i, word in enumerate(lower)
            if like_num[i]
            and len(word) == 4
            and word.isdigit()
            and self.lexicon.past_year_min <= int(word) < this_year
        ]

    @staticmethod
    def _mark_dated_clauses(
        marks: list[bool],
        lower: list[str],
        dates: list[int],
        terminators: list[tuple[int, int]],
    ) -> None:
        """Mark the words around each past date, out to the sentence's ends or a terminator
        ("and", "but", "now"), whichever is nearer: "in 2010 he had a stroke" is past,
        "epilepsy since 2015 and today a seizure" is not."""
        bounds = [word in SENTENCE_ENDS for word in lower]
        for start, _ in terminators:
            bounds[start] = True
        for i in dates:
            j = i
            while j > 0 and not bounds[j - 1]:
                j -= 1
            k = i
            while k < len(lower) and not bounds[k]:
                marks[k] = True
                k += 1
            for m in range(j, i):
                marks[m] = True

    def _mark_general_questions(
        self, marks: list[bool], lower: list[str], lemmas: list[str]
    ) -> None:
        """Mark each sentence that asks about signs in general: it opens with a question word,
        ends with "?", and names no one and nothing now ("is it normal to faint at a blood
        test?"), in a text that says nothing has happened. "Can not breathe?" opens with a
        denial, not a question; "is my dad having a stroke?" and "is this a stroke?" are personal."""
        if not self.question_reported.isdisjoint(lower):
            return
        start = 0
        for end, word in enumerate(lower):
            if word not in SENTENCE_ENDS:
                continue
            words = [i for i in range(start, end) if lower[i].strip()]
            if (
                word == "?"
                and words
                and lower[words[0]] in self.question_openers
                and (len(words) < 2 or lemmas[words[1]] not in self.denials)
                and self.question_personal.isdisjoint(lower[i] for i in words)
            ):
                for i in range(start, end + 1):
                    marks[i] = True
            start = end + 1

    @staticmethod
    def _mark_back(marks: list[bool], start: int, window: int, ends: list[bool]) -> None:
        """Mark the tokens before ``start``, back to the nearest end or ``window`` tokens."""
        i = start - 1
        while i >= 0 and i >= start - window and not ends[i]:
            marks[i] = True
            i -= 1

    @staticmethod
    def render(analysis: Analysis) -> str:
        """The text the vectorizers read: lemmas, numbers folded, negated words marked."""
        return " ".join(r for r in analysis.rendered if r)
