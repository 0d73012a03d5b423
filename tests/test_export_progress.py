"""Progress of long runs (coder.cli.progress): the time left follows the rate shown and counts
down steadily between bursts of work; a large export shows it on a terminal's stderr."""

from __future__ import annotations

import io
import re
import time

import pytest

from coder.cli.progress import Progress, clock, time_left


def test_time_left_is_the_rest_at_the_average_rate_counted_down_by_the_clock():
    assert time_left(0, 100, 5.0, 1.0) is None                      # no item yet: no rate
    assert time_left(50, 100, 10.0, 0.0) == pytest.approx(10.0)     # 5/s, 50 to go
    assert time_left(50, 100, 10.0, 4.0) == pytest.approx(6.0)      # 4 s since that update
    assert time_left(50, 100, 10.0, 60.0) == 0.0                    # late: never below 0
    assert time_left(120, 100, 10.0, 0.0) == 0.0                    # more done than planned


def test_time_left_of_work_in_bursts_is_steady():
    """A suggest run's workers report a chunk at a time. The estimate rich's bar showed (a rate over
    its last samples, held between them) stood still between chunks and jumped on each; at an even
    rate the finish time the estimate gives must stay put, so the time left drops a second a second."""
    chunk, every, total = 500, 10.0, 10_000       # 50 per second, in chunks of 500 every 10 s
    finishes = []
    for second in range(11, 200):
        done = chunk * int(second // every)
        last = every * (second // every)
        left = time_left(done, total, last, second - last)
        finishes.append(second + left)
    assert max(finishes) - min(finishes) < 1e-9 and finishes[0] == pytest.approx(total / 50)
    lefts = [f - s for f, s in zip(finishes, range(11, 200))]
    assert all(a - b == pytest.approx(1.0) for a, b in zip(lefts, lefts[1:]) if b > 0)


def test_clock():
    assert (clock(None), clock(0), clock(0.2), clock(245), clock(3 * 3600 + 61)) == (
        "-:--:--", "0:00:00", "0:00:01", "0:04:05", "3:01:01")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def seconds(shown: str) -> int:
    hours, minutes, secs = map(int, shown.split(":"))
    return hours * 3600 + minutes * 60 + secs


def test_the_bar_and_the_line_show_the_time_left_the_rate_gives():
    """The bar's rate (the average so far) and its time left (rich's, over its last samples)
    disagreed."""
    with Progress("Suggesting", 1_000_000, stream=Terminal()) as bar:
        time.sleep(0.05)
        bar.advance(250)
        shown = str(bar._bar.columns[-1].render(bar._bar.tasks[0]))
        expected = (1_000_000 - 250) / bar.rate(bar._updated)
        assert abs(seconds(shown) - expected) <= 1.5, (shown, expected)
    lines = io.StringIO()
    with Progress("importing", 1_000_000, stream=lines, interval=0.0) as plain:
        time.sleep(0.05)
        plain.advance(250)
    rate, left = re.search(r"([\d,]+)/s, ([\d,]+) s left", lines.getvalue()).groups()
    assert float(left.replace(",", "")) == pytest.approx((1_000_000 - 250) / float(rate.replace(",", "")), rel=0.01)
