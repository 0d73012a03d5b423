"""A table read from a file: its column names and a way to stream its rows.

Every format module (delimited text, spreadsheets, JSON Lines, plain text)
returns a `Table`. Rows are streamed, never loaded whole: `rows()` starts a
fresh pass over the file each time it is called, so an import can check the
whole file first and write it in a second pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from coder.errors import InputError
from coder.wording import shorten

# Columns a file may have: attributes become columns of every export (200,000 made
# `export binary --out x.xlsx` run for minutes); survey exports stay far below this.
MAX_COLUMNS = 2000

# Rows above the header a file may have: a report's title, a blank line (`title_rows`).
MAX_TITLE_ROWS = 5

# The name a first column without one gets: pandas (`to_csv`) and R (`write.csv`) write their row
# names (index) so.
ROW_NAMES = "row_names"

ROW_ID = "@row"
"""The pseudo-column that numbers data rows 1, 2 ... (the first row under the header is 1)."""

# One data row: (row number: 1 for the first data row, place: the line or sheet
# row to name in errors, values: column name -> value; absent keys are empty).
SourceRow = tuple[int, int, dict]


@dataclass(frozen=True)
class Table:
    """Column names and a streaming reader over the data rows of one file."""

    path: Path
    description: str                      # e.g. "CSV, comma-separated, UTF-8"
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[SourceRow]]
    unit: str = "line"                    # how errors locate a row: "line" or "row"
    default_id: str | None = None         # id column to use when none is given (TXT: @row)
    sheet: str | None = None              # the sheet, in a workbook of several
    other_sheets: tuple[str, ...] = ()    # the workbook's other sheets, when none was asked for
    # A workbook's cells holding a formula saved without its value, (sheet row, column), found on
    # demand: such a cell reads as empty
    unsaved_formulas: Callable[[], set[tuple[int, str]]] | None = None

    def error(self, reason: str, place: int | None = None, column: str | None = None,
              hint: str | None = None) -> InputError:
        """An InputError located in this file (and sheet) at `place` (a line or a sheet row)."""
        where = {self.unit: place} if place is not None else {}
        return InputError(reason, file=sheet_place(self.path, self.sheet), column=column, hint=hint, **where)

    def no_rows_error(self, what: str) -> InputError:
        """The error for a file with no rows (under its header, if it has one): no `what` to import."""
        return self.error(f"nothing to import: the file holds no rows of {what}",
                          hint="check the file: it may have been saved empty or cut short")

    def columns_error(self, reason: str, hint: str) -> InputError:
        """An InputError about the columns: they are not what was asked for or expected. When the
        sheet was read by default, names the workbook's other sheets: the data may be on one."""
        return self.error(reason, hint="; ".join([hint, other_sheets_hint(self.other_sheets)])
                          if self.other_sheets else hint)

    def require_column(self, name: str, option: str) -> str:
        """`name` if it is a column of this table, else an error listing the columns."""
        if name == ROW_ID or name in self.columns:
            return name
        raise self.columns_error(f"no column {name!r} (given by {option}); columns are: "
                                 f"{list_columns(self.columns)}", hint=f"give {option} one of them")


def sheet_place(path: Path, sheet: str | None) -> str:
    """A file, and the workbook sheet in it, as errors name them."""
    return f"{path}, sheet {sheet!r}" if sheet is not None else str(path)


def other_sheets_hint(others) -> str:
    """What to say about a workbook's other sheets when the one read is not the data."""
    return f"the workbook also has {list_columns(others)}: choose one with --sheet NAME"


def list_columns(columns) -> str:
    """Column names as one line for error messages."""
    return ", ".join(repr(c) for c in columns) if columns else "(none)"


def check_width(count: int, table_path: Path | str, unit: str = "line", place: int = 1) -> None:
    """Raise InputError if a file has more than MAX_COLUMNS columns (found at `place`)."""
    if count > MAX_COLUMNS:
        raise InputError(f"{count:,} columns, more than the {MAX_COLUMNS:,} an import takes",
                         file=str(table_path), hint="keep only the id, the text and the attribute "
                                                   "columns you need", **{unit: place})


def check_header(names: list, table_path: Path | str, unit: str = "line", place: int = 1) -> tuple[str, ...]:
    """Header cells as column names: stripped, none empty (but a first column, `ROW_NAMES`), none
    repeated, at most MAX_COLUMNS (errors name the header's line or row, `place`)."""
    check_width(len(names), table_path, unit, place)
    columns = [("" if name is None else str(name)).strip() for name in names]
    if len(columns) > 1 and not columns[0] and ROW_NAMES not in columns:
        columns[0] = ROW_NAMES   # what pandas' to_csv and R's write.csv write without a name: their row names
    seen: set[str] = set()
    for number, name in enumerate(columns, start=1):
        if not name:
            raise InputError(f"column {number} of the header has no name (name it, or delete "
                             "the column)", file=str(table_path), **{unit: place})
        if name in seen:
            raise InputError(f"the header names column {name!r} twice (rename one)",
                             file=str(table_path), **{unit: place})
        seen.add(name)
    return tuple(columns)


def row_id(table: Table, column: str, prefix: str, number: int, place: int, values: dict) -> str:
    """The response id of one row: its `column` cell, or its row number for @row; plus prefix.

    Whole numbers read from spreadsheets as 12.0 give "12". An empty id is an error.
    """
    if column == ROW_ID:
        return f"{prefix}{number}"
    value = values.get(column)
    if type(value) is not str:   # the common case, a string, skips these checks
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (dict, list)):
            raise table.error("the id is not a single value", place, column=column)
        value = "" if value is None else str(value)
    value = value.strip()
    if not value:
        raise table.error("empty id", place, column=column,
                          hint=f"give every row an id, or use --id-col {ROW_ID} to number the rows")
    return prefix + value if prefix else value


def title_rows(first_rows: list[list]) -> int:
    """How many of a file's first rows sit above its header: rows with nothing but their first
    cell filled (a title such as "Staff survey 2024") or nothing (a blank line), followed,
    within `MAX_TITLE_ROWS`, by a row with two or more filled cells (the header) that most of
    the next few rows match. 0 when the first row is the header, or when that is unclear (a
    file of one column, whose rows with a second cell are strays; a header whose first column
    has no name, as pandas writes its index)."""
    def filled(row: list) -> int:
        return sum(value not in (None, "") for value in row)

    for k, row in enumerate(first_rows[:MAX_TITLE_ROWS + 1]):
        count = filled(row)
        if count >= 2:
            under = first_rows[k + 1:k + 1 + MAX_TITLE_ROWS]
            return k if k == 0 or 2 * sum(filled(r) >= 2 for r in under) > len(under) else 0
        if count == 1 and row[0] in (None, ""):
            return 0   # one name, not in the first cell: a header whose first column has none (pandas' index)
    return 0


def skipped_titles(rows: list[list]) -> str:
    """What a description says of the title rows skipped (`title_rows`), quoting each filled one
    (its first value, cut at a word near 40 characters) so the researcher sees what was left out."""
    texts = [next(str(v) for v in row if v not in (None, "")) for row in rows if any(v not in (None, "") for v in row)]
    quoted = f" ({', '.join(repr(shorten(' '.join(t.split()), 41)) for t in texts)})" if texts else ""
    return f"{len(rows)} {'row' if len(rows) == 1 else 'rows'} above the header skipped{quoted}"

