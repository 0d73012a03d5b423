"""Progress reporting for long runs.

On a terminal: a live bar with count, rate and time left. Otherwise (CI, logs,
pipes): a plain line every few seconds, and always a final line with the rate.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Count work done towards a total; use as a context manager, call `advance(n)`."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None,
                 interval: float = 5.0, enabled: bool = True):
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.interval = interval
        self.enabled = enabled
        self._bar = None
        self._task = None
        self._started = 0.0
        self._last_line = 0.0

    def __enter__(self) -> "Progress":
        self._started = self._last_line = time.perf_counter()
        if self.enabled and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeRemainingColumn)

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("[progress.data.speed]{task.fields[rate]}"),
                            TimeRemainingColumn(), console=Console(file=self.stream), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, rate="")
        return self

    def advance(self, n: int = 1) -> None:
        """Record `n` more items done."""
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, rate=f"{self.rate(now):,.0f}/s")
        elif now - self._last_line >= self.interval:
            self._last_line = now
            print(self._line(now), file=self.stream, flush=True)

    def rate(self, at: float | None = None) -> float:
        """Items per second so far."""
        elapsed = (at or time.perf_counter()) - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self._started

    def _line(self, now: float) -> str:
        rate = self.rate(now)
        left = (self.total - self.done) / rate if rate > 0 and self.total else 0.0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (f"{self.label}: {self.done:,}/{self.total:,} ({pct:.0f}%), "
                f"{rate:,.0f}/s, {left:,.0f} s left")

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
