"""Excel workbooks: XLSX (openpyxl, read-only streaming) and legacy XLS (xlrd).

The first row of the sheet is the header, unless rows with at most one filled cell (a
title, a blank row) sit above it (`coder.importers.table.title_rows`); a second header
row under it is skipped (`coder.importers.second_header`). Numbers stay numbers (whole numbers
as integers), dates and times become ISO 8601 strings, empty cells are None.
Empty rows and empty columns past the header are ignored.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from coder.errors import InputError
from coder.importers.archive import ZipLimits, check_zip_members
from coder.importers.second_header import LATER_ROWS, second_header
from coder.importers.table import (MAX_TITLE_ROWS, SourceRow, Table, check_header, list_columns,
                                   other_sheets_hint, sheet_place, skipped_titles, title_rows)

# What a damaged or hostile workbook makes openpyxl raise, while opening or while
# streaming rows: a bad zip, a missing part, junk XML (lxml's and ElementTree's
# syntax errors are SyntaxErrors), values of the wrong type.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, TypeError,
               AttributeError, IndexError, EOFError, SyntaxError)


def cell_value(value):
    """A cell as an attribute value: dates as ISO strings, whole floats as ints."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def _choose_sheet(names: list[str], sheet: str | None, path: Path) -> int:
    """The index of the sheet named (or numbered from 1) by `sheet`; the first by default."""
    if sheet is None:
        return 0
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise InputError(f"no sheet {sheet!r}; sheets are: {list_columns(names)}", file=str(path),
                     hint="give --sheet NAME or its number from 1")


def _table(path: Path, kind: str, names: list[str], index: int, chosen: bool, raw_rows) -> Table:
    """A Table over sheet `index` of a workbook with sheets `names` (`chosen`: by --sheet, not by
    default); `raw_rows()` yields each of its rows as a tuple of values."""
    sheet = names[index] if len(names) > 1 else None   # errors name the sheet when there is a choice
    others = () if chosen else tuple(names[:index] + names[index + 1:])
    reader = raw_rows()
    first = [[cell_value(c) for c in row] for row in itertools.islice(reader, MAX_TITLE_ROWS + 2 + LATER_ROWS)]
    reader.close()
    above = first[:title_rows(first)]
    header_row = len(above) + 1
    header_cells = first[len(above)] if first else None
    if header_cells is None or all(c is None for c in header_cells):
        raise InputError("the sheet is empty (no header row)", file=sheet_place(path, sheet), row=1,
                         hint=other_sheets_hint(others) if others else None)
    under = [(sheet_row, r) for sheet_row, r in enumerate(first[header_row:], start=header_row + 1)
             if any(v is not None for v in r)]
    doubled = second_header([header_cells, *(r for _, r in under)])   # the column names and what to say, or None
    if doubled:
        header_cells, header_row = doubled[0], under[0][0]
    while header_cells and header_cells[-1] in (None, ""):
        header_cells.pop()
    columns = check_header(header_cells, sheet_place(path, sheet), unit="row", place=header_row)
    width = len(columns)

    def rows() -> Iterator[SourceRow]:
        number = 0
        for sheet_row, cells in enumerate(raw_rows(), start=1):
            if sheet_row <= header_row:
                continue
            values = [cell_value(c) for c in cells]
            if all(v is None for v in values):
                continue
            extra = next((i for i in range(width, len(values)) if values[i] is not None), None)
            if extra is not None:
                raise table.error(f"a value in column {extra + 1}, which has no header",
                                  sheet_row, hint=f"name the column in row {header_row}, or delete the value")
            number += 1
            yield number, sheet_row, {name: v for name, v in zip(columns, values) if v is not None}

    description = f"{kind}, sheet {names[index]!r}" + (f"; {skipped_titles(above)}" if above else "") + \
        (f"; {doubled[1]}" if doubled else "")
    table = Table(path, description, columns, rows, unit="row", sheet=sheet, other_sheets=others)
    return table


# A cell holding a formula and no value (`<v>` empty or missing): what a program that writes
# formulas without computing them saves (openpyxl, many scripts). Excel and LibreOffice save both.
_UNSAVED_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_SCAN_CHUNK, _SCAN_OVERLAP = 1 << 22, 1 << 16


