"""Benchmark launch-to-paint of `coder code` as a person sees it, from outside the process.

    python tests/bench/bench_launch.py PROJECT [--runs 5]

Starts `coder code PROJECT --coder launch` in a pseudo-terminal of 160x45 and times
from spawn until the text of the response the screen opens on appears in what the
process writes to the terminal; then the same for an empty Textual app (a Static
showing a marker) started the same way. Prints the median and the spread of each.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

COLUMNS, LINES = 160, 45
EMPTY_APP = ("from textual.app import App\nfrom textual.widgets import Static\n"
             "class Empty(App):\n    def compose(self):\n        yield Static('EMPTY-APP-PAINTED')\n"
             "Empty().run()\n")


def time_to_text(argv: list[str], needle: bytes, timeout: float = 30.0) -> float:
    """Seconds from spawning `argv` in a pty until `needle` appears in its output."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                # Textual may move the cursor between words: look for the text without escapes.
                if needle in seen or needle in _plain(seen):
                    return time.perf_counter() - started
        raise SystemExit(f"{needle!r} not seen within {timeout} s from {argv}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def _plain(data: bytes) -> bytes:
    import re

    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data)


def first_text(project: Path) -> bytes:
    """The first words of the response the coding screen opens on (the coder has coded nothing)."""
    from coder.store import open_project
    from coder.store.browse import ListFilter, filtered_ids
    from coder.store.responses import get_response

    conn = open_project(project)
    try:
        rid = filtered_ids(conn, ListFilter(), "launch")[0]
        return " ".join(get_response(conn, rid).text.split()[:3]).encode()
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    needle = first_text(a.project)
    coder = [sys.executable, "-m", "coder", "code", str(a.project), "--coder", "launch"]
    empty = [sys.executable, "-c", EMPTY_APP]
    for name, argv, text in (("coder code", coder, needle), ("empty Textual app", empty, b"EMPTY-APP-PAINTED")):
        times = [time_to_text(argv, text) for _ in range(a.runs)]
        print(f"{name:<18} median {statistics.median(times):.2f} s  min {min(times):.2f}  max {max(times):.2f}"
              f"  ({a.runs} runs, {COLUMNS}x{LINES})")


if __name__ == "__main__":
    main()
