"""Progress reporting for long runs.

On a terminal: a live bar with count, rate and time left. Otherwise (CI, logs,
pipes): a plain line every few seconds, and always a final line with the rate.

The time left is the one the shown rate gives (`time_left`): the average rate
from the start to the latest update, projected to the end, and counted down by
the clock between updates, so work that comes in bursts (a batch worker's
chunk) neither holds it still between bursts nor makes it jump on each.
Work that follows the last item and is not counted in items (an .xlsx file
compressed as it is saved) is given as `after`, a share of the counted work's
time: the time left includes it, and the bar says `then` while it goes on.
"""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO


def time_left(done: int, total: int, elapsed_at_update: float, since_update: float,
              after: float = 0.0) -> float | None:
    """Seconds left of a run that had done `done` of `total` items `elapsed_at_update` seconds after
    it started, `since_update` seconds ago: the rest at that average rate, and `after` times the
    time all `total` take at it (work that follows the last item), less the time since (never
    below 0). None before the first item, when there is no rate to go by."""
    if done <= 0 or elapsed_at_update <= 0:
        return None
    rate = done / elapsed_at_update
    return max(0.0, (max(total - done, 0) + after * total) / rate - since_update)


def clock(seconds: float | None) -> str:
    """Seconds as the bar shows time left: "0:04:05", or "-:--:--" when not known."""
    if seconds is None:
        return "-:--:--"
    whole = math.ceil(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class Progress:
    """Count work done towards a total; use as a context manager, call `advance(n)`."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None,
                 interval: float = 5.0, enabled: bool = True, after: float = 0.0, then: str | None = None):
        self.label = label
        self.total = total
        self.after = after
        self.then = then
        self.done = 0
        self.stream = stream or sys.stderr
        self.interval = interval
        self.enabled = enabled
        self._bar = None
        self._task = None
        self._started = 0.0
        self._updated = 0.0
        self._last_line = 0.0

    def __enter__(self) -> "Progress":
        self._started = self._updated = self._last_line = time.perf_counter()
        if self.enabled and self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress as Bar, TextColumn

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(),
                            TextColumn("[progress.download]{task.completed:,.0f}/{task.total:,.0f}"),
                            TextColumn("[progress.data.speed]{task.fields[rate]}"),
                            _time_left_column(self), console=Console(file=self.stream), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, rate="")
        return self

    def advance(self, n: int = 1) -> None:
        """Record `n` more items done."""
        self.done += n
        if not self.enabled:
            return
        now = self._updated = time.perf_counter()
        if self._bar is not None:
            finishing = self.then if self.then and self.done >= self.total else None
            self._bar.update(self._task, completed=self.done, rate=f"{self.rate(now):,.0f}/s",
                             **({"description": finishing} if finishing else {}))
        elif now - self._last_line >= self.interval:
            self._last_line = now
            print(self._line(now), file=self.stream, flush=True)

    def rate(self, at: float | None = None) -> float:
        """Items per second so far."""
        elapsed = (at or time.perf_counter()) - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    def time_left(self, at: float | None = None) -> float | None:
        """Seconds left at the rate so far (`time_left`); None before the first item."""
        return time_left(self.done, self.total, self._updated - self._started,
                         (at or time.perf_counter()) - self._updated, self.after)

    @property
    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self._started

    def _line(self, now: float) -> str:
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (f"{self.label}: {self.done:,}/{self.total:,} ({pct:.0f}%), "
                f"{self.rate(now):,.0f}/s, {self.time_left(now) or 0:,.0f} s left")

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _time_left_column(progress: Progress):
    """A rich bar column showing `progress.time_left()` as the clock counts (rich's own estimate
    is a rate over its last samples, held still between them: it disagreed with the rate shown)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class TimeLeft(ProgressColumn):
        def render(self, task) -> Text:
            return Text(clock(progress.time_left()), style="progress.remaining")

    return TimeLeft()


class Waiting:
    """Say on a terminal what is going on while work that cannot be counted runs (a spinner, the label
    and the time so far); nothing elsewhere. Use as a context manager; `stop()` ends it early."""

    def __init__(self, label: str, *, stream: TextIO | None = None):
        self.label = label
        self.stream = stream or sys.stderr
        self._bar = None

    def __enter__(self) -> "Waiting":
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import Progress as Bar, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Bar(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=Console(file=self.stream), transient=True)
            self._bar.__enter__()
            self._bar.add_task(self.label, total=None)
        return self

    def stop(self) -> None:
        """End the display (once)."""
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)

    def __exit__(self, *exc) -> None:
        self.stop()
