"""Evidence: the input's own words that push a score up most, as short exact phrases.

The cause classifier and the learned warning-sign detector are both linear over the tokens, so
each token's share of a score is exact; both pick their evidence here, the same way.
"""

from __future__ import annotations

import numpy as np

from triage.text import Analysis

MAX_EVIDENCE = 4
EVIDENCE_MIN_SHARE = 0.2  # a word is evidence when it pushes at least this share of the strongest


def candidates(
    analysis: Analysis, hypothetical_too: bool = False, filler: frozenset[str] = frozenset()
) -> list[int]:
    """Tokens that may be evidence: denied words ("no cold sores"), stop words, bare numbers and
    ``filler`` ("ok", "lol": ``lexicon.evidence.filler``) never are; with ``hypothetical_too``,
    nor are feared or past ones ("what if it is a stroke")."""
    return [
        i
        for i, r in enumerate(analysis.rendered)
        if r
        and not analysis.negated[i]
        and not analysis.is_stop[i]
        and not analysis.like_num[i]
        and not (hypothetical_too and analysis.hypothetical[i])
        and analysis.lower[i] not in filler
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


def whole(analysis: Analysis, start: int, end: int, partial: frozenset[str]) -> tuple[int, int]:
    """The span grown to whole words: a capitalised name ("Bull" of "Red Bull") takes in its
    capitalised neighbours, and a word that means nothing alone (``partial``: "left") the
    word after it ("left eye"). Reads only the neighbours, not the whole text."""
    text, starts, ends = analysis.text, analysis.starts, analysis.scope_end

    def capital(i: int) -> bool:
        return text[starts[i]].isupper()

    def opens(i: int) -> bool:  # a sentence or clause begins at token i
        return i == 0 or ends[i - 1]

    if capital(start) and not opens(start):
        while start > 0 and not opens(start - 1) and capital(start - 1):
            start -= 1
        while end < len(starts) and capital(end) and analysis.rendered[end]:
            end += 1
    alone = end - start == 1 and analysis.lower[start] in partial
    if alone and end < len(analysis.rendered) and analysis.rendered[end]:
        end += 0 if analysis.is_stop[end] else 1
    return start, end


def phrases(
    analysis: Analysis,
    column: list[float],
    eligible: list[int],
    partial: frozenset[str] = frozenset(),
) -> list[str]:
    """The evidence as exact substrings of the input, strongest first: whole words, each once
    (a word that means nothing alone and has no word to join is left out)."""
    out: list[str] = []
    seen: set[str] = set()
    for start, end in spans(analysis, column, eligible):
        start, end = whole(analysis, start, end, partial)
        if end - start == 1 and analysis.lower[start] in partial:
            continue
        phrase = analysis.span_text(start, end)
        if (key := phrase.lower()) not in seen and not any(key in s for s in seen):
            seen.add(key)
            out.append(phrase)
    return out


# a denied word counts against a cause when its own word feature moves that cause's centred
# logit by at least this much (the top 1 % of the vocabulary's words do)
DENIED_MIN_WEIGHT = 1.0
NEGATED = "NEG_"


def denied(
    analysis: Analysis,
    vocabulary: dict[str, int],
    weights: np.ndarray,
    row_mean: np.ndarray,
    skip: int | None,
) -> dict[int, list[str]]:
    """Evidence against: for each label, the words the text denies that would have pointed to it
    ("no blisters" against a cold sore), as exact substrings from the denial on. ``weights``:
    (n_features, n_labels), word features first, read against ``row_mean``, their mean over
    labels; ``skip``: a label never named (out of scope)."""
    out: dict[int, list[str]] = {}
    for i, rendered in enumerate(analysis.rendered):
        if not (rendered and rendered.startswith(NEGATED)) or analysis.is_stop[i]:
            continue
        feature = vocabulary.get(rendered[len(NEGATED) :])
        if feature is None:
            continue
        row = weights[feature] - row_mean[feature]
        label = int(row.argmax())
        if label == skip or row[label] < DENIED_MIN_WEIGHT:
            continue
        start = analysis.neg_trigger[i]
        if start > 0 and analysis.lower[start] == "n't":  # "don't", not "n't"
            start -= 1
        phrase = analysis.span_text(start if 0 <= start < i else i, i + 1)
        if phrase not in out.setdefault(label, []):
            out[label].append(phrase)
    return out
