"""Reading tables of responses or codings from files, one module per format.

`open_table(path)` picks the reader by the file's extension and returns a
`Table` (column names and a streaming row reader). Supported: .csv/.tsv
(delimited text, delimiter sniffed), .xlsx/.xlsm, .xls, .jsonl/.ndjson, and
.txt (one response per non-empty line).
"""

from __future__ import annotations

import dataclasses
import itertools
import zipfile
from pathlib import Path
from typing import Iterator

from coder.errors import InputError
from coder.importers.archive import ZipLimits
from coder.importers.delimited import open_delimited
from coder.importers.jsonl import open_jsonl
from coder.importers.second_header import is_import_id_row
from coder.importers.spreadsheet import open_xls, open_xlsx
from coder.importers.table import ROW_ID, SourceRow, Table
from coder.importers.text_lines import open_text_lines

FORMATS = {
    ".csv": "delimited", ".tsv": "delimited", ".tab": "delimited",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".txt": "text",
}


_OLE = bytes.fromhex("D0CF11E0A1B11AE1")   # a legacy .xls, or an .xlsx saved with a password


def _workbook_kind(path: Path, named: str) -> str:
    """"xlsx" or "xls" by what the file holds, as Excel opens it: a workbook renamed from one to
    the other is read as what it is (an .xlsx is a zip archive); a damaged file keeps the kind
    of its name."""
    if zipfile.is_zipfile(path):
        return "xlsx"
    with open(path, "rb") as file:
        return "xls" if file.read(8) == _OLE else named


def open_table(path: Path | str, *, sheet: str | None = None,
               encoding: str | None = None, max_unzip_mb: int | None = None) -> Table:
    """Open a file of rows as a Table, by its extension (see FORMATS).

    `sheet` picks a workbook's sheet (name or number from 1); `encoding` forces
    a text file's encoding (detected otherwise); `max_unzip_mb` raises what one
    part of an .xlsx may expand to (see `coder.importers.archive`). Raises InputError when the file
    is missing, of an unknown kind, empty or unreadable.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError("that is a folder, not a file", file=str(path), hint="name a file in it")
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"unknown file type {path.suffix or '(no extension)'!r}", file=str(path),
                         hint="use .csv, .tsv, .xlsx, .xls, .jsonl or .txt")
    if kind in ("xlsx", "xls"):
        kind = _workbook_kind(path, kind)
    if kind == "xlsx":
        table = open_xlsx(path, sheet, ZipLimits.raised_to(max_unzip_mb))
    elif kind == "xls":
        table = open_xls(path, sheet)
    elif kind == "jsonl":
        return open_jsonl(path, encoding)
    elif kind == "text":
        return open_text_lines(path, encoding)
    else:
        table = open_delimited(path, encoding)
    return without_survey_header_rows(table)


# Qualtrics puts two rows under the header of its CSV and Excel exports: each question's
# text, then its import id as JSON ({"ImportId":"QID3_TEXT"}). They are not responses.
_SURVEY_HEADER_ROWS = 2


def without_survey_header_rows(table: Table) -> Table:
    """`table` without the extra header rows a survey tool put under its header (Qualtrics'
    question texts and import ids), found by the import-id row (every filled cell of it an
    import id); as it is when there are none.
    Data rows are numbered from the first real one; the description says what was skipped."""
    first = list(itertools.islice(table.rows(), _SURVEY_HEADER_ROWS))
    extra = 0
    for k, (_, _, values) in enumerate(first, start=1):
        if is_import_id_row(values.values()):
            extra = k
    if not extra:
        return table

    def rows() -> Iterator[SourceRow]:
        for number, place, values in itertools.islice(table.rows(), extra, None):
            yield number - extra, place, values

    skipped = "its 2 rows of question texts and import ids" if extra == 2 else "its row of import ids"
    return dataclasses.replace(table, rows=rows,
                               description=f"{table.description}; a Qualtrics export: {skipped} under the header skipped")


__all__ = ["open_table", "Table", "SourceRow", "ROW_ID", "FORMATS"]
