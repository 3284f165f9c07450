"""Where the whole analysis of one text spends its time, stage by stage, in process.

The analyser's own parts are timed as the analyser calls them: each stage's method is wrapped,
on the objects of this analyser, by a timer for the length of the run, and the analysis runs
over the held-out and triage texts as ``make bench`` runs it. What no stage counts (the
classifier's probabilities, the evidence, the referral policy, building the answer) is the rest.
The wrappers are taken off again afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from triage.analyser import Analyser

ROUNDS = 3


def _stages(analyser: Analyser) -> list[tuple[str, object, str]]:
    """(row of the table, object, method name) of each timed stage this analyser has."""
    stages = [
        (
            "tokens, lemmas and scopes (spaCy tokenizer, PhraseMatchers)",
            analyser.processor,
            "analyse",
        ),
        ("language gate", analyser.language, "language"),
        ("classifier features and logits", analyser.model, "encode"),
        ("red-flag rules", analyser.flags, "find_with_denied"),
        ("learned detector (its own features and logits)", analyser.detector, "find"),
        ("timeline (duration, onset)", analyser.timeline, "read"),
        ("follow-up questions", analyser.interview, "choose"),
    ]
    return [(name, owner, method) for name, owner, method in stages if owner is not None]


@contextmanager
def _timed(stages: list[tuple[str, object, str]], spent: dict[str, int]) -> Iterator[None]:
    def wrap(name: str, method: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter_ns()
            try:
                return method(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter_ns() - started

        return timed

    for name, owner, method in stages:
        setattr(owner, method, wrap(name, getattr(owner, method)))
    try:
        yield
    finally:
        for _, owner, method in stages:
            delattr(owner, method)  # the instance attribute: the class's method shows again


def stage_figures(analyser: Analyser, texts: list[str], rounds: int = ROUNDS) -> dict:
    """Mean microseconds per text of each stage and of the whole analysis, the best round."""
    stages = _stages(analyser)
    for text in texts[:200]:  # warm the caches, as the in-process figures do
        analyser.analyse(text)
    best: dict[str, float] = {}
    for _ in range(rounds):
        spent = {name: 0 for name, _, _ in stages}
        with _timed(stages, spent):
            started = time.perf_counter_ns()
            for text in texts:
                analyser.analyse(text)
            whole = time.perf_counter_ns() - started
        if "whole" in best and whole / len(texts) / 1000 >= best["whole"]:
            continue
        best = {name: ns / len(texts) / 1000 for name, ns in spent.items()}
        best["rest"] = (whole - sum(spent.values())) / len(texts) / 1000
        best["whole"] = whole / len(texts) / 1000
    return {"rounds": rounds, "texts": len(texts), "mean_us": best}
