"""Work in parallel: forked worker processes that share one large object (a trained Suggester, a training set).

The parent makes the object, then forks the pool: each worker inherits it
copy-on-write (it is never pickled or stored; only chunks of work go to
the workers and plain results come back over the pool's pipes). At most
`IN_FLIGHT_PER_WORKER` chunks per worker are pending at any time, so memory
stays flat however long the input is; results come back in input order.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

from threadpoolctl import threadpool_limits

from coder.errors import CoderError

IN_FLIGHT_PER_WORKER = 2
# How long an early stop waits for the chunks in flight before killing the workers.
FINISH_IN_FLIGHT_SECONDS = 60
# glibc mallopt parameters, and what scoring sets them to (see `_reuse_freed_memory`).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_PR_SET_PDEATHSIG = 1   # prctl option: the signal a process gets when its parent dies
_KEEP_FREED, _HEAP_BELOW = 256 << 20, 128 << 20

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")
Shared = TypeVar("Shared")

# The job of the current pool, the parent's pid and the pool's stop signal, set in the parent
# just before forking; workers inherit them.
_job: tuple[Callable, object, dict] | None = None
_stopping = None
_parent = 0


def default_workers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_chunks(work: Callable[..., Result], shared: Shared, chunks: Iterable[Chunk], *,
               workers: int = 1, **options) -> Iterator[Result]:
    """`work(shared, chunk, **options)` for each chunk, in order, on `workers` processes.

    With one worker (or where fork is unavailable) the chunks are worked in
    this process. Closing the iterator early (an error, Ctrl-C) stops the
    workers once their chunks in flight are done; those results are dropped.
    WorkerDied when a worker process ends before its chunk is done. Each process works on one
    thread: the matrices of a scoring chunk are too small for BLAS threads to pay,
    and their spinning took half the CPU of a run.
    """
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        _reuse_freed_memory()
        with threadpool_limits(limits=1):
            for chunk in chunks:
                yield work(shared, chunk, **options)
        return
    global _job, _parent, _stopping
    context = multiprocessing.get_context("fork")
    _job, _parent, _stopping = (work, shared, options), os.getpid(), context.Event()
    # Objects made so far (the shared object, the lexicon, modules) leave the garbage
    # collector's view, so its passes in the workers do not copy their pages.
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    pending: deque[Future] = deque()
    try:
        for chunk in chunks:
            pending.append(_submit(pool, chunk))
            if len(pending) >= IN_FLIGHT_PER_WORKER * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
        pool.shutdown(wait=True)
    except BaseException:
        _stopping.set()
        _let_workers_finish(pool, pending)
        raise
    finally:
        _job = None
        gc.unfreeze()


def _submit(pool: ProcessPoolExecutor, chunk) -> Future:
    """The chunk handed to the pool; WorkerDied where a worker has died already (the pool is
    broken: a dead worker is seen at the next submit as often as at the next result)."""
    try:
        with _ctrl_c_held():
            return pool.submit(_run_job, chunk)
    except BrokenProcessPool:
        raise _died() from None


@contextmanager
def _ctrl_c_held():
    """Hold back SIGINT in this thread while the pool may fork (its first submit starts the
    workers): a Ctrl-C that lands in a fork's after-fork hooks is reported as ignored and lost,
    and the command ran on to its end. Held, it comes right after, where it stops the pool."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held_before = None
    try:   # the call itself can raise (a signal's handler runs as it returns), with SIGINT held
        held_before = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        if not held_before:   # a caller that held SIGINT itself keeps it held
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class WorkerDied(CoderError):
    """A worker process ended while it worked (killed, or out of memory): its chunk has no result."""


def _result(future: Future):
    try:
        return future.result()
    except BrokenProcessPool:
        # A pool whose worker dies never gets that chunk back: waiting on it hung `coder suggest`
        # for ever (multiprocessing.Pool starts a new worker and loses the chunk without a word).
        raise _died() from None


def _died() -> WorkerDied:
    return WorkerDied("a worker process ended before it finished its work (killed, or out of "
                      "memory: fewer --workers use less)")


def _let_workers_finish(pool: ProcessPoolExecutor, pending: deque) -> None:
    """Stop the pool after the chunks in flight, so no worker is killed mid-reply (a reply cut
    short leaves the pool's reader waiting for the rest for ever).

    Chunks not started are cancelled (those already queued to a worker see the stop signal
    and come back unworked), so this waits for the rest of the chunks being worked
    (nothing, when a worker has died: the pool is broken and every pending chunk has
    failed). A worker still busy after `FINISH_IN_FLIGHT_SECONDS`, or a second Ctrl-C, is killed.
    """
    for future in pending:
        future.cancel()
    try:
        wait(pending, timeout=FINISH_IN_FLIGHT_SECONDS)
    finally:
        if not all(future.done() for future in pending):
            for process in multiprocessing.active_children():
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def _run_job(chunk):
    if _stopping.is_set():   # the parent drops every result from here on
        return None
    work, shared, options = _job
    return work(shared, chunk, **options)


def _start_worker() -> None:
    # Ctrl-C goes to the whole process group: the parent handles it (stores what
    # is finished, marks the run interrupted) and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the parent's handler (coder.cli) is not the worker's
    # A worker's results and errors go back over the pool's pipes. The inherited streams may hold
    # the parent's unwritten output (written twice if flushed here) or a lock its progress thread
    # held at the fork (a write here would wait for ever).
    sys.stdout = sys.stderr = open(os.devnull, "w")
    _end_with_parent()
    threadpool_limits(limits=1)
    _reuse_freed_memory()


def _end_with_parent() -> None:
    """Have the kernel end this worker when the parent dies (Linux), so a parent killed with
    SIGKILL leaves no worker behind holding its memory; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != _parent:   # it died before the call: nobody is left to ask for work
        os._exit(1)


def _reuse_freed_memory() -> None:
    """Keep the large arrays a chunk frees on the heap for the next chunk (glibc; elsewhere a no-op).

    Every chunk makes the same large temporary numpy arrays. By default glibc
    maps each from the kernel and unmaps it when freed, so their pages fault
    in afresh every time: about half a million page faults and 5% of a run's
    time on 10^6 responses. Memory stays bounded by what one chunk needs.
    """
    if not sys.platform.startswith("linux"):   # ctypes.CDLL(None) is a TypeError on Windows
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):   # not glibc
        return
    mallopt(_M_TRIM_THRESHOLD, _KEEP_FREED)
    mallopt(_M_MMAP_THRESHOLD, _HEAP_BELOW)
