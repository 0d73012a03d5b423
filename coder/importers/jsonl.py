"""JSON Lines: one JSON object per line; its keys are the columns.

Values keep their JSON types (numbers stay numbers; nested lists and objects
are kept as they are in attributes; `NaN` and `Infinity`, which are not JSON,
become the text "NaN" and "Infinity"). Blank lines are ignored.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Iterator

from coder.errors import InputError
from coder.importers.encoding import describe, detect_encoding
from coder.importers.table import SourceRow, Table, check_width

HEADER_SAMPLE = 1000   # objects whose keys make the column list


def open_jsonl(path: Path, encoding: str | None = None) -> Table:
    """A JSON Lines file as a Table; columns are the keys of its first objects, in order."""
    encoding = detect_encoding(path, encoding)

    def rows() -> Iterator[SourceRow]:
        number = 0
        with path.open(encoding=encoding) as f:
            for line_number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    values = json.loads(line)
                except json.JSONDecodeError as exc:
                    # Some of json's messages end in "at" already ("Invalid control character at").
                    raise table.error(f"not valid JSON: {exc.msg.removesuffix(' at')} at character {exc.colno}",
                                      line_number) from None
                except RecursionError:
                    raise table.error("lists or objects nested too deeply to read", line_number,
                                      hint="flatten the line's values") from None
                if not isinstance(values, dict):
                    raise table.error("each line must be a JSON object ({...})", line_number)
                number += 1
                yield number, line_number, values

    table = Table(path, f"JSON Lines, {describe(encoding)}", (), rows)
    columns: dict[str, None] = {}
    for number, line, values in rows():
        columns.update(dict.fromkeys(values))
        check_width(len(columns), path, place=line)
        if number >= HEADER_SAMPLE:
            break
    if not columns:
        raise InputError("the file holds no JSON objects", file=str(path))
    table = dataclasses.replace(table, columns=tuple(columns))
    return table
