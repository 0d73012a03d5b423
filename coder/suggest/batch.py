"""Batch suggestion runs over a whole project: streamed, parallel, resumable.

The parent process trains once, reads the responses in scope chunk by chunk,
has forked workers score them (`coder.suggest.workers`), and writes each
chunk's suggestions in one short transaction, so memory stays flat, the UI can
keep working on the project (WAL; it waits at most one chunk's write), and a
run stopped by Ctrl-C or killed keeps every finished chunk.

A run records the responses it has finished (their suggestion_scores rows,
written with each chunk) and a fingerprint of its trained model (in the run's
params). `resume=True` retrains, checks the fingerprint, and scores only what
the run has not finished, so the result equals an uninterrupted run's.

Each chunk also adds up the run's suggestions per code (kept in the run's
params, so a resumed run goes on counting), and at the end the codes
suggested nowhere in the whole corpus are named with why, as far as the
trained engine tells (`coder.suggest.unsuggested`), without reading the suggestions again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from coder.errors import CoderError
from coder.store.responses import next_position
from coder.store.suggestions import (count_to_score, finish_run, interrupt_run, iter_to_score, latest_run,
                                     reopen_run, start_run, suggested_per_code, suggestion_counts, write_chunk)
from coder.suggest.model import CodeModel, Suggester
from coder.suggest.project import CHUNK_SIZE, project_suggester
from coder.suggest.scoring import score_chunk
from coder.suggest.unsuggested import unsuggested_codes
from coder.suggest.workers import default_workers, map_chunks


@dataclass(frozen=True)
class RunSummary:
    """What a suggestion run did."""

    run_id: int
    scored: int
    total: int                   # in scope when the run started (coding during a run can leave fewer to score)
    with_suggestions: int
    suggestions: int
    decisions: list[CodeModel]   # how each code was scored, and why one was not
    unsuggested: dict[str, str]  # per code suggested nowhere in the run, why (empty when it scored nothing)
    suggester: Suggester         # what the run scored with

    def codes_on(self, engine: str) -> list[str]:
        """The ids of the codes scored by `engine` ("model", "keywords", "base rate" or "none")."""
        return [m.code_id for m in self.decisions if m.engine == engine]


def model_fingerprint(suggester: Suggester) -> str:
    """A digest of everything a trained Suggester scores with (to check a retrained model is the same)."""
    digest = hashlib.sha256()
    for array in (*suggester.coef.values(), suggester.intercept, suggester.trust.precision):
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    digest.update(repr((suggester.trust.calibration, suggester.trust.threshold)).encode())
    digest.update(repr((sorted(suggester.coef), suggester.models, suggester.featurizer.words,
                        suggester.featurizer.chars)).encode())
    return digest.hexdigest()[:32]


def run_batch(conn: sqlite3.Connection, *, engine: str = "auto", coder: str | None = None,
              scope: str = "uncoded", at_least_one: bool = False, chunk_size: int = CHUNK_SIZE,
              workers: int | None = None, resume: bool = False,
              started: Callable[[dict], None] | None = None,
              advance: Callable[[int], None] | None = None) -> RunSummary:
    """Train, then score the responses in scope as a new run (or resume the last one).

    `workers` processes score chunks in parallel (default: one per core).
    With `resume`, the options are the unfinished run's own and the others are
    ignored. `started(run)` is called once the run is open (its row, with
    `total` and `done`); `advance(n)` after each chunk is stored.
    """
    if chunk_size < 1:
        raise CoderError("--chunk-size must be at least 1")
    workers = default_workers() if workers is None else workers
    if resume:
        run = run_to_resume(conn)
        params = json.loads(run["params"])
        engine, coder, scope = run["engine"], run["coder"], run["scope"]
        at_least_one, chunk_size = params["at_least_one"], params["chunk_size"]
    suggester = project_suggester(conn, engine=engine, coder=coder, workers=workers)
    fingerprint = model_fingerprint(suggester)
    if resume:
        if params.get("model") != fingerprint:
            raise CoderError(f"run {run['id']} cannot be resumed: the coding or the codebook changed since "
                             "it started, so its model cannot be rebuilt (start a new run without --resume)")
        run_id = run["id"]
        reopen_run(conn, run_id)
    else:
        # Responses imported while the run goes on are not in it: its total and its progress hold.
        params = {"before_position": next_position(conn)}
        run_id = start_run(conn, engine=engine, scope=scope, coder=coder, total=count_to_score(conn, scope, coder),
                           params={**params, "at_least_one": at_least_one, "chunk_size": chunk_size, "model": fingerprint,
                                   "not_suggested": {m.code_id: m.note for m in suggester.models
                                                     if m.engine == "none"}, "suggested": {}})
    run = latest_run(conn)
    code_ids = [m.code_id for m in suggester.models]
    kept = suggested_per_code(conn, run)
    per_code = np.array([kept.get(code_id, 0) for code_id in code_ids], dtype=np.int64)
    done = run["done"]
    if started:
        started(run)
    # No more workers than chunks: forking costs more than a small run takes.
    workers = max(1, min(workers, -(-(run["total"] - run["done"]) // chunk_size)))
    chunks = iter_to_score(conn, scope, coder, chunk_size=chunk_size, unfinished_run=run_id if resume else None,
                           before=params.get("before_position"))
    ids: deque[list[str]] = deque()   # the ids of the chunks out with the workers, in order

    def texts() -> Iterator[list[str]]:
        for rows in chunks:
            ids.append([r[0] for r in rows])
            yield [r[1] for r in rows]

    try:
        for result in map_chunks(score_chunk, suggester, texts(), workers=workers, at_least_one=at_least_one):
            chunk_ids = ids.popleft()
            per_code += np.bincount(result.code, minlength=len(code_ids))
            write_chunk(conn, run_id, result.suggestion_rows(chunk_ids), result.score_rows(chunk_ids),
                        len(chunk_ids), {c: n for c, n in zip(code_ids, per_code.tolist()) if n})
            done += len(chunk_ids)
            if advance:
                advance(len(chunk_ids))
    except BaseException:
        interrupt_run(conn, run_id)
        raise
    unsuggested = unsuggested_codes(suggester, dict(zip(code_ids, per_code.tolist()))) if done else {}
    finish_run(conn, run_id, unsuggested if done else None)
    stored, with_suggestions = suggestion_counts(conn)
    finished = latest_run(conn)
    return RunSummary(run_id, finished["done"], finished["total"], with_suggestions, stored, list(suggester.models),
                      unsuggested, suggester)


def run_to_resume(conn: sqlite3.Connection) -> dict:
    """The last run, if it can be resumed; else a CoderError saying why not."""
    run = latest_run(conn)
    if run is None:
        raise CoderError("there is no run to resume (start one with `coder suggest` without --resume)")
    if run["status"] == "done":
        raise CoderError(f"run {run['id']} finished; there is nothing to resume "
                         "(start a new run without --resume)")
    if "model" not in json.loads(run["params"]):
        raise CoderError(f"run {run['id']} recorded no model fingerprint, so it cannot be resumed "
                         "(start a new run without --resume)")
    return run
