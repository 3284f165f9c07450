"""spaCy text processing shared by the classifier's features and the rule layer.

One pass gives every token its lower-case lookup lemma and whether it sits inside a negated or
hypothetical scope (NegEx: a trigger opens a scope that runs forward to a terminator, a punctuation
mark or a window of tokens). Both the model and the red-flag rules read the same ``Analysis``, so
"no cold sores" is a denial for the features and for the rules alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import spacy
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

# What the rendered text uses for a token inside a negated scope, and for any number.
NEG_PREFIX = "NEG_"
NUMBER = "<num>"
# The lookup table is a plain word list, so a few forms it gets wrong for this domain are fixed here:
# "left" is a side of the face here, not the past of "leave".
LEMMA_OVERRIDES = {"left": "left", "lips": "lip", "fits": "fit", "meds": "med", "palsy": "palsy"}


@dataclass(frozen=True)
class ScopeLexicon:
    """The trigger lists of ``corpus/lexicon.yaml`` (kept as tuples so estimators can hold them)."""

    triggers: tuple[str, ...] = ("no", "not", "never", "without")
    pseudo: tuple[str, ...] = ("can not", "no longer")
    hypothetical: tuple[str, ...] = ("what if", "if", "worried")
    terminators: tuple[str, ...] = ("but", "and")
    scope_window: int = 8


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
    rendered: list[str | None] = field(default_factory=list)  # feature form, None when dropped


class TextAnalyzer:
    """Tokenizer, lookup lemmatizer and scope finder built from ``spacy.blank("en")``.

    Building it costs a few tenths of a second (the lemma table), so it is built once per process
    and shared; it holds no per-text state.
    """

    def __init__(self, lexicon: ScopeLexicon) -> None:
        self.lexicon = lexicon
        self.nlp = spacy.blank("en")
        self.lemma_table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.scope_matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        for key in ("triggers", "pseudo", "hypothetical", "terminators"):
            self.scope_matcher.add(key, [self.phrase_doc(p) for p in getattr(lexicon, key)])

    def lemma_of(self, norm: str) -> str:
        if norm in LEMMA_OVERRIDES:
            return LEMMA_OVERRIDES[norm]
        return self.lemma_table.get(norm, norm)

    def make_doc(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.lemma_ = self.lemma_of(token.norm_)
        return doc

    def phrase_doc(self, phrase: str) -> Doc:
        """A lexicon phrase as a doc with lemmas, for PhraseMatcher patterns on LEMMA."""
        return self.make_doc(phrase.lower())

    def analyse(self, text: str) -> Analysis:
        doc = self.make_doc(text)
        n = len(doc)
        lemmas = [t.lemma_ for t in doc]
        negated, hypothetical = [False] * n, [False] * n
        neg_trigger, is_trigger = [-1] * n, [False] * n
        stops = [t.is_punct for t in doc]
        spans: dict[str, list[tuple[int, int]]] = {
            "triggers": [],
            "pseudo": [],
            "hypothetical": [],
            "terminators": [],
        }
        for match_id, start, end in self.scope_matcher(doc):
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
        analysis = Analysis(text, doc, lemmas, negated, hypothetical, neg_trigger, is_trigger)
        analysis.rendered = [self._render_token(analysis, i) for i in range(n)]
        return analysis

    @staticmethod
    def _render_token(analysis: Analysis, i: int) -> str | None:
        token = analysis.doc[i]
        if token.is_punct or token.is_space:
            return None
        form = NUMBER if token.like_num else analysis.lemmas[i]
        return NEG_PREFIX + form if analysis.negated[i] else form

    @staticmethod
    def render(analysis: Analysis) -> str:
        """The text the vectorizers read: lemmas, numbers folded, negated words marked."""
        return " ".join(r for r in analysis.rendered if r)
