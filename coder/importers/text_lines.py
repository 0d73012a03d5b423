"""Plain text: one response per non-empty line; the id is the line number.

A .txt of tab-separated columns (what Excel saves as "Unicode Text" or "Text (Tab
delimited)") is read as the table it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from coder.importers.delimited import delimited_table, is_tab_table, read_sample
from coder.importers.encoding import describe, detect_encoding
from coder.importers.table import ROW_ID, SourceRow, Table

TEXT_COLUMN = "text"


def open_text_lines(path: Path, encoding: str | None = None) -> Table:
    """A text file as a one-column Table ("text"); row numbers are line numbers. A table of
    tab-separated columns is read as one (`is_tab_table`)."""
    encoding = detect_encoding(path, encoding)
    sample = read_sample(path, encoding)
    if is_tab_table(sample):
        return delimited_table(path, encoding, "\t", sample, "; a .txt of tab-separated columns, as Excel saves them")

    def rows() -> Iterator[SourceRow]:
        with path.open(encoding=encoding) as f:
            for line_number, line in enumerate(f, start=1):
                text = line.rstrip("\r\n")
                if text.strip():
                    yield line_number, line_number, {TEXT_COLUMN: text}

    return Table(path, f"text, one response per line, {describe(encoding)}", (TEXT_COLUMN,), rows,
                 default_id=ROW_ID)
