"""The key index batch scoring looks features up in, and the forked worker pool it scores on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from suggest_fixtures import codes, corpus

from coder.suggest.batch import model_fingerprint
from coder.suggest import fitting
from coder.suggest.file_rows import score_rows
from coder.suggest.lookup import KeyIndex
from coder.suggest.model import train
from coder.suggest.workers import default_workers, map_chunks


def _expected(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    position = {int(k): i for i, k in enumerate(keys)}
    return np.array([position.get(int(v), -1) for v in values], dtype=np.int64)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_key_index_finds_every_key_and_nothing_else(seed):
    rng = np.random.default_rng(seed)
    keys = rng.choice(np.arange(-10**12, 10**12, 7919, dtype=np.int64), size=5_000, replace=False)
    absent = keys + 1   # a multiple of 7919 plus one is never a key
    values = rng.permutation(np.concatenate([keys, absent, keys[:100]]))
    assert (KeyIndex(keys).find(values) == _expected(keys, values)).all()


def test_key_index_with_structured_keys_that_share_home_slots():
    # Pairs of ids packed as high << 32 | low: the low bits barely vary, the
    # shape that made naive modulo hashing probe long chains.
    keys = np.array([(a << 32) | b for a in range(60) for b in range(3)], dtype=np.int64)
    index = KeyIndex(keys)
    values = np.concatenate([keys[::-1], keys + (1 << 40)])
    assert (index.find(values) == _expected(keys, values)).all()
    assert len(index) == len(keys)


def test_key_index_with_no_keys_finds_nothing():
    index = KeyIndex(np.array([], dtype=np.int64))
    assert index.find(np.array([0, 5, -3])).tolist() == [-1, -1, -1]
    assert index.find(np.array([], dtype=np.int64)).tolist() == []


def _chunks(texts: list[str], size: int):
    rows = [(f"r{i}", text) for i, text in enumerate(texts)]
    return [rows[i:i + size] for i in range(0, len(rows), size)]


@pytest.fixture(scope="module")
def suggester():
    texts, labels = corpus()
    return train(texts, labels, codes(printer_keywords=["printer"]), corpus=texts)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")
def test_forked_workers_give_the_rows_one_process_gives_in_input_order(suggester):
    texts = corpus()[0] * 7
    chunks = _chunks(texts, 9)
    alone = list(map_chunks(score_rows, suggester, chunks, workers=1, at_least_one=True))
    pooled = list(map_chunks(score_rows, suggester, chunks, workers=2, at_least_one=True))
    assert pooled == alone
    assert [row[0] for rows in pooled for row in rows] == [f"r{i}" for i in range(len(texts))]


def test_closing_the_results_early_stops_the_pool(suggester):
    results = map_chunks(score_rows, suggester, _chunks(corpus()[0] * 20, 5), workers=2)
    first = next(results)
    results.close()   # what an error or Ctrl-C in the consumer does
    assert [row[0] for row in first] == [f"r{i}" for i in range(5)]
    assert not multiprocessing.active_children()


_CLOSE_WHILE_REPLYING = """
import time
from coder.suggest.workers import map_chunks

def reply_larger_than_a_pipe_holds(suggester, chunk):
    time.sleep(0.01)
    return b"x" * 4_000_000

for _ in range(25):
    results = map_chunks(reply_larger_than_a_pipe_holds, None, iter(range(100)), workers=2)
    next(results), next(results)
    results.close()
print("closed 25 times")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")
def test_closing_early_while_workers_are_sending_never_hangs():
    # Killing a worker in mid-reply left the result queue's lock held and
    # Pool.terminate() waiting on it for ever (the Ctrl-C hang of coder suggest).
    out = _run_to_its_end(_CLOSE_WHILE_REPLYING, "closing the results hung")
    assert out.strip() == "closed 25 times"


def _note_and_wait(folder, chunk):
    with open(folder / "started", "a") as started:
        started.write(f"{chunk}\n")
    time.sleep(1.0)
    return chunk


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")
def test_closing_early_leaves_the_chunks_queued_to_workers_unworked(tmp_path):
    # The pool queues one chunk more than it has workers: a Ctrl-C in training waited for
    # that fit too, seconds with nothing to show for them.
    results = map_chunks(_note_and_wait, tmp_path, iter(range(20)), workers=2)
    assert next(results) == 0
    results.close()
    started = (tmp_path / "started").read_text().split()
    # The first two, and at most one more per worker, taken as each finished before the close
    # reached them (under load both can: 4 of 20 were started in a full run beside other tests).
    assert len(started) <= 4
    assert not multiprocessing.active_children()


def _run_to_its_end(script: str, hung: str) -> str:
    """Run a Python script in a process group of its own; its output, or the test fails with `hung`
    if it has not ended within 90 s (the group is killed)."""
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(hung)
    assert process.returncode == 0, err
    return out


def test_default_workers_is_the_cores_this_process_may_use():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert default_workers() == expected >= 1


_WORKER_KILLED = """
import os, signal, time, multiprocessing
from coder.suggest.workers import WorkerDied, map_chunks

def dies_on_the_third(suggester, chunk):
    if chunk == 3:
        os.kill(os.getpid(), signal.SIGKILL)   # as the out-of-memory killer ends a worker
    time.sleep(0.05)
    return chunk

got = []
started = time.monotonic()
try:
    for result in map_chunks(dies_on_the_third, None, iter(range(40)), workers=2):
        got.append(result)
except WorkerDied as exc:
    print("died:", exc)
print("in order:", got == list(range(len(got))) and len(got) <= 3, "children:", len(multiprocessing.active_children()),
      "seconds:", round(time.monotonic() - started))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")
def test_a_worker_killed_mid_chunk_ends_the_run_with_one_line_instead_of_a_hang():
    # multiprocessing.Pool started a new worker and never answered the dead one's chunk: coder
    # suggest waited for ever, and Ctrl-C did not end it.
    out = _run_to_its_end(_WORKER_KILLED, "a dead worker hung the run")
    assert "died: a worker process ended before it finished its work (killed, or out of memory" in out
    assert "in order: True children: 0" in out   # chunks before it, in order (a broken pool may fail
                                                 # the one in flight beside it too); no worker left


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")
def test_training_on_two_processes_gives_the_model_one_process_gives(monkeypatch):
    monkeypatch.setattr(fitting, "PARALLEL_FROM", 0)   # so little coding would otherwise stay in one process
    texts, labels = corpus()
    alone = train(texts, labels, codes(printer_keywords=["printer"]), corpus=texts, workers=1)
    pooled = train(texts, labels, codes(printer_keywords=["printer"]), corpus=texts, workers=2)
    assert [m.engine for m in alone.models] == ["model", "model"]
    assert model_fingerprint(pooled) == model_fingerprint(alone)
    assert pooled.models == alone.models
    assert not multiprocessing.active_children()


def _double(shared, chunk):
    return chunk * 2


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signal masks are POSIX")
def test_the_pool_holds_ctrl_c_only_while_it_hands_out_work_and_leaves_a_callers_hold_alone():
    held = lambda: signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert list(map_chunks(_double, None, iter(range(6)), workers=2)) == [0, 2, 4, 6, 8, 10] and not held()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        assert list(map_chunks(_double, None, iter(range(6)), workers=2)) == [0, 2, 4, 6, 8, 10] and held()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
