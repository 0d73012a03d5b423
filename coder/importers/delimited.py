"""CSV and other delimited text: comma, semicolon or tab, sniffed from the file.

Rows are streamed with the standard csv module. A cell may hold up to
`MAX_CELL_CHARS` characters (far beyond any survey answer; a longer one is almost
always a quote left open, which makes the rest of the file one cell), so memory
stays bounded whatever the file. Every row must have as many cells as the header;
a blank line is ignored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from coder.errors import InputError
from coder.importers.encoding import describe, detect_encoding, has_bom
from coder.importers.table import SourceRow, Table, check_header

DELIMITERS = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}
SNIFF_CHARS = 64 * 1024
MAX_CELL_CHARS = 10 * 1024 * 1024
_CELL_TOO_LONG = "field larger than field limit"


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the header into most columns, consistently over the next rows.

    `sample` is the start of the file; a last row cut off by the sample's end is ignored.
    """
    complete = sample[:sample.rfind("\n") + 1] or sample
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [row for row in csv.reader(io.StringIO(complete), delimiter=delimiter) if row][:50]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(len(row) == width for row in rows[1:])
        score = (width > 1, consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def open_delimited(path: Path, encoding: str | None = None) -> Table:
    """A delimited text file as a Table (encoding detected unless given)."""
    encoding = detect_encoding(path, encoding)
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(SNIFF_CHARS)
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else sniff_delimiter(sample)
    csv.field_size_limit(MAX_CELL_CHARS)
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        try:
            header = next((row for row in reader if row), None)
        except csv.Error as exc:
            raise InputError(f"the header is not readable as CSV ({exc})", file=str(path), line=1,
                             hint="check the quotes in the first row") from None
        header_line = reader.line_num
    if header is None:
        raise InputError("the file is empty (no header row)", file=str(path))
    columns = check_header(header, path)
    width = len(columns)
    bom = has_bom(path)
    description = f"{'TSV' if delimiter == chr(9) else 'CSV'}, {DELIMITERS[delimiter]}, " \
                  f"{describe(encoding, bom)}"

    def rows() -> Iterator[SourceRow]:
        with path.open(encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter, strict=True)
            number, start = 0, 1   # start: the line the next row begins on
            try:
                for row in reader:
                    line, start = start, reader.line_num + 1
                    if line <= header_line or not row:
                        continue
                    if len(row) != width:
                        raise table.error(
                            f"{len(row)} cells where the header has {width} columns", line,
                            hint="check quotes and delimiters in that line, or fix the header")
                    number += 1
                    yield number, line, dict(zip(columns, row))
            except csv.Error as exc:
                if _CELL_TOO_LONG in str(exc):
                    raise table.error(f"a cell is over {MAX_CELL_CHARS // (1024 * 1024)} million characters", start,
                                      hint="a quote is probably left open in the row that starts there, "
                                           "making the rest of the file one cell") from None
                raise table.error(f"not readable as CSV ({exc})", start,
                                  hint="check the quotes in the row that starts there") from None

    table = Table(path, description, columns, rows)
    return table

