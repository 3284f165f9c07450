"""What the language gate (``triage.language``) reads from the artifact: the English word list,
and py3langid's model uncompressed.

spaCy's English lookup tables hold a probability for a million word forms, most of them rare
(names, typos, other languages' words seen in English web text). Only the common ones tell that a
text is English; kept above ``common_word_logprob`` they are some thousands of words, small
enough to ship in ``serving.json`` and load at start without reading the whole table.
"""

from __future__ import annotations

import gzip
import io
import json
import lzma
from importlib import resources
from pathlib import Path

import numpy as np

from triage.language import identifier_paths

TABLE = "en_lexeme_prob.json.gz"


def english_words(common_word_logprob: float) -> list[str]:
    """The English words at least as probable as ``common_word_logprob`` (natural log), sorted."""
    data = resources.files("spacy_lookups_data") / "data" / TABLE
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        table: dict[str, float] = json.load(handle)
    return sorted({w.lower() for w, p in table.items() if p >= common_word_logprob})


def write_identifier(directory: Path) -> None:
    """Write py3langid's model, as its package ships it, uncompressed: one ``.npy`` per array
    (``identifier_paths``), for ``triage.language.MappedIdentifier`` to memory-map.

    The arrays are the package's own, unchanged (py3langid is pinned in ``meta.json``), so
    the mapped identifier scores as py3langid does; a test checks it over the corpus.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    directory.mkdir(parents=True, exist_ok=True)
    with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
        npz = io.BytesIO(packed.read())
    with np.load(npz, allow_pickle=False) as arrays:
        for name, path in identifier_paths(directory).items():
            np.save(path, np.ascontiguousarray(arrays[name]))
