"""Helpers for the import tests: write input files, read back what was imported.

Import with `from import_files import ...` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from helpers import file_digest

from coder.errors import InputError
from coder.store import open_project
from coder.store.responses import iter_responses

DATA = Path(__file__).resolve().parent / "data"

ROWS = [["respondent_id", "setting", "comment"],
        ["R1", "adults", "Too many cases and not enough staff to cover them"],
        ["R2", "children", "Paperwork takes all of my time these days"],
        ["R3", "adults", "Good supervision keeps me going"]]


def write_csv(path: Path, rows=ROWS, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write rows as delimited text in the given encoding; return the path."""
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows=ROWS, *, sheets: dict | None = None) -> Path:
    """Write rows to the first sheet of an XLSX workbook (plus any `sheets` name -> rows)."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "answers"
    for row in rows:
        workbook.active.append(row)
    for name, extra in (sheets or {}).items():
        sheet = workbook.create_sheet(name)
        for row in extra:
            sheet.append(row)
    workbook.save(path)
    return path


def imported(path: Path) -> dict:
    """The project's responses as {id: (text, attributes)}, in import order."""
    conn = open_project(path)
    try:
        return {r.id: (r.text, r.attributes) for chunk in iter_responses(conn) for r in chunk}
    finally:
        conn.close()


def codings_of(path: Path, coder: str) -> set[tuple[str, str, str]]:
    """One coder's codings as {(response id, code id, origin)}."""
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT response_id, code_id, origin FROM codings WHERE coder = ?",
                                (coder,)))
    finally:
        conn.close()


def fails_untouched(project: Path, action, pattern: str) -> str:
    """Run `action()`, expect a one-line InputError matching `pattern`; the project is unchanged.

    Returns the error message.
    """
    before = file_digest(project)
    with pytest.raises(InputError, match=pattern) as caught:
        action()
    assert file_digest(project) == before
    message = str(caught.value)
    assert "\n" not in message
    return message
