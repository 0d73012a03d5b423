"""The real `coder code` in a terminal, killed with SIGKILL: what it showed as applied is kept,
and so is a memo's text typed but not yet saved."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from contextlib import contextmanager

import pytest
from tui_project import make_project

from coder.store import open_project
from coder.store.codings import codings_for_response
from coder.store.drafts import get_draft

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them

WAIT = 120.0  # seconds; a loaded CI machine starts Textual slowly


@contextmanager
def coding_ui_in_a_terminal(project):
    """`coder code PROJECT` in a real 80x24 pseudo-terminal; yields the terminal's master end.

    The UI is killed with SIGKILL when the block ends (the point of these tests).
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.Popen([sys.executable, "-m", "coder", "code", str(project), "--coder", "alice"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        yield master
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        os.close(master)


def _read_until(fd: int, needle: bytes, deadline: float) -> bytes:
    seen = b""
    while needle not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"the UI never showed {needle!r}; it showed {seen[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _wait_for_draft(project, deadline: float) -> None:
    """Wait until the UI has kept the whole typed text as a draft (another connection sees it)."""
    while time.monotonic() < deadline:
        conn = open_project(project)
        try:
            if get_draft(conn, "alice", "memo:response:q0001") == "typed, never saved":
                return
        finally:
            conn.close()
        time.sleep(0.1)
    raise AssertionError("the typed memo text never reached the project")


def test_kill_during_session_keeps_decisions(tmp_path):
    project = make_project(tmp_path / "kill.coder", n=5)
    with coding_ui_in_a_terminal(project) as master:
        deadline = time.monotonic() + WAIT
        _read_until(master, b"coded", deadline)
        os.write(master, b"4")
        _read_until(master, b"coded 1/5", deadline)
        os.write(master, b"m")
        _read_until(master, b"Memo on response q0001", deadline)
        os.write(master, b"typed, never saved")
        _wait_for_draft(project, deadline)
    conn = open_project(project)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [(c.code_id, c.origin) for c in codings_for_response(conn, "q0001", "alice")] == \
            [("paperwork", "manual")]
        assert get_draft(conn, "alice", "memo:response:q0001") == "typed, never saved"
    finally:
        conn.close()


def _drain_until_quiet(fd: int, quiet: float, deadline: float) -> None:
    """Read the terminal until it has been silent for `quiet` seconds: the UI has drawn all it was asked."""
    last = time.monotonic()
    while time.monotonic() - last < quiet:
        if time.monotonic() > deadline:
            raise AssertionError("the UI never went quiet")
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                if os.read(fd, 65536):
                    last = time.monotonic()
            except OSError:
                return


def test_kill_right_after_a_burst_of_200_coding_keys_keeps_every_decision(tmp_path):
    project = make_project(tmp_path / "burst.coder", n=100)
    with coding_ui_in_a_terminal(project) as master:
        deadline = time.monotonic() + WAIT
        _read_until(master, b"coded", deadline)
        _drain_until_quiet(master, 1.0, deadline)   # the first screen is up
        os.write(master, b"4j" * 100)            # code each response with 2.1 and go on: 200 keys at once
        _drain_until_quiet(master, 2.0, deadline)
    conn = open_project(project)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        coded = [rid for (rid,) in conn.execute(
            "SELECT response_id FROM codings WHERE coder = 'alice' AND code_id = 'paperwork' ORDER BY response_id")]
        assert coded == [f"q{i:04d}" for i in range(1, 101)]
    finally:
        conn.close()
