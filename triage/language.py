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
   Its model is written into the artifact uncompressed (``training.language``) and memory-mapped
   here: py3langid's own load decompresses 70 MB and expands its automaton into Python lists,
   most of a second and 70 MB of memory, of which a text reads a few hundred entries.

The thresholds are data (``lexicon.language``), chosen on one blind-written set of texts and
measured on another in ``make evaluate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from py3langid.langid import RAW_FLOOR, LanguageIdentifier

from triage import kernels
from triage.checksums import check
from triage.knowledge import LanguageSettings

WORD = re.compile(r"[^\W\d_]+")  # runs of letters, in any script
LATIN_END = "\u0250"  # Basic Latin to Latin Extended-B: English, and most European languages
BEYOND_LATIN = re.compile(f"[{LATIN_END}-\U0010ffff]")  # counted in C, not char by char
# py3langid's model arrays (``py3langid.modelio``), one ``.npy`` file each in the artifact
IDENTIFIER_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def identifier_paths(directory: Path) -> dict[str, Path]:
    """The file of each array of the identifier in an artifact's directory for it."""
    return {name: directory / f"{name}.npy" for name in IDENTIFIER_ARRAYS}


@dataclass(frozen=True)
class IdentifierFiles:
    """Where an artifact keeps the identifier's arrays, and the sha256 each must have."""

    directory: Path
    sha256: tuple[tuple[str, str], ...]  # (array name, sha256), one per array


class MappedIdentifier(LanguageIdentifier):
    """py3langid's identifier over its model's own arrays, memory-mapped: the same scores.

    Only the feature walk differs: py3langid's runs over its automaton expanded into lists,
    this one over the deduplicated rows as stored (``kernels.dfa_visits``); both count the same
    features in the same order, and scoring, calibration and the answer are py3langid's own.
    """

    __slots__ = ("_walk",)

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        classes = [str(c) for c in arrays["classes"].tolist()]
        super().__init__(
            arrays["ptc"], arrays["pc"], classes, None, None, norm_probs=True, tk_row=()
        )
        # memoryviews: indexed one by one in the interpreted form, they give Python ints
        self._walk = tuple(memoryview(arrays[k]) for k in ("nextmove", "nextmove_row", "out_feat"))

    @classmethod
    def from_files(cls, files: IdentifierFiles) -> MappedIdentifier:
        """Check each file's sha256, then map it (copy-on-write: writable for the kernels'
        typed views, never written, so only the pages a text reads are resident)."""
        paths = identifier_paths(files.directory)
        sha256 = dict(files.sha256)
        check({paths[name]: sha256.get(name, "") for name in IDENTIFIER_ARRAYS})
        return cls({name: np.load(path, mmap_mode="c") for name, path in paths.items()})

    def _raw_score(self, text: bytes) -> np.ndarray:
        visits = kernels.dfa_visits(*self._walk, text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        fill = 0.0 if self._norm_probs else RAW_FLOOR  # py3langid's own rule for no features
        return np.full(len(self.nb_classes), fill, dtype=np.float32)


@cache
def _identifier(files: IdentifierFiles) -> Future:
    """The identifier of these files, loaded once per process, in a thread of its own, so its
    checksums are computed while the rest of the analyser is built (``preload``: hashing runs
    without the GIL); the analyser waits for it before it is done (``LanguageGate.wait``)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="language-identifier")
    future = pool.submit(MappedIdentifier.from_files, files)  # its error is raised to who waits
    pool.shutdown(wait=False)  # the thread ends with the load
    return future


def preload(files: IdentifierFiles) -> None:
    """Start loading the identifier now, if it is not loaded or loading already."""
    _identifier(files)


class LanguageGate:
    """``language(text)`` is None for English, else the ISO 639-1 code of the text's language."""

    def __init__(
        self,
        english_words: Iterable[str],
        settings: LanguageSettings,
        identifier: IdentifierFiles | None,
    ) -> None:
        self.english = frozenset(english_words)
        if not self.english:
            raise ValueError("the language gate needs the English word list of the artifact")
        if identifier is None:
            raise ValueError("the language gate needs the identifier files of the artifact")
        self.settings = settings
        self._identifier = _identifier(identifier)

    @property
    def identifier(self) -> MappedIdentifier:
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
