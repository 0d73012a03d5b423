"""Producing items in a background thread while the caller consumes them.

An import parses the file (Python, holding the GIL) while SQLite inserts the
previous chunk (C, releasing the GIL), so on two cores the two overlap.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


def in_background(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """Yield `items`, computed ahead by a thread (at most `depth` waiting).

    An exception in the producer is raised here, in the consumer. Closing the
    returned generator early (or an error in the consumer) stops the producer.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                waiting.put(item)
            waiting.put(_DONE)
        except BaseException as exc:   # handed to the consumer, which raises it
            waiting.put(exc)

    thread = threading.Thread(target=produce, name="coder-import-reader", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():   # unblock a producer waiting to put
            try:
                waiting.get_nowait()
            except queue.Empty:
                thread.join(0.01)
