"""Which language a text is in: the service understands English only, and says so.

A Spanish or French text run through an English model gets a confident wrong cause ("ma lèvre
supérieure tremble" read as Parkinson's), or no level at all. Language identifiers are unreliable
on the few words people type ("lip twitch" is Latin, Tagalog or Danish to them), so the gate asks
two questions, cheapest first:

1. Are most of the words common English words? Then it is English, whatever an identifier says.
   The word list is the English words of spaCy's lookup tables (``spacy-lookups-data``) above a
   probability, written into the model artifact when it is trained (``training.language``).
2. Otherwise ``py3langid`` (its model inside the package, nothing downloaded) names the language;
   a text in another script, or named as another language with enough probability, is not English.

The thresholds are data (``lexicon.language``), chosen on one blind-written set of texts and
measured on another in ``make evaluate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

from triage.knowledge import LanguageSettings

WORD = re.compile(r"[^\W\d_]+")  # runs of letters, in any script
LATIN_END = "\u0250"  # Basic Latin to Latin Extended-B: English, and most European languages
BEYOND_LATIN = re.compile(f"[{LATIN_END}-\U0010ffff]")  # counted in C, not char by char


def _load_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _identifier() -> Future:
    """py3langid's identifier with normalised probabilities, loaded once per process, in a
    thread of its own: it takes most of a second, mostly decompressing its LZMA model, which
    runs without the GIL, so the load overlaps with building the rest of the analyser
    (``preload``); the analyser waits for it before it is done (``LanguageGate.wait``)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="language-identifier")
    future = pool.submit(_load_identifier)  # an error of the load is raised to who waits
    pool.shutdown(wait=False)  # the thread ends with the load
    return future


def preload() -> None:
    """Start loading the identifier now, if it is not loaded or loading already."""
    _identifier()


class LanguageGate:
    """``language(text)`` is None for English, else the ISO 639-1 code of the text's language."""

    def __init__(self, english_words: Iterable[str], settings: LanguageSettings) -> None:
        self.english = frozenset(english_words)
        if not self.english:
            raise ValueError("the language gate needs the English word list of the artifact")
        self.settings = settings
        self._identifier = _identifier()

    @property
    def identifier(self) -> Any:
        """The identifier, waiting for its load if it is not done yet."""
        return self._identifier.result()

    def wait(self) -> None:
        """Return once the identifier is loaded; raise what its load raised."""
        self._identifier.result()

    def english_share(self, words: list[str]) -> float:
        """The share of the words that are common English words."""
        # map, not a generator: the same count without a Python frame per word
        return sum(map(self.english.__contains__, map(str.lower, words))) / len(words)

    def language(self, text: str) -> str | None:
        words = WORD.findall(text)
        if not words:  # digits and punctuation only: nothing to tell
            return None
        letters = "".join(words)
        beyond = len(BEYOND_LATIN.findall(letters))
        latin = (len(letters) - beyond) / len(letters) >= self.settings.latin_share
        if latin and self.english_share(words) >= self.settings.english_share:
            return None
        code, probability = self.identifier.classify(text)
        if code == "en":
            return None
        if not latin or probability >= self.settings.min_probability:
            return str(code)
        return None
