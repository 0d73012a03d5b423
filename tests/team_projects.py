"""Helpers for the team-coding tests (merge, samples): project files made by the real CLI.

Import with `from team_projects import ...` (pytest puts tests/ on sys.path). The
commands run in this process through `coder.cli.main`, as `coder ...` would.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from helpers import CODEBOOK
from import_files import write_csv

from coder.cli import main

# Eight answers in two settings (five adults, three children).
ANSWERS = [["id", "setting", "comment"],
           ["R1", "adults", "Too many cases and not enough staff to cover them"],
           ["R2", "children", "Paperwork takes all of my time these days"],
           ["R3", "adults", "Good supervision keeps me going"],
           ["R4", "adults", "The caseload keeps rising every month"],
           ["R5", "children", "I spend the evenings writing up case notes"],
           ["R6", "adults", "My manager listens and helps me think"],
           ["R7", "children", "We have three vacancies in the team"],
           ["R8", "adults", "Court deadlines make the week impossible"]]


def cli(*args) -> None:
    """Run one `coder` command in this process; it must succeed."""
    assert main([str(a) for a in args]) == 0


def new_project(path: Path, rows=ANSWERS) -> Path:
    """`coder init` with the shipped framework, then `coder import` of `rows`; returns the path."""
    cli("init", path, "--codebook", CODEBOOK)
    cli("import", path, write_csv(path.with_suffix(".csv"), rows), "--id-col", "id", "--text-col", "comment")
    return path


def copy_project(path: Path, target: Path) -> Path:
    """A coder's own copy of a project file (as handing out the file would make)."""
    shutil.copyfile(path, target)
    return target


def import_codes(path: Path, coder: str, pairs: list[tuple[str, str]], *extra) -> None:
    """`coder import-codes` of (response id, code) pairs for one coder."""
    table = write_csv(path.with_name(f"{path.stem}-{coder}.csv"), [["id", "code"], *map(list, pairs)])
    cli("import-codes", path, table, "--coder", coder, *extra)


def codings(path: Path) -> set[tuple]:
    """Every coding as (response, code, coder, start, end, origin)."""
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute('SELECT response_id, code_id, coder, start, "end", origin FROM codings'))
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    """How many rows a table of the project holds."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
