"""Importing responses from a file into a project: check the whole file, then write it.

`check_responses` reads the file once without writing: it chooses the id and
text columns, validates every row and finds duplicate ids (within the file and
against the project). `write_responses` then streams the file again into the
project in one transaction, in chunks, so a million rows never sit in memory.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from coder.errors import InputError
from coder.importers.background import in_background
from coder.importers.columns import open_response_table
from coder.importers.table import Table, row_id
from coder.importers.values import is_blank
from coder.store import transaction
from coder.store.backup import safety_copy
from coder.store.events import Action, record_event
from coder.passages import LostPassage, carry_passages
from coder.store.codings import responses_with_passages
from coder.store.responses import (attributes_json, count_responses, existing_ids,
                                    insert_responses, next_position, texts_of)
from coder.store.suggestions import forget_suggestions
from coder.wording import counted

ON_DUPLICATE = ("error", "skip", "replace")
CHUNK_ROWS = 10_000
SHOWN_IDS = 5


@dataclass
class ResponsePlan:
    """A checked file, ready to write: the columns chosen and what the rows hold."""

    table: Table
    id_column: str
    text_column: str
    id_prefix: str = ""
    on_duplicate: str = "error"
    rows_read: int = 0
    empty_text: int = 0
    repeated_ids: set[str] = field(default_factory=set)   # ids on more than one row
    first_repeats: list[str] = field(default_factory=list)   # the first few, with where they repeat
    existing_ids: set[str] = field(default_factory=set)   # ids already in the project

    @property
    def attribute_columns(self) -> list[str]:
        """The columns stored as attributes (all but the id and text columns)."""
        return [c for c in self.table.columns if c not in (self.id_column, self.text_column)]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the summary printed afterwards."""

    file: str
    description: str
    id_column: str
    text_column: str
    attributes: tuple[str, ...]
    rows_read: int
    imported: int
    skipped_empty: int
    skipped_duplicate: int
    replaced: int
    repeated: int = 0                          # rows repeating an earlier row's id: skipped, or the last kept
    first_repeats: tuple[str, ...] = ()
    passages_moved: int = 0                    # coded passages moved to where their words now are
    on_duplicate: str = "error"


def _id_and_text(plan: ResponsePlan, number: int, place: int, values: dict) -> tuple[str, str]:
    """The row's id and text ("" when the text is empty)."""
    text = values.get(plan.text_column)
    if type(text) is not str:   # the common case, a string, skips these checks
        if isinstance(text, (dict, list)):
            raise plan.table.error("the text is not a single value", place,
                                   column=plan.text_column)
        text = "" if text is None else str(text)
    if not text or is_blank(text):
        return "", ""
    return row_id(plan.table, plan.id_column, plan.id_prefix, number, place, values), text


def check_responses(conn: sqlite3.Connection, path: Path | str, *, id_col: str | None = None,
                    text_col: str | None = None, sheet: str | None = None,
                    encoding: str | None = None, on_duplicate: str = "error",
                    id_prefix: str = "", max_unzip_mb: int | None = None) -> ResponsePlan:
    """Read and validate the whole file without writing; return the plan to write.

    Raises InputError for an unreadable file, columns that cannot be chosen,
    a bad row, a file without one response with text, or (with on_duplicate="error")
    ids repeated in the file or already in the project, listing the first of them.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise InputError(f"--on-duplicate must be one of {', '.join(ON_DUPLICATE)}")
    table, id_column, text_column = open_response_table(path, id_col=id_col, text_col=text_col,
                                                         sheet=sheet, encoding=encoding,
                                                         max_unzip_mb=max_unzip_mb)
    plan = ResponsePlan(table, id_column, text_column, id_prefix, on_duplicate)
    seen: dict[str, int] = {}   # id -> where it first is
    first_repeats = plan.first_repeats
    unsaved: set[tuple[int, str]] | None = None
    for number, place, values in table.rows():
        plan.rows_read += 1
        if table.unsaved_formulas is not None and len(values) < len(table.columns):   # an empty cell
            unsaved = table.unsaved_formulas() if unsaved is None else unsaved
            column = next((c for c in table.columns if c not in values and (place, c) in unsaved), None)
            if column is not None:
                raise _unsaved_formula_error(table, place, column)
        rid, _ = _id_and_text(plan, number, place, values)
        if not rid:
            plan.empty_text += 1
        elif rid in seen:
            if rid not in plan.repeated_ids and len(first_repeats) < SHOWN_IDS:
                first_repeats.append(f"{rid} ({table.unit}s {seen[rid]} and {place})")
            plan.repeated_ids.add(rid)
        else:
            seen[rid] = place
    if not seen:
        raise _nothing_to_import(table, plan)
    if count_responses(conn):
        plan.existing_ids = existing_ids(conn, seen)
    if on_duplicate == "error" and (plan.repeated_ids or plan.existing_ids):
        raise _duplicates_error(table, plan, first_repeats)
    return plan


def _unsaved_formula_error(table: Table, place: int, column: str) -> InputError:
    """The error for a cell holding a formula saved without its value: it reads as empty, so a text
    was skipped as empty, an id called missing, an attribute dropped without a word."""
    return table.error("a formula saved without its value (the file was written by a program that does not "
                       "compute formulas)", place, column=column,
                       hint="open the file in Excel or LibreOffice and save it, then import it again")


def _nothing_to_import(table: Table, plan: ResponsePlan) -> InputError:
    """The error for a file without one response: no rows, or none with text."""
    if not plan.rows_read:
        return table.no_rows_error("responses")
    return table.error(f"nothing to import: the text of every row is empty ({counted(plan.rows_read, 'row')})",
                       column=plan.text_column, hint="give --text-col NAME if the text is in another column")


def _duplicates_error(table: Table, plan: ResponsePlan, first_repeats: list[str]) -> InputError:
    parts = []
    if plan.repeated_ids:
        one = len(plan.repeated_ids) == 1
        parts.append(f"{counted(len(plan.repeated_ids), 'id')} {'repeats' if one else 'repeat'} in the file, "
                     "first: " + ", ".join(first_repeats))
    if plan.existing_ids:
        shown = sorted(plan.existing_ids)[:SHOWN_IDS]
        one = len(plan.existing_ids) == 1
        parts.append(f"{counted(len(plan.existing_ids), 'id')} {'is' if one else 'are'} already in the project, "
                     "e.g. " + ", ".join(shown))
    if any(_EXCEL_SHORTENED.fullmatch(str(rid)) for rid in plan.repeated_ids):
        hint = ("the ids are long numbers Excel shortened (1.23457E+15), so different ids became one: "
                "format the id column as text in Excel and save again, or --id-col @row to number the rows")
    else:
        hint = "--on-duplicate skip keeps the first, replace keeps the last; or --id-col @row to number the rows"
    return table.error("duplicate ids: " + "; ".join(parts), hint=hint)


# A long number as Excel shows it in a narrow column and writes it to CSV: 1.23457E+15.
_EXCEL_SHORTENED = re.compile(r"\d\.\d+E\+\d+", re.IGNORECASE)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def write_responses(conn: sqlite3.Connection, plan: ResponsePlan, *, coder: str = "import",
                    advance: Callable[[int], None] | None = None) -> ImportSummary:
    """Write a checked file into the project in one transaction; return the summary.

    The import is one `responses.import` event by `coder` in the project's history: the file,
    how many responses it added, replaced and skipped, and the positions the added ones took.

    `advance(n)` is called as rows are written (for a progress bar over `plan.rows_read`).
    Duplicates follow `plan.on_duplicate`: "skip" keeps the first row with an id
    (and the project's own response), "replace" lets the last row win (a replaced
    response keeps its place and its codings); a safety copy of the project is
    made first when responses will be replaced (see `coder.store.backup`).
    A replaced text's coded passages follow their words (`coder.passages`): an InputError
    names the first that the new text does not hold, and nothing is written. Its
    suggestions are dropped, as they scored the old text.
    """
    counts = {"read": 0, "imported": 0, "duplicate": 0, "replaced": 0, "repeated": 0}
    excluded = {plan.id_column, plan.text_column}
    skip = plan.on_duplicate == "skip"
    written: set[str] = set()   # repeated ids already written once

    def records() -> Iterator[tuple[str, str, str]]:
        for number, place, values in plan.table.rows():
            counts["read"] += 1
            rid, text = _id_and_text(plan, number, place, values)
            if not rid:
                continue
            if rid in written:
                counts["repeated"] += 1
                if skip:
                    continue
            else:
                if rid in plan.repeated_ids:
                    written.add(rid)
                if rid in plan.existing_ids:
                    counts["duplicate" if skip else "replaced"] += 1
                    if skip:
                        continue
                else:
                    counts["imported"] += 1
            yield rid, text, attributes_json({k: v for k, v in values.items()
                                              if k not in excluded and v != "" and v is not None})

    def chunks() -> Iterator[tuple[list, int]]:
        for chunk in _chunks(records(), CHUNK_ROWS):
            yield chunk, counts["read"]

    replacing = plan.on_duplicate == "replace" and bool(plan.existing_ids)
    if replacing and not conn.in_transaction:
        safety_copy(conn)
    with_passages = responses_with_passages(conn) & plan.existing_ids if replacing else set()
    before: dict[str, str] = {}   # the project's texts of replaced responses with coded passages
    changed: set[str] = set()     # replaced responses whose text is not what it was
    reported = 0
    moved = 0
    with transaction(conn):
        first = next_position(conn)
        # The file is parsed in a thread while SQLite inserts the previous chunk.
        for chunk, read in in_background(chunks()):
            if replacing:
                _note_changed_texts(conn, chunk, plan.existing_ids, with_passages, before, changed)
            insert_responses(conn, chunk, source=plan.table.path.name,
                             replace=plan.on_duplicate == "replace")
            if advance:
                advance(read - reported)
                reported = read
        if changed:
            carried = carry_passages(conn, before)
            if carried.lost:
                raise _passages_error(plan, carried.lost)
            moved = carried.moved
            forget_suggestions(conn, sorted(changed))
        record_event(conn, coder, Action.RESPONSES_IMPORT, plan.table.path.name,
                     {"file": str(plan.table.path), "imported": counts["imported"], "replaced": counts["replaced"],
                      "skipped": counts["duplicate"], "repeated": counts["repeated"], "passages_moved": moved,
                      "positions": [first, next_position(conn)]})
    if advance and plan.rows_read > reported:
        advance(plan.rows_read - reported)
    return ImportSummary(str(plan.table.path), plan.table.description, plan.id_column,
                         plan.text_column, tuple(plan.attribute_columns), plan.rows_read,
                         counts["imported"], plan.empty_text, counts["duplicate"],
                         counts["replaced"], counts["repeated"], tuple(plan.first_repeats), moved, plan.on_duplicate)


def _note_changed_texts(conn: sqlite3.Connection, chunk: list[tuple[str, str, str]], existing: set[str],
                        with_passages: set[str], before: dict[str, str], changed: set[str]) -> None:
    """Before a chunk replaces texts: which of the project's responses it changes, and the texts
    before of those with coded passages (the first seen: the project's own)."""
    old = texts_of(conn, [rid for rid, _, _ in chunk if rid in existing])
    for rid, text, _ in chunk:
        if rid in old and old[rid] != text:
            changed.add(rid)
            if rid in with_passages:
                before.setdefault(rid, old[rid])


def _passages_error(plan: ResponsePlan, lost: list[LostPassage]) -> InputError:
    responses = len({passage.coding.response_id for passage in lost})
    return plan.table.error(
        f"the new text of {counted(responses, 'response')} no longer holds "
        f"{counted(len(lost), 'coded passage')} (first: {lost[0].describe()})",
        column=plan.text_column,
        hint="a passage is kept where its words still are, or moved where they appear once; correct the new "
             "text so it holds them, or keep these responses' texts with --on-duplicate skip")
