"""The per-occurrence arithmetic of the linear models, in Cython's pure-Python mode.

One source runs both ways: ``make install`` compiles this file with Cython (``setup.py``) into
C loops, and where the compiled module is missing Python runs the same lines, far slower but with
the same operations in the same order, so both forms give identical answers (a test runs both
over the whole corpus). ``triage.compact`` calls it; ``COMPILED`` says which form is loaded.

Why loops and not NumPy: a text has a few hundred feature occurrences, and at that size each NumPy
call costs more in set-up than in arithmetic, while a vocabulary-long count vector (86,000 entries
for the detector) costs more than the whole text.
"""

from __future__ import annotations

import cython
import numpy as np

if cython.compiled:
    from cython.cimports.libc.math import exp, log, sqrt
else:
    from math import exp, log, sqrt

COMPILED: bool = cython.compiled


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def tfidf_logits(
    feats: cython.longlong[::1],
    occurrence: cython.double[::1],
    idf: cython.double[::1],
    coef: cython.double[:, ::1],
    intercept: cython.double[::1],
    n_words: cython.longlong,
    scratch: cython.double[::1],
    weights: cython.double[::1],
    logits: cython.double[::1],
) -> None:
    """Each occurrence's share of its feature's sublinear, l2-normalised TF-IDF value (into
    ``weights``), and the logits ``weights . coef[feats] + intercept`` (into ``logits``).

    ``scratch`` is a zeroed vector of the vocabulary's length, owned by the calling thread: the
    feature counts are added into it and taken out again, so it is zero again on return.
    ``n_words``: features below it are words, the rest character n-grams, each block normalised
    on its own as scikit-learn's FeatureUnion of two vectorizers does.
    """
    n: cython.Py_ssize_t = feats.shape[0]
    n_labels: cython.Py_ssize_t = intercept.shape[0]
    k: cython.Py_ssize_t
    j: cython.Py_ssize_t
    f: cython.longlong
    count: cython.double
    share: cython.double
    value: cython.double
    w: cython.double
    norm_words: cython.double = 0.0
    norm_chars: cython.double = 0.0
    for k in range(n):
        scratch[feats[k]] += occurrence[k]
    for k in range(n):  # the squared norm of each block, each distinct feature counted once
        f = feats[k]
        count = scratch[f]
        share = occurrence[k] / count
        value = (log(count) + 1.0) * idf[f]
        weights[k] = share * value
        if f < n_words:
            norm_words += share * value * value
        else:
            norm_chars += share * value * value
    norm_words = sqrt(norm_words)
    norm_chars = sqrt(norm_chars)
    for j in range(n_labels):
        logits[j] = intercept[j]
    for k in range(n):
        f = feats[k]
        scratch[f] = 0.0
        w = weights[k] / (norm_words if f < n_words else norm_chars)
        weights[k] = w
        for j in range(n_labels):
            logits[j] += w * coef[f, j]


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def softmax(logits: cython.double[::1], beta: cython.double, out: cython.double[::1]) -> None:
    """softmax(beta * logits) into ``out``, as temperature scaling calibrates it; a probability
    a rounding error put just above 1 is 1."""
    n: cython.Py_ssize_t = logits.shape[0]
    j: cython.Py_ssize_t
    top: cython.double = beta * logits[0]
    value: cython.double
    total: cython.double = 0.0
    for j in range(1, n):
        value = beta * logits[j]
        if value > top:
            top = value
    for j in range(n):
        value = exp(beta * logits[j] - top)
        out[j] = value
        total += value
    for j in range(n):
        value = out[j] / total
        if 1.0 < value <= 1.0 + 1e-5:
            value = 1.0
        out[j] = value