def unsaved_formula_cells(path: Path, member: str) -> set[tuple[int, int]]:
    """(row, column from 0) of every cell of the sheet `member` of the workbook at `path` that holds
    a formula saved without its value, scanned in chunks (a formula longer than the overlap
    between two chunks is not found)."""
    found: set[tuple[int, int]] = set()
    with zipfile.ZipFile(path) as archive, archive.open(member) as sheet:
        tail = b""
        while chunk := sheet.read(_SCAN_CHUNK):
            text = tail + chunk
            for letters, row in _UNSAVED_FORMULA.findall(text):
                column = 0
                for letter in letters:
                    column = column * 26 + letter - ord("A") + 1
                found.add((int(row), column - 1))
            tail = text[-_SCAN_OVERLAP:]
    return found


def _unreadable(path: Path, exc: Exception) -> InputError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(f"not a readable XLSX workbook ({reason})", file=str(path),
                      hint="save it from Excel as .xlsx, or as CSV UTF-8")


def open_xlsx(path: Path, sheet: str | None = None, limits: ZipLimits = ZipLimits()) -> Table:
    """One sheet of an XLSX workbook as a Table, streamed row by row.

    The workbook's parts are held to `limits` before anything is parsed (see
    `coder.importers.archive`).
    """
    import openpyxl

    check_zip_members(path, limits, streamed_prefix="xl/worksheets/")

    @contextmanager
    def loaded():
        # Opened by us, not by name: openpyxl refuses a name ending .xls, and a workbook saved
        # under the other extension is read as what it holds (`coder.importers.open_table`).
        with open(path, "rb") as file:
            try:
                book = openpyxl.load_workbook(file, read_only=True, data_only=True)
            except _UNREADABLE as exc:
                raise _unreadable(path, exc) from None
            try:
                yield book
            finally:
                book.close()

    with loaded() as workbook:
        names = workbook.sheetnames
        index = _choose_sheet(names, sheet, path)
        member = getattr(workbook.worksheets[index], "_worksheet_path", None)   # e.g. xl/worksheets/sheet1.xml

    def raw_rows():
        with loaded() as book:
            rows = book.worksheets[index].iter_rows(values_only=True)
            while True:
                try:
                    row = next(rows, None)
                except _UNREADABLE as exc:
                    raise _unreadable(path, exc) from None
                if row is None:
                    return
                yield row

    table = _table(path, "XLSX", names, index, sheet is not None, raw_rows)
    if not member:
        return table
    columns = table.columns

    def unsaved_formulas() -> set[tuple[int, str]]:
        return {(row, columns[column]) for row, column in unsaved_formula_cells(path, member)
                if column < len(columns)}
    return replace(table, unsaved_formulas=unsaved_formulas)


# xlrd's words for an encrypted legacy workbook, and for an OLE container without a workbook
# stream: what Excel writes for an .xlsx saved with a password (an "EncryptedPackage").
_ENCRYPTED = re.compile(r"encrypted|can't find workbook in OLE2", re.IGNORECASE)


def open_xls(path: Path, sheet: str | None = None) -> Table:
    """One sheet of a legacy XLS workbook as a Table."""
    import xlrd

    from xlrd.compdoc import CompDocError

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.XLRDError, CompDocError, zipfile.BadZipFile) as exc:   # a damaged file, or a zip that is not one
        if _ENCRYPTED.search(str(exc)):
            raise InputError("the workbook is password-protected (encrypted), so it cannot be read", file=str(path),
                             hint="open it in Excel, remove the password (File > Info > Protect Workbook), "
                                  "save it and import it again") from None
        raise InputError(f"not a readable XLS workbook ({exc})", file=str(path),
                         hint="save it from Excel as .xlsx, or as CSV UTF-8") from None
    names = book.sheet_names()
    index = _choose_sheet(names, sheet, path)

    def value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        return cell.value

    def raw_rows():
        data = book.sheet_by_index(index)
        for r in range(data.nrows):
            yield tuple(value(cell) for cell in data.row(r))

    return _table(path, "XLS", names, index, sheet is not None, raw_rows)
