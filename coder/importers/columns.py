"""Which column holds the response id and which the text, when the user did not say.

Named columns win (an id column called id, respondent, respondent_id, caseid,
response_id ...; a text column called text, comment, response, answer or
verbatim); else the text column is the only column holding long free text
(dates and times, however long, are not).
Anything ambiguous stops with the list of columns and the option to give.
"""

from __future__ import annotations

import itertools
import re

from coder.importers import open_table
from coder.importers.table import ROW_ID, Table, list_columns
from coder.importers.values import is_date_or_time

ID_NAMES = {"id", "respondent", "respondent_id", "respondentid", "caseid", "case_id",
            "response_id", "responseid", "participant", "participant_id"}
TEXT_NAMES = {"text", "comment", "comments", "response", "answer", "verbatim"}
SAMPLE_ROWS = 200
FREE_TEXT_MEAN_CHARS = 25   # a column of short labels (region, role) stays below this


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


def named_columns(columns, names: set[str]) -> list[str]:
    """The columns whose name (case, spaces and hyphens aside) is one of `names`."""
    return [c for c in columns if _normalise(c) in names]


def free_text_columns(table: Table, exclude: set[str]) -> list[str]:
    """Columns whose values in the first rows are long and mostly several words. A date or time
    (`2024/03/06 9:12:55 AM GMT+1`, Google Forms' Timestamp) counts as no words."""
    lengths: dict[str, list[int]] = {c: [] for c in table.columns if c not in exclude}
    for _, _, values in itertools.islice(table.rows(), SAMPLE_ROWS):
        for column, found in lengths.items():
            value = values.get(column)
            if isinstance(value, str) and value.strip():
                found.append(len(value) if " " in value.strip() and not is_date_or_time(value) else 0)
    return [c for c, found in lengths.items()
            if found and sum(found) / len(found) >= FREE_TEXT_MEAN_CHARS]


def choose_id_column(table: Table, given: str | None) -> str:
    """The id column: the one given, the format's default, or the only id-like name."""
    if given:
        return table.require_column(given, "--id-col")
    if table.default_id:
        return table.default_id
    found = named_columns(table.columns, ID_NAMES)
    if len(found) == 1:
        return found[0]
    what = "no column looks like an id" if not found else \
        f"several columns look like ids ({', '.join(found)})"
    raise table.columns_error(f"{what}; columns are: {list_columns(table.columns)}",
                              hint=f"give --id-col NAME, or --id-col {ROW_ID} to number the rows 1, 2 ...")


def choose_text_column(table: Table, given: str | None, id_column: str) -> str:
    """The text column: the one given, the only text-like name, or the only free-text column."""
    if given:
        return table.require_column(given, "--text-col")
    # Even a lone column beside the id must hold free text: a file of ids and departments
    # is not a file of answers.
    candidates = [c for c in table.columns if c != id_column]
    found = named_columns(candidates, TEXT_NAMES)
    if len(found) == 1:
        return found[0]
    if not found:
        found = free_text_columns(table, {id_column})
        if len(found) == 1:
            return found[0]
    what = "no column looks like the text" if not found else \
        f"several columns could be the text ({', '.join(found)})"
    raise table.columns_error(f"{what}; columns are: {list_columns(table.columns)}",
                              hint="give --text-col NAME")


def open_response_table(path, *, id_col: str | None = None, text_col: str | None = None,
                        sheet: str | None = None, encoding: str | None = None,
                        max_unzip_mb: int | None = None) -> tuple[Table, str, str]:
    """Open a file of responses and choose its id and text columns: (table, id column, text column)."""
    table = open_table(path, sheet=sheet, encoding=encoding, max_unzip_mb=max_unzip_mb)
    id_column = choose_id_column(table, id_col)
    text_column = choose_text_column(table, text_col, id_column)
    if id_column == text_column:
        raise table.error(f"the id and the text cannot both be column {id_column!r}",
                          hint="give --id-col and --text-col")
    return table, id_column, text_column
