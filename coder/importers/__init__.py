"""Reading tables of responses or codings from files, one module per format.

`open_table(path)` picks the reader by the file's extension and returns a
`Table` (column names and a streaming row reader). Supported: .csv/.tsv
(delimited text, delimiter sniffed), .xlsx/.xlsm, .xls, .jsonl/.ndjson, and
.txt (one response per non-empty line).
"""

from __future__ import annotations

from pathlib import Path

from coder.errors import InputError
from coder.importers.archive import ZipLimits
from coder.importers.delimited import open_delimited
from coder.importers.jsonl import open_jsonl
from coder.importers.spreadsheet import open_xls, open_xlsx
from coder.importers.table import ROW_ID, SourceRow, Table
from coder.importers.text_lines import open_text_lines

FORMATS = {
    ".csv": "delimited", ".tsv": "delimited", ".tab": "delimited",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".txt": "text",
}


def open_table(path: Path | str, *, sheet: str | None = None,
               encoding: str | None = None, max_unzip_mb: int | None = None) -> Table:
    """Open a file of rows as a Table, by its extension (see FORMATS).

    `sheet` picks a workbook's sheet (name or number from 1); `encoding` forces
    a text file's encoding (detected otherwise); `max_unzip_mb` raises what one
    part of an .xlsx may expand to (see `coder.importers.archive`). Raises InputError when the file
    is missing, of an unknown kind, empty or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"unknown file type {path.suffix or '(no extension)'!r}", file=str(path),
                         hint="use .csv, .tsv, .xlsx, .xls, .jsonl or .txt")
    if kind == "xlsx":
        return open_xlsx(path, sheet, ZipLimits.raised_to(max_unzip_mb))
    if kind == "xls":
        return open_xls(path, sheet)
    if kind == "jsonl":
        return open_jsonl(path, encoding)
    if kind == "text":
        return open_text_lines(path, encoding)
    return open_delimited(path, encoding)


__all__ = ["open_table", "Table", "SourceRow", "ROW_ID", "FORMATS"]
