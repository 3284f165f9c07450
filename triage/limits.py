"""Bounds that several layers state: each is written here once.

The API refuses a longer text or a larger batch, the page tells people the text limit, and the CLI
scores files in batches of this size; ``top_k`` can ask for at most every cause.
"""

from __future__ import annotations

from triage.knowledge import CAUSE_IDS

MAX_TEXT_CHARS = 5000
MAX_BATCH = 256
MAX_TOP_K = len(CAUSE_IDS)
