"""Scoring a large file on a Dask cluster instead of in one process.

The analysis is stateless and the model is a verified file, so a file of texts splits into
partitions that any worker can score: each worker process loads and verifies the model once
(``_worker_analyser`` is cached per process), answers come back in input order, and a partition
that fails is retried and then reported row by row, never dropped.

    python -m service score in.jsonl out.jsonl --workers 2          # a local cluster
    python -m service score in.jsonl out.jsonl --dask tcp://host:8786

A remote cluster's workers need this project installed and the model at the same path.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from triage.limits import MAX_BATCH

RETRIES = 2  # a partition is tried 1 + RETRIES times before its rows are reported as failed


@cache
def _worker_analyser(model_dir: str):
    """The analyser of this worker process: loaded (and its checksum verified) once."""
    from triage import artifact
    from triage.analyser import Analyser

    return Analyser.from_serving(artifact.load_serving(Path(model_dir)))


def score_partition(model_dir: str, texts: list[str], top_k: int) -> list[dict]:
    """One partition's answers as the API's JSON objects (what a worker runs)."""
    analyser = _worker_analyser(model_dir)
    return [answer.to_dict() for answer in analyser.analyse_many(texts, top_k=top_k)]


def score_on_dask(
    model_dir: Path,
    texts: list[str],
    top_k: int,
    address: str | None = None,
    workers: int = 2,
    partition: int = MAX_BATCH,
    client=None,
) -> Iterator[list[dict]]:
    """Each partition's answers, in input order. With no ``address``, a local cluster of
    ``workers`` processes (one thread each: the analysis holds the GIL) is started and stopped;
    with a ``client`` (``make bench``), its cluster is used and left running. A partition that
    still fails after ``RETRIES`` gives ``{"error": ...}`` for each of its rows.
    """
    from dask.distributed import Client, LocalCluster

    cluster = own = None
    if client is None:
        if address is None:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        client = own = Client(address or cluster)
    try:
        chunks = [texts[i : i + partition] for i in range(0, len(texts), partition)]
        futures = [
            client.submit(
                score_partition, str(model_dir), chunk, top_k, retries=RETRIES, pure=False
            )
            for chunk in chunks
        ]
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                yield future.result()
            except Exception as exc:  # reported in place of each of its rows, never dropped
                reason = f"partition failed after {RETRIES} retries: {type(exc).__name__}: {exc}"
                yield [{"error": reason} for _ in chunk]
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
