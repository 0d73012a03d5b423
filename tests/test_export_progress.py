"""Progress of long runs (coder.cli.progress): the time left follows the rate shown and counts
down steadily between bursts of work; a large export shows it on a terminal's stderr."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import run_cli

from coder.cli.progress import Progress, clock, time_left
from coder.export.tables import ROWS_AT_ONCE, ExportTables, write_tables
from coder.records import Code, Theme
from coder.store import create_project, transaction
from coder.store.codebook import add_code, add_theme
from coder.store.codings import add_coding
from coder.store.responses import insert_responses


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


def test_write_tables_reports_every_cell_it_writes(tmp_path):
    """`advance` adds up to `cells(path)`: the main table's in a .csv, every sheet's (not the notes') in
    an .xlsx, a part at a time."""
    frame = pd.DataFrame({"response_id": [f"r{i}" for i in range(ROWS_AT_ONCE * 2 + 1)], "n": 1})
    tables = ExportTables({"main": frame, "codes": frame.head(3)}, ["a note"], csv_notes=True)
    for name, expected in (("t.csv", frame.size), ("t.xlsx", frame.size + 6)):
        reported = []
        write_tables(tables, tmp_path / name, advance=reported.append)
        assert sum(reported) == tables.cells(tmp_path / name) == expected
        assert len(reported) >= 3 and max(reported) <= ROWS_AT_ONCE * 2
    assert pd.read_csv(tmp_path / "t.csv", comment="#")["response_id"].tolist() == frame["response_id"].tolist()
    assert len(pd.read_excel(tmp_path / "t.xlsx", sheet_name="main")) == len(frame)


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A project of 12,000 responses with 20 attributes, one coded: its binary table (12,000 x 22
    cells) is large enough for a bar."""
    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [(f"r{i}", f"answer {i}", {f"q{j}": j for j in range(20)})
                                    for i in range(12_000)])
            add_theme(conn, Theme("work", "1", "Work"), "setup")
            add_code(conn, Code("caseload", "work", "1.1", "Caseload"), "setup")
            add_coding(conn, "r1", "caseload", "alice")
    path = tmp_path_factory.mktemp("large") / "large.coder"
    create_project(path, setup=fill).close()
    return path


def run_with_terminal_stderr(*args) -> tuple[int, str, str]:
    """Run the real CLI with stderr on a terminal (a pseudo-terminal 100 columns wide) and stdout
    on a pipe: (exit status, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    child = subprocess.Popen([sys.executable, "-m", "coder", *map(str, args)], stdout=subprocess.PIPE,
                             stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = child.stdout.read().decode()
    child.wait(timeout=600)
    os.close(master)
    return child.returncode, out, seen.decode(errors="replace")


@pytest.mark.slow
def test_a_large_export_shows_a_bar_on_a_terminal_and_keeps_stdout_clean(large, tmp_path):
    """The matrix of 291k responses took 245 s to write with nothing on the screen."""
    out = tmp_path / "b.xlsx"
    status, stdout, terminal = run_with_terminal_stderr("export", large, "binary", "--out", out)
    assert status == 0, terminal
    assert "writing b.xlsx (cells)" in terminal and "264,005/264,005" in terminal   # 12,000 x 22 and the codes sheet
    assert "saving b.xlsx" in terminal.split("264,005/264,005")[-2]   # once every cell is written, the save
    assert stdout.startswith(f"Wrote binary to {out}\n") and "\x1b" not in stdout and "writing" not in stdout
    assert len(pd.read_excel(out, sheet_name="binary")) == 12_000
    piped = run_cli("export", large, "binary", "--out", tmp_path / "b.csv")   # stderr not a terminal
    assert piped.returncode == 0 and piped.stderr == ""
    small = run_with_terminal_stderr("export", large, "counts", "--out", tmp_path / "c.csv")
    assert small[0] == 0 and "writing" not in small[2]   # a short table: no bar


def test_time_left_counts_the_work_after_the_last_item():
    """An .xlsx is compressed as it is saved, after its last cell is written: the matrix of 291k
    responses stood at 0:00:00 for 15 s of its 160, the codings with suggestions for 19 s of 82."""
    assert time_left(100, 100, 10.0, 0.0, after=0.25) == pytest.approx(2.5)       # a quarter of 10 s more
    assert time_left(50, 100, 10.0, 1.0, after=0.25) == pytest.approx(10 + 5 - 1)  # the rest, then that
    assert time_left(100, 100, 10.0, 4.0, after=0.25) == 0.0                       # late: never below 0


def test_the_bar_says_it_is_saving_once_every_cell_is_written():
    with Progress("writing t.xlsx (cells)", 1_000, stream=Terminal(), after=0.5, then="saving t.xlsx") as bar:
        time.sleep(0.05)
        bar.advance(1_000)
        task = bar._bar.tasks[0]
        assert task.description == "saving t.xlsx"
        assert seconds(str(bar._bar.columns[-1].render(task))) >= 1   # 0.025 s or so, shown as 0:00:01


def test_an_xlsx_save_share_grows_with_its_text_and_a_csv_has_none():
    short = pd.DataFrame({"response_id": [f"r{i}" for i in range(5_000)], "n": 1})
    long = short.assign(excerpt="a long answer about caseloads and supervision " * 20)
    assert ExportTables({"t": short}).save_share(Path("t.csv")) == 0.0
    assert 0.05 < ExportTables({"t": short}).save_share(Path("t.xlsx")) < 0.2
    shares = [ExportTables({"t": frame}).save_share(Path("t.xlsx")) for frame in (short, long)]
    assert shares[1] > 0.5 > shares[0]
