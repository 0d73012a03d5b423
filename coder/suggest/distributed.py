"""Scoring beyond one machine: the same chunk scoring on a Dask cluster (optional extra `dask`).

The client reads the input file in chunks and sends each chunk to the cluster.
Workers need the model: the client sends the training inputs once (the coded
texts, their labels, the codes and the corpus sample; broadcast to every
worker), and each worker trains the same Suggester from them on its first
chunk (training is deterministic) and keeps it in memory. No model is
pickled to disk anywhere. At most `IN_FLIGHT_PER_WORKER` chunks per worker are
pending, and results come back in input order, so memory stays flat.

Run workers with one thread each (`dask worker ADDRESS --nthreads 1`, or
`--nworkers N` for several per machine): scoring is CPU-bound Python, so
threads would only queue on the lock below.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import deque
from typing import Iterable, Iterator

from coder.errors import CoderError
from coder.store.suggestions import sample_texts
from coder.suggest.file_rows import score_rows
from coder.suggest.model import Suggester, train
from coder.suggest.project import CORPUS_SAMPLE, training_set

IN_FLIGHT_PER_WORKER = 2

# On a worker: the Suggester trained from the inputs with this key (one at a time).
_worker_model: dict[str, Suggester] = {}
_worker_lock = threading.Lock()


def training_inputs(conn: sqlite3.Connection, *, engine: str = "auto", coder: str | None = None) -> dict:
    """What a worker needs to train the project's Suggester: `train`'s arguments, as plain data."""
    data = training_set(conn, coder)
    return {"texts": data.texts, "labels": data.labels, "codes": data.codes,
            "corpus": sample_texts(conn, CORPUS_SAMPLE, coder), "rejected": data.rejected, "engine": engine}


def _inputs_key(inputs: dict) -> str:
    digest = hashlib.sha256(repr((inputs["texts"], inputs["codes"], inputs["corpus"], inputs["rejected"],
                                  inputs["engine"])).encode())
    digest.update(inputs["labels"].tobytes())
    return digest.hexdigest()


def score_on_worker(inputs: dict, key: str, rows: list[tuple[str, str]], at_least_one: bool) -> list[tuple]:
    """A Dask task: score one chunk with the Suggester trained from `inputs` (trained once per worker)."""
    with _worker_lock:
        if key not in _worker_model:
            _worker_model.clear()
            _worker_model[key] = train(inputs["texts"], inputs["labels"], inputs["codes"],
                                       corpus=inputs["corpus"], rejected=inputs["rejected"],
                                       engine=inputs["engine"])
        return score_rows(_worker_model[key], rows, at_least_one=at_least_one)


def map_chunks_on_dask(scheduler: str, inputs: dict, chunks: Iterable[list[tuple[str, str]]], *,
                       at_least_one: bool = False) -> Iterator[list[tuple]]:
    """`score_rows` output for each chunk, in order, computed on the Dask cluster at `scheduler`."""
    try:
        from distributed import Client
    except ImportError:
        raise CoderError("--dask needs the optional Dask extra: pip install 'coder[dask]'") from None
    try:
        client = Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise CoderError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    with client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter(inputs, broadcast=True)
        key = _inputs_key(inputs)
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(score_on_worker, shared, key, chunk, at_least_one, pure=False))
            if len(pending) >= IN_FLIGHT_PER_WORKER * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
