"""A second header row under the header, as some survey tools write one.

SurveyMonkey writes the questions in row 1, blank over the second and later
columns of a question that has several, and in row 2 each column's label
("Response", "Open-Ended Response", an option such as "Manager"); old Qualtrics
exports write V1, V2 ... in row 1 and the question texts in row 2, and later ones
their column names in row 1 and in row 2 the question texts, under which the
names of the other columns come again ("Response ID" under ResponseId). Neither
row 2 is a response. It is found by the names it repeats (`names_the_columns`) or
by what the rows under it hold (`is_second_header`). The row is skipped and named
in the file's description, and its labels complete the names the header left
blank ("What is your role? - Manager").

A Qualtrics export may have a third row of import ids ({"ImportId":"QID1_TEXT"}):
then both rows are skipped together (`coder.importers.without_survey_header_rows`).
"""

from __future__ import annotations

import json
import re

from coder.importers.values import CODE, NUMBER, WHEN, kind

LATER_ROWS = 50       # rows under the candidate that show what the data looks like
MIN_LATER_ROWS = 2    # fewer show nothing
PATTERNED = {NUMBER, WHEN, CODE}
SHOWN_LABELS = 3


def _cell(row: list, index: int):
    return row[index] if index < len(row) else None


def _blank(value) -> bool:
    return value is None or not str(value).strip()


_IMPORT_ID = re.compile(r'\s*\{\s*"ImportId"\s*:')


def is_import_id(value) -> bool:
    """Whether a cell is a Qualtrics import id: a JSON object with an "ImportId"."""
    if not isinstance(value, str) or not _IMPORT_ID.match(value):
        return False
    try:
        return "ImportId" in json.loads(value)
    except (ValueError, TypeError):
        return False


def is_import_id_row(row) -> bool:
    """Whether a row is Qualtrics' row of import ids: some cell filled, and every filled one an import id."""
    cells = [value for value in row if not _blank(value)]
    return bool(cells) and all(is_import_id(value) for value in cells)


def _letters(value) -> str:
    return "".join(c for c in str(value).casefold() if c.isalnum())


_WORD = re.compile(r"[^\W_]+")
# What follows a column's name where a cell extends it: "Q1. What ...", "Duration (in seconds)".
_EXTENDED = re.compile(r"\s*[-–—:.(/]")


def _repeats(name, value) -> bool:
    """Whether `value` is the column's `name` again, compared on letters and digits, case aside
    ("Response ID" under ResponseId, "Start Date" under StartDate), and holds a letter (a file
    without a header has numbers for names, and the row under them may hold the same)."""
    letters = _letters(value)
    return not _blank(name) and _letters(name) == letters and any(c.isalpha() for c in letters)


def _extends(name, value) -> bool:
    """Whether `value` is the column's `name` followed by more after a stop, a colon, a dash or a
    bracket ("Q1. What makes your workload hard?" under Q1)."""
    if _blank(name) or _blank(value) or len(_letters(name)) < 2:
        return False
    label, text = str(name).strip().casefold(), str(value).strip().casefold()
    return text.startswith(label) and _EXTENDED.match(text, len(label)) is not None


def _respells(name, value) -> bool:
    """Whether `value` repeats the column's `name` split into other words, as a label of it
    ("Response ID" under ResponseId, "Start Date" under StartDate): no value of a response
    happens to."""
    return _repeats(name, value) and len(_WORD.findall(str(value))) != len(_WORD.findall(str(name)))


def names_the_columns(header: list, row: list) -> bool:
    """Whether `row`, the first under the header, names the columns again, as a survey tool's row of
    question texts does: one of its cells respells its column's name, or two repeat or extend
    their columns' names, or it is an old Qualtrics export's (ResponseID under V1). One cell that
    repeats or extends is not enough: a response may share a word with its column ("Comment: too
    long" under Comment), and in a file of codings without a header the next row may have the
    same id."""
    pairs = list(zip(header, row))
    if pairs and _letters(pairs[0][0]) == "v1" and _letters(pairs[0][1]) == "responseid":
        return True
    if any(_respells(name, value) for name, value in pairs):
        return True
    return sum(_repeats(name, value) or _extends(name, value) for name, value in pairs) >= 2


def is_second_header(row: list, later: list[list]) -> bool:
    """Whether `row`, the first under the header, is a second header row, judged by the `later` rows
    under it: in the columns every one of them fills with the same kind of value (a number, a date or
    time, or a code such as R_1abc; see `coder.importers.values.kind`), the first column (where the
    id is) among them and at least one other, `row` holds that kind nowhere (nothing, or a label
    such as "Status" over 0s and 1s), yet some label. A first response whose first cell fits its
    column never is, nor is a row of empty cells (a response with nothing in it)."""
    later = later[:LATER_ROWS]
    if len(later) < MIN_LATER_ROWS or all(_blank(value) for value in row):
        return False

    def breaks(index: int) -> bool | None:
        """Whether `row` breaks column `index`'s pattern; None when the column has none."""
        kinds = {kind(_cell(r, index)) for r in later}
        return kind(_cell(row, index)) not in kinds if len(kinds) == 1 and kinds <= PATTERNED else None

    if not breaks(0):   # the first column, checked first: in most files it settles it
        return False
    found = [breaks(index) for index in range(1, max(len(r) for r in [row, *later]))]
    return True in found and False not in found


def joined_names(header: list, labels: list) -> tuple[list, int]:
    """The header with the names it left blank completed from the second header row `labels`, and
    how many columns were renamed. A question over several columns (a name followed by blank
    cells) names each of them as "question - label"; every other column keeps its name, and a
    blank with no label under it, or no name to its left, stays blank."""
    names = list(header) + [None] * (len(labels) - len(header))
    renamed: dict[int, str] = {}
    start = None   # the column of the question the blank cells belong to
    for index, name in enumerate(names):
        if not _blank(name):
            start = index
        elif start is not None and not _blank(_cell(labels, index)):
            question = str(header[start]).strip()
            renamed.update({i: f"{question} - {str(labels[i]).strip()}" for i in (start, index)
                            if not _blank(_cell(labels, i))})
    for index, name in renamed.items():
        names[index] = name
    return names, len(renamed)


def skipped_second_header(labels: list, renamed: int) -> str:
    """What a description says of a second header row skipped (`is_second_header`), quoting its
    first labels, and of the column names it completed (`joined_names`)."""
    filled = [str(v).strip() for v in labels if not _blank(v)]
    quoted = ", ".join(repr(v[:40]) for v in filled[:SHOWN_LABELS]) + (" ..." if len(filled) > SHOWN_LABELS else "")
    said = f"a second header row under the header skipped ({quoted})"
    return said + (f"; its labels complete {renamed} column names" if renamed else "")


def second_header(rows: list[list]) -> tuple[list, str] | None:
    """For a file's first `rows` (its header, then the rows under it): when the second is a second
    header row (`names_the_columns`, `is_second_header`) and no row of import ids follows it, the
    column names to use (`joined_names`) and what the file's description says of it; else None."""
    if len(rows) < 2 or len(rows) > 2 and is_import_id_row(rows[2]):
        return None
    if not names_the_columns(rows[0], rows[1]) and not is_second_header(rows[1], rows[2:]):
        return None
    names, renamed = joined_names(rows[0], rows[1])
    return names, skipped_second_header(rows[1], renamed)