@cython.boundscheck(False)
@cython.wraparound(False)
def token_scores(
    feats: cython.longlong[::1],
    tokens: cython.longlong[::1],
    weights: cython.double[::1],
    coef: cython.double[:, ::1],
    row_mean: cython.double[::1],
    columns: cython.longlong[::1],
    centred: cython.bint,
    out: cython.double[:, ::1],
) -> None:
    """Into ``out`` (columns x tokens, zeroed): how much each token moved each column's logit,
    or with ``centred`` its logit minus the mean over labels (a row then sums to it)."""
    n: cython.Py_ssize_t = feats.shape[0]
    n_columns: cython.Py_ssize_t = columns.shape[0]
    k: cython.Py_ssize_t
    r: cython.Py_ssize_t
    f: cython.longlong
    t: cython.longlong
    for k in range(n):
        f = feats[k]
        t = tokens[k]
        for r in range(n_columns):
            if centred:
                out[r, t] += weights[k] * (coef[f, columns[r]] - row_mean[f])
            else:
                out[r, t] += weights[k] * coef[f, columns[r]]


@cython.boundscheck(False)
@cython.wraparound(False)
def gather(rendered: list, cache: dict, token_features, pair_feature) -> tuple:
    """The occurrences of one text: (features, tokens, occurrence weights) as arrays.

    Each rendered token (an empty one is skipped) gives its own features (a tuple of feature
    indices: from ``cache`` when it is there, else ``token_features(token)``), then each pair of neighbouring kept
    tokens its bigram (``pair_feature("a b")``: an index or None), listed once for each of its
    two tokens at weight 1/2, so a token's part of the logits is a sum over its occurrences.
    """
    n_tokens: cython.Py_ssize_t = len(rendered)
    i: cython.Py_ssize_t
    k: cython.Py_ssize_t
    m: cython.Py_ssize_t
    n_single: cython.Py_ssize_t = 0
    previous: cython.Py_ssize_t = -1
    owner: cython.longlong
    parts: list = []
    owners: list = []
    pair_features: list = []
    pair_left: list = []
    pair_right: list = []
    for i in range(n_tokens):
        token = rendered[i]
        if not token:
            continue
        ids = cache.get(token)
        if ids is None:
            ids = token_features(token)
        parts.append(ids)
        owners.append(i)
        n_single += len(ids)
        if previous >= 0:
            found = pair_feature(rendered[previous] + " " + token)
            if found is not None:
                pair_features.append(found)
                pair_left.append(previous)
                pair_right.append(i)
        previous = i
    n_pairs: cython.Py_ssize_t = len(pair_features)
    total: cython.Py_ssize_t = n_single + 2 * n_pairs
    features = np.empty(total, dtype=np.int64)
    tokens = np.empty(total, dtype=np.int64)
    occurrence = np.empty(total, dtype=np.float64)
    f_view: cython.longlong[::1] = features
    t_view: cython.longlong[::1] = tokens
    o_view: cython.double[::1] = occurrence
    k = 0
    for m in range(len(parts)):
        owner = owners[m]
        for feature in parts[m]:
            f_view[k] = feature
            t_view[k] = owner
            o_view[k] = 1.0
            k += 1
    for m in range(n_pairs):
        f_view[k] = pair_features[m]
        t_view[k] = pair_left[m]
        o_view[k] = 0.5
        f_view[k + n_pairs] = pair_features[m]
        t_view[k + n_pairs] = pair_right[m]
        o_view[k + n_pairs] = 0.5
        k += 1
    return features, tokens, occurrence


@cython.boundscheck(False)
@cython.wraparound(False)
def dfa_visits(
    rows: cython.uint[::1],
    row_of: cython.ushort[::1],
    out: cython.int[::1],
    text: bytes,
) -> dict:
    """py3langid's feature walk (``py3langid.langid.visit_counts``) over its DFA as arrays:
    each byte moves the state to ``rows[row_of[state] * 256 + byte]``, and a state whose ``out``
    is a feature counts it. Returns {feature: count} in the order features are first met, as
    py3langid's ``Counter`` does, so its scoring adds the same numbers in the same order.

    The arrays are the model's own deduplicated rows, memory-mapped (``triage.language``):
    py3langid expands them into Python lists of some 100,000 states at load, tens of
    megabytes that a text reads a few hundred entries of.
    """
    n: cython.Py_ssize_t = len(text)
    data: cython.p_uchar = text
    k: cython.Py_ssize_t
    state: cython.Py_ssize_t = 0
    f: cython.int
    counts: dict = {}
    for k in range(n):
        state = rows[row_of[state] * 256 + data[k]]
        f = out[state]
        if f >= 0:
            counts[f] = counts.get(f, 0) + 1
    return counts
