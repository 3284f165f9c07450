"""Bounds that several layers state: each is written here once.

The API refuses a longer text or a larger batch, the page tells people the text limit, and the CLI
scores files in batches of this size; ``top_k`` is bounded here, not by a corpus's causes.
"""

from __future__ import annotations

MAX_TEXT_CHARS = 5000
MAX_BATCH = 256
MAX_TOP_K = 11  # the API's bound (the contract: 1 to 11); a model with fewer causes lists them all
