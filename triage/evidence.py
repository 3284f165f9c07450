"""Evidence: the input's own words that push a score up most, as short exact phrases.

The cause classifier and the learned warning-sign detector are both linear over the tokens, so
each token's share of a score is exact; both pick their evidence here, the same way.
"""

from __future__ import annotations

from triage.text import Analysis

MAX_EVIDENCE = 4
EVIDENCE_MIN_SHARE = 0.2  # a word is evidence when it pushes at least this share of the strongest


def candidates(analysis: Analysis, hypothetical_too: bool = False) -> list[int]:
    """Tokens that may be evidence: denied words ("no cold sores"), stop words and bare numbers
    never are; with ``hypothetical_too``, nor are feared or past ones ("what if it is a stroke")."""
    return [
        i
        for i, r in enumerate(analysis.rendered)
        if r
        and not analysis.negated[i]
        and not analysis.is_stop[i]
        and not analysis.like_num[i]
        and not (hypothetical_too and analysis.hypothetical[i])
    ]


def spans(analysis: Analysis, column: list[float], eligible: list[int]) -> list[tuple[int, int]]:
    """Token spans [start, end) of the strongest words (``column``: each token's share of the
    score), adjacent words merged, strongest first; a number right before a chosen word stays
    with it ("four espressos")."""
    positive = [i for i in eligible if column[i] > 0]
    if not positive:
        return []
    floor = EVIDENCE_MIN_SHARE * max(column[i] for i in positive)
    chosen = sorted((i for i in positive if column[i] >= floor), key=lambda i: -column[i])
    chosen_set = set(chosen[:MAX_EVIDENCE])
    chosen_set |= {i - 1 for i in chosen_set if i > 0 and analysis.like_num[i - 1]}
    merged: list[list] = []  # [weight, start, end)
    for i in sorted(chosen_set):
        if merged and merged[-1][2] == i:
            merged[-1][0] = max(merged[-1][0], column[i])
            merged[-1][2] = i + 1
        else:
            merged.append([column[i], i, i + 1])
    merged.sort(key=lambda span: -span[0])
    return [(start, end) for _, start, end in merged]


def phrases(analysis: Analysis, column: list[float], eligible: list[int]) -> list[str]:
    """The evidence as exact substrings of the input, strongest first."""
    return [analysis.span_text(start, end) for start, end in spans(analysis, column, eligible)]
