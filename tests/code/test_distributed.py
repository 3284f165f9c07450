"""Scoring on a Dask cluster gives the single-process answers, in input order, with ids passed
through, and a partition that keeps failing is reported row by row, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.__main__ import main
from service.distributed import score_on_dask

TEXTS = [
    "my lip twitches after five coffees",
    "tax help please",
    "left side of my face feels numb and I can't close my eye",
    "eyelid jumping since exams started",
    "my chest hurts and my left arm is numb",
] * 3  # 15 texts: several partitions of 4


@pytest.mark.slow
def test_a_two_worker_local_cluster_answers_as_one_process(trained_model_dir, analyser):
    chunks = list(score_on_dask(trained_model_dir, TEXTS, top_k=3, workers=2, partition=4))
    assert [len(c) for c in chunks] == [4, 4, 4, 3]
    distributed = [row for chunk in chunks for row in chunk]
    single = [a.to_dict() for a in analyser.analyse_many(TEXTS, top_k=3)]
    assert distributed == single


@pytest.mark.slow
def test_a_partition_that_keeps_failing_is_reported_for_each_row(tmp_path: Path):
    # no model at this path: every try of every partition fails on the workers
    chunks = list(score_on_dask(tmp_path / "missing", TEXTS[:5], top_k=3, workers=2, partition=3))
    rows = [row for chunk in chunks for row in chunk]
    assert len(rows) == 5
    assert all(row["error"].startswith("partition failed after 2 retries") for row in rows)


@pytest.mark.slow
def test_the_cli_scores_on_a_local_cluster_with_ids(
    trained_model_dir, analyser, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(TEXTS)))
    out = tmp_path / "out.jsonl"
    assert main(["score", str(source), str(out), "--workers", "2"]) == 0
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results] == list(range(len(TEXTS)))
    single = [a.to_dict() for a in analyser.analyse_many(TEXTS, top_k=3)]
    assert [{k: v for k, v in r.items() if k != "id"} for r in results] == single
    assert "failed 0" in capsys.readouterr().err
