"""The English word list of the language gate (``triage.language``), written into the artifact.

spaCy's English lookup tables hold a probability for a million word forms, most of them rare
(names, typos, other languages' words seen in English web text). Only the common ones tell that a
text is English; kept above ``common_word_logprob`` they are some thousands of words, small
enough to ship in ``serving.json`` and load at start without reading the whole table.
"""

from __future__ import annotations

import gzip
import json
from importlib import resources

TABLE = "en_lexeme_prob.json.gz"


def english_words(common_word_logprob: float) -> list[str]:
    """The English words at least as probable as ``common_word_logprob`` (natural log), sorted."""
    data = resources.files("spacy_lookups_data") / "data" / TABLE
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        table: dict[str, float] = json.load(handle)
    return sorted({w.lower() for w, p in table.items() if p >= common_word_logprob})
