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
from coder.importers.second_header import second_header
from coder.importers.table import MAX_TITLE_ROWS, SourceRow, Table, check_header, skipped_titles, title_rows

DELIMITERS = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}
SNIFF_CHARS = 64 * 1024
MAX_CELL_CHARS = 10 * 1024 * 1024
_CELL_TOO_LONG = "field larger than field limit"


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the header into most columns, consistently over the next rows
    (the header found under any title rows, `title_rows`).

    `sample` is the start of the file; a last row cut off by the sample's end is ignored.
    """
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        rows = _header_and_rows(sample, delimiter)
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(len(row) == width for row in rows[1:])
        score = (width > 1, consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def is_tab_table(sample: str) -> bool:
    """Whether text (the start of a file) is a table of tab-separated columns: a header of two or
    more, and most rows under it as wide (Excel's "Unicode Text" and "Text (Tab delimited)"; a
    row of another width is then an error naming its line, not a file read line by line)."""
    rows = _header_and_rows(sample, "\t")
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    return 2 * sum(len(row) == len(rows[0]) for row in rows[1:]) > len(rows) - 1


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    """The non-empty rows of a file's start, split by `delimiter` (none if it does not parse);
    a last row cut off by the sample's end is left out."""
    complete = sample[:sample.rfind("\n") + 1] or sample
    try:
        return [row for row in csv.reader(io.StringIO(complete), delimiter=delimiter) if row][:50 + MAX_TITLE_ROWS]
    except csv.Error:
        return []


def _header_and_rows(sample: str, delimiter: str) -> list[list[str]]:
    rows = _sample_rows(sample, delimiter)
    return rows[title_rows(rows):]


def read_sample(path: Path, encoding: str) -> str:
    """The start of a text file, for sniffing."""
    with path.open(encoding=encoding, newline="") as f:
        return f.read(SNIFF_CHARS)


def open_delimited(path: Path, encoding: str | None = None) -> Table:
    """A delimited text file as a Table (encoding detected unless given)."""
    encoding = detect_encoding(path, encoding)
    sample = read_sample(path, encoding)
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else sniff_delimiter(sample)
    return delimited_table(path, encoding, delimiter, sample)


def delimited_table(path: Path, encoding: str, delimiter: str, sample: str, kind: str = "") -> Table:
    """The Table of a text file in a known `encoding` and `delimiter` (`sample`: its start, from
    `read_sample`). Rows above the header (a title, `title_rows`) and a second header row under it
    (`coder.importers.second_header`) are skipped, and the description says so; `kind` adds what
    kind of file it is to the description."""
    first = _sample_rows(sample, delimiter)
    above = first[:title_rows(first)]
    doubled = second_header(first[len(above):])   # the column names and what to say, or None
    csv.field_size_limit(MAX_CELL_CHARS)
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        filled = (row for row in reader if row)
        try:
            for _ in above:
                next(filled)
            header = next(filled, None)
            if doubled:
                header = doubled[0]
                next(filled)
        except csv.Error as exc:
            raise InputError(f"the header is not readable as CSV ({exc})", file=str(path), line=1,
                             hint="check the quotes in the first row") from None
        header_line = reader.line_num
    if header is None:
        raise InputError("the file is empty (no header row)", file=str(path))
    columns = check_header(header, path, place=header_line)
    width = len(columns)
    bom = has_bom(path)
    description = f"{'TSV' if delimiter == chr(9) else 'CSV'}, {DELIMITERS[delimiter]}, {describe(encoding, bom)}{kind}"
    if above:
        description += f"; {skipped_titles(above)}"
    if doubled:
        description += f"; {doubled[1]}"

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

