"""Writing export tables to CSV or XLSX, safely.

Every text cell (and header) of a CSV that a spreadsheet would read as a
formula, one starting with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some spreadsheets strip before looking, or those after leading spaces,
which some strip too), is prefixed with `'`, so a hostile response cannot run a
formula in Excel. A number written as text ("-5", "+3.5") is no formula and
stays as it is: prefixed, R and pandas read the column as text. In an XLSX
cell only text starting with `=` would become a formula (openpyxl writes it
so); any other text is a text cell as it is. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from coder.errors import CoderError
from coder.export.kinds import check_output
from coder.files import replacing
from coder.wording import counted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_SIGNS = re.compile(r"[ \t\r\n]*[=+\-@]")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")   # a number as text: no formula
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
XLSX_MAX_CHARS = 32_767    # the most characters a cell holds
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# What an .xlsx export's time goes on, in the time writing one cell takes (measured on the exports of
# a 291,125-response project: the matrix, 25 million cells and 119 million characters, took 145 s to
# write and 15 s to save; codings with suggestions, 8.6 million cells and 629 million characters, 57 s
# and 19 s): a character of text adds WRITE_PER_CHAR to the writing; saving (zipping about 40 bytes of
# XML a cell and the text) SAVE_PER_CELL a cell and SAVE_PER_CHAR a character.
WRITE_PER_CHAR = 0.0021
SAVE_PER_CELL = 0.088
SAVE_PER_CHAR = 0.0042
SAMPLE_ROWS = 1_000   # rows of each sheet whose text is measured for that estimate


@dataclass(frozen=True)
class ExportTables:
    """An export's tables and the notes that say how to read them.

    `sheets`: name -> table; the first is the main table (the only one a CSV
    holds). `notes`: lines on source, percent base and tests. `csv_notes`: also
    append the notes under the CSV table as "# ..." lines (summary tables only;
    record tables stay clean for R/SPSS).
    """

    sheets: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    csv_notes: bool = False

    def cells(self, path: Path) -> int:
        """How many table cells writing to `path` writes (what `write_tables` reports to
        `advance`): the main table's to a .csv, every sheet's to an .xlsx. Cells, not rows: a
        row of the whole framework matrix takes several times as long as one of a theme's."""
        frames = list(self.sheets.values())
        return sum(frame.size for frame in (frames if table_format(path) == "xlsx" else frames[:1]))

    def save_share(self, path: Path) -> float:
        """The time saving `path` takes once its cells are written, as a share of the time writing
        them takes (for a progress bar's time left): none for a .csv, written as it goes; for an
        .xlsx, compressing the sheets' XML into the file, which grows with the text in them (the
        characters estimated from a sample of rows; see SAVE_PER_CELL)."""
        if table_format(path) != "xlsx":
            return 0.0
        cells = chars = 0.0
        for frame in self.sheets.values():
            if not len(frame):
                continue
            sample = frame.iloc[::max(1, len(frame) // SAMPLE_ROWS)]
            text = sum(sample[column].map(lambda v: len(v) if isinstance(v, str) else 0).sum()
                       for column in sample.columns
                       if sample[column].dtype == object or pd.api.types.is_string_dtype(sample[column]))
            cells += frame.size
            chars += text * len(frame) / len(sample)
        if not cells:
            return 0.0
        return (SAVE_PER_CELL * cells + SAVE_PER_CHAR * chars) / (cells + WRITE_PER_CHAR * chars)


def is_risky(value, *, xlsx: bool = False) -> bool:
    """Whether a spreadsheet could read `value` as a formula (see the module's docstring): a CSV
    cell, or with `xlsx` an XLSX text cell."""
    if not isinstance(value, str):
        return False
    if xlsx:
        return value.startswith("=") and len(value) > 1
    return (value.startswith(FORMULA_STARTS) or FORMULA_SIGNS.match(value) is not None) \
        and NUMBER.fullmatch(value) is None


def neutralise(value, *, xlsx: bool = False):
    """A cell value made safe for spreadsheets (strings a formula could start get `'`)."""
    return "'" + value if is_risky(value, xlsx=xlsx) else value


def neutralise_frame(frame: pd.DataFrame, *, xlsx: bool = False) -> pd.DataFrame:
    """A copy of `frame` with every text cell and header neutralised (for a CSV, or with `xlsx`
    for an XLSX sheet)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.astype(object)
            risky = values.map(lambda v: is_risky(v, xlsx=xlsx))
            values[risky] = "'" + values[risky]
            out[column] = values
    out.columns = [neutralise(str(c), xlsx=xlsx) for c in out.columns]
    return out


def table_format(path: Path) -> str:
    """`csv` or `xlsx` from the output file name; anything else is a CoderError."""
    return check_output("table", path)


def write_tables(tables: ExportTables, path: Path, *, excel_bom: bool = False,
                 advance: Callable[[int], None] = lambda n: None) -> list[str]:
    """Write to `path` (.csv: the main table; .xlsx: every sheet plus a notes sheet).

    The file is written under a temporary name and moved into place, so a
    failed export never leaves half a file. `excel_bom` writes UTF-8 with a BOM
    so Excel opens the CSV with the right encoding. `advance(n)` is called as
    each `n` table cells are written (`tables.cells(path)` in all), for a progress
    bar. Returns the notes the writing itself adds (also in the notes sheet):
    text cut to fit an XLSX cell.
    """
    path = Path(path)
    fmt = table_format(path)
    with replacing(path, f".{fmt}") as tmp:
        if fmt == "csv":
            _write_csv(tables, tmp, excel_bom, advance)
            return []
        return _write_xlsx(tables, tmp, advance)


ROWS_AT_ONCE = 5_000   # rows made safe and written between two calls of `advance`


def _write_csv(tables: ExportTables, path: Path, excel_bom: bool, advance: Callable[[int], None]) -> None:
    main = next(iter(tables.sheets.values()))
    notes = tables.csv_notes and tables.notes
    # Under "# " notes a reader skips comments from a "#" on: a label or value holding one ("Issue #1")
    # must be quoted to be read whole, so then every text cell is. So must a lone "\r" (an old Mac
    # line break), which the csv module leaves unquoted under "\n" line ends and every reader
    # takes for the end of the row. (Looked for before the parts are made safe below: the `'` that
    # adds is neither.)
    quoting = csv.QUOTE_NONNUMERIC if (notes and _holds(main, "#")) or _holds(main, "\r") else csv.QUOTE_MINIMAL
    with open(path, "w", encoding="utf-8-sig" if excel_bom else "utf-8", newline="") as handle:
        for start in range(0, max(len(main), 1), ROWS_AT_ONCE):
            part = neutralise_frame(main.iloc[start:start + ROWS_AT_ONCE])
            part.to_csv(handle, index=False, header=start == 0, lineterminator="\r\n" if excel_bom else "\n",
                        quoting=quoting)
            advance(part.size)
        if tables.csv_notes and tables.notes:
            # Written as they are, not as CSV cells: a cell with a comma would be quoted, and a
            # line starting with a quote is data to `read_csv(comment="#")` and R's comment.char.
            end = "\r\n" if excel_bom else "\n"
            handle.write(end + "".join(f"# {' '.join(note.splitlines())}".rstrip() + end for note in tables.notes))


def _holds(frame: pd.DataFrame, text: str) -> bool:
    """Whether a header or a text cell of `frame` holds `text`."""
    return any(text in str(c) for c in frame.columns) or any(
        frame[c].map(lambda v: isinstance(v, str) and text in v).any() for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))


def _write_xlsx(tables: ExportTables, path: Path, advance: Callable[[int], None]) -> list[str]:
    for name, frame in tables.sheets.items():
        if len(frame) > XLSX_MAX_ROWS:
            raise CoderError(f"{name}: {len(frame)} rows do not fit in an XLSX sheet "
                             f"({XLSX_MAX_ROWS} at most); write a .csv instead")
    # openpyxl's write-only workbook streams rows to the file: pandas' to_excel builds a cell object
    # per value first (the matrix of 400,000 responses, 28 million cells, took 8 min 42 s that way).
    book = Workbook(write_only=True)
    names: set[str] = set()
    cut = sum(_write_sheet(book, _sheet_name(name, names), frame, advance) for name, frame in tables.sheets.items())
    added = [f"{counted(cut, 'cell')} held more than an XLSX cell's {XLSX_MAX_CHARS:,} characters and "
             f"{'was' if cut == 1 else 'were'} cut there, ending in …; a .csv export holds the whole text"] * bool(cut)
    if tables.notes or added:   # not among the cells counted
        _write_sheet(book, _sheet_name("notes", names), pd.DataFrame({"note": [*tables.notes, *added]}), lambda n: None)
    book.save(path)
    return added


def _write_sheet(book: Workbook, name: str, frame: pd.DataFrame, advance: Callable[[int], None]) -> int:
    """Add `frame` to `book` as sheet `name`, made safe a part at a time, calling `advance` with the
    cells of each part written; return how many cells were cut to fit (`_xlsx_safe`)."""
    sheet = book.create_sheet(name)
    sheet.append([_bold(sheet, neutralise(str(column), xlsx=True), Font(bold=True)) for column in frame.columns])
    cut = 0
    for start in range(0, len(frame), ROWS_AT_ONCE):
        part, n = _xlsx_safe(neutralise_frame(frame.iloc[start:start + ROWS_AT_ONCE], xlsx=True))
        cut += n
        for row in zip(*(_cell_values(part[column]) for column in part.columns)):
            sheet.append(row)
        advance(part.size)
    return cut


def _bold(sheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def _cell_values(column: pd.Series) -> list:
    """A column's values as an XLSX sheet takes them: Python numbers, text, dates; None for empty."""
    values = column.astype(object)
    return values.where(column.notna(), None).tolist()


def _xlsx_safe(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Text cells as an XLSX cell holds them, and how many were cut: control characters it cannot
    hold (e.g. vertical tab) removed, and text past its length limit cut (openpyxl would cut it with
    only a warning on the console)."""
    cut = 0
    for column in frame.columns:
        if frame[column].dtype == object:
            cleaned = frame[column].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
            long = cleaned.map(lambda v: isinstance(v, str) and len(v) > XLSX_MAX_CHARS)
            cut += int(long.sum())
            frame[column] = cleaned.where(~long, cleaned[long].map(lambda v: v[:XLSX_MAX_CHARS - 1] + "…"))
    return frame, cut


def _sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-legal, unique sheet name (max 31 characters, no []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub(" ", name).strip("' ")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate
