"""A second header row under the header, as some survey tools write one.

SurveyMonkey writes the questions in row 1, blank over the second and later
columns of a question that has several, and in row 2 each column's label
("Response", "Open-Ended Response", an option such as "Manager"); old Qualtrics
exports write V1, V2 ... in row 1 and the question texts in row 2. Neither row 2
is a response. It is found by what the rows under it hold, not by the tool: see
`is_second_header`. The row is skipped and named in the file's description, and
its labels complete the names the header left blank ("What is your role? - Manager").
"""

from __future__ import annotations

from coder.importers.values import CODE, NUMBER, WHEN, kind

LATER_ROWS = 50       # rows under the candidate that show what the data looks like
MIN_LATER_ROWS = 2    # fewer show nothing
PATTERNED = {NUMBER, WHEN, CODE}
SHOWN_LABELS = 3


def _cell(row: list, index: int):
    return row[index] if index < len(row) else None


def _blank(value) -> bool:
    return value is None or not str(value).strip()


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
    header row (`is_second_header`), the column names to use (`joined_names`) and what the file's
    description says of it; else None."""
    if len(rows) < 2 or not is_second_header(rows[1], rows[2:]):
        return None
    names, renamed = joined_names(rows[0], rows[1])
    return names, skipped_second_header(rows[1], renamed)
