"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Sequence


def default_coder() -> str:
    """The coder name used when none is given: the operating-system user name."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (some containers)
        return "coder"


def coder_name(value: str) -> str:
    """A `--coder` value: the name without surrounding spaces, never empty (an empty name would
    file decisions under no one)."""
    name = value.strip()
    if not name:
        raise argparse.ArgumentTypeError("a coder name cannot be empty")
    return name


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    """The project file, always the first positional argument."""
    parser.add_argument("project", type=Path, metavar="PROJECT", help="the project file (e.g. study.coder)")


def add_coder_option(parser: argparse.ArgumentParser, *, default_all: bool = False) -> None:
    """`--coder NAME`: whose decisions to use (default: the OS user, or all coders)."""
    if default_all:
        parser.add_argument("--coder", metavar="NAME", default=None, type=coder_name,
                            help="use only this coder's decisions (default: all coders)")
    else:
        parser.add_argument("--coder", metavar="NAME", default=default_coder(), type=coder_name,
                            help="who is coding (default: your user name)")


MIN_LABEL = 12   # cells a table's label keeps however narrow the terminal ("1.2 Staff…")
NOTED = " *"     # ends the label of a code that has a note under a `fitted_table`


def fitted_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str,
                 marks: Sequence[str] = ()) -> str:
    """Rows of cells as lines of columns two spaces apart, each aligned as `align` says ("<" left,
    ">" right, one a column) in terminal cells. The first column (labels) is shortened after a
    whole word so that a line fits `terminal_width` (where there is no width it stays whole);
    `marks`, one a row, end the labels whole however short."""
    from rich.cells import cell_len

    from coder.wording import fitted, shorten

    table = [list(header), *map(list, rows)]
    width = terminal_width()
    room = 0
    if width:
        others = sum(max(cell_len(row[i]) for row in table) + 2 for i in range(1, len(header)))
        room = max(width - 1 - others, MIN_LABEL)
    ends = ["", *marks, *[""] * (len(rows) - len(marks))]   # the header has none
    for row, mark in zip(table, ends):
        row[0] = shorten(row[0], room and room - cell_len(mark)) + mark
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(header))]
    return "\n".join("  ".join(fitted(cell, w) if side == "<" else " " * (w - cell_len(cell)) + cell
                               for cell, w, side in zip(row, widths, align)).rstrip() for row in table)


def terminal_width() -> int | None:
    """The terminal's width when output goes to one (tables and long lines are wrapped to it), or
    the width COLUMNS sets where it goes to a file or a pipe; else None (a table row, a line each)."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    given = os.environ.get("COLUMNS", "")
    return int(given) if given.isdigit() and int(given) > 0 else None


def wrapped(lines: list[str]) -> str:
    """Message lines as printed: each wrapped at spaces to `terminal_width`, its further lines
    indented four more than its own, so a list of codes breaks between codes, not within one."""
    width = terminal_width()
    if not width:
        return "\n".join(lines)
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(line, width=max(width - 1, 20), subsequent_indent=indent + "    ",
                             break_long_words=False, break_on_hyphens=False) or [line]
    return "\n".join(out)


MAX_SEED = 2**32 - 1


def seed_value(text: str) -> int:
    """An argparse type for `--seed`: a whole number from 0 to `MAX_SEED` (what the shuffles take)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number from 0 to {MAX_SEED:,}")
    return value
