"""The report's pictures, drawn with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import itertools

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import confusion_matrix


def confusion(y_true, y_pred, labels: list[str], path: Path) -> None:
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    fig, ax = plt.subplots(figsize=(9, 8))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for (i, j), value in np.ndenumerate(matrix):
        if value:
            ax.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                color="white" if value > matrix.max() / 2 else "black",
                fontsize=8,
            )
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title("Held-out confusion matrix (with the out-of-scope decision)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def reliability(proba: np.ndarray, y_index: np.ndarray, path: Path, bins: int = 10) -> None:
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_index
    edges = np.linspace(0, 1, bins + 1)
    centres, accuracy, counts = [], [], []
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            centres.append(confidence[inside].mean())
            accuracy.append(correct[inside].mean())
            counts.append(int(inside.sum()))
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(centres, accuracy, "o-", label="model")
    for x, y, n in zip(centres, accuracy, counts, strict=True):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("confidence of the top label")
    ax.set_ylabel("share correct")
    ax.set_title("Reliability diagram (held-out; numbers: texts per bin)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def per_class_f1(f1: dict[str, float], path: Path) -> None:
    labels = list(f1)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.barh(labels, [f1[label] for label in labels], color="#1f6feb")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("F1 (held-out)")
    ax.set_title("Per-class F1")
    for i, label in enumerate(labels):
        ax.text(min(f1[label] + 0.01, 0.93), i, f"{f1[label]:.2f}", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def tradeoff(curves: dict[str, list[dict]], thresholds: dict[str, float], path: Path) -> None:
    """The detector's heads: recall against false alarms over thresholds (leave-one-batch-out),
    with the chosen operating point marked."""
    fig, ax = plt.subplots(figsize=(6, 5))
    for head, curve in curves.items():
        fa = [p["false_alarm_rate"] for p in curve]
        recall = [p["recall"] for p in curve]
        ax.plot(fa, recall, marker=".", label=f"{head} head")
        chosen = min(curve, key=lambda p: abs(p["threshold"] - thresholds[head]))
        ax.scatter([chosen["false_alarm_rate"]], [chosen["recall"]], s=80, zorder=3)
    ax.set_xlabel("false alarms (share of cases without that alarm)")
    ax.set_ylabel("recall")
    ax.set_xlim(0, 0.3)
    ax.set_ylim(0.5, 1.0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Warning-sign detector, leave-one-batch-out")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
