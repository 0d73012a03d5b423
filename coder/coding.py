"""Coding decisions made in the UI: toggle a code on a response or a span, accept or
reject a suggestion. Each call is one transaction and is logged (undoable by
coder.history)."""

from __future__ import annotations

import sqlite3

from coder.codebook.edit import new_code
from coder.errors import CoderError
from coder.records import Code
from coder.store import transaction
from coder.store.codebook_read import get_code
from coder.store.codings import add_coding, find_coding, remove_coding
from coder.store.events import last_event_id
from coder.store.rejections import set_rejected
from coder.store.responses import get_response


def _check(conn: sqlite3.Connection, response_id: str, code_id: str,
           start: int | None, end: int | None) -> None:
    code = get_code(conn, code_id)
    if code is None:
        raise CoderError(f"no code with id {code_id!r} in this project")
    if code.retired:
        raise CoderError(f"code {code.index} {code.label!r} is retired and cannot be applied")
    response = get_response(conn, response_id)
    if response is None:
        raise CoderError(f"no response with id {response_id!r} in this project")
    if (start is None) != (end is None):
        raise CoderError("a span needs both a start and an end offset")
    if start is not None and not 0 <= start < end <= len(response.text):
        raise CoderError(f"span {start}-{end} is outside response {response_id!r} "
                         f"({len(response.text)} characters)")


def toggle_code(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str, *,
                start: int | None = None, end: int | None = None) -> bool:
    """Apply the code (to the span, if given) or remove it if the coder had applied
    exactly it; return True if it is now applied."""
    with transaction(conn):
        if remove_coding(conn, response_id, code_id, coder, start=start, end=end):
            return False
        _check(conn, response_id, code_id, start, end)
        add_coding(conn, response_id, code_id, coder, start=start, end=end)
        return True


def accept_suggestion(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str, *,
                      step: dict | None = None) -> bool:
    """Apply a suggested code to the whole response with origin `accepted`.

    Returns False when the coder had already applied it to the whole response.
    `step`: see `accept_suggestions`.
    """
    with transaction(conn):
        _check(conn, response_id, code_id, None, None)
        return add_coding(conn, response_id, code_id, coder, origin="accepted", step=step) is not None


def accept_suggestions(conn: sqlite3.Connection, response_id: str, code_ids: list[str], coder: str) -> int:
    """Accept several suggestions on a response in one transaction (all or none); return how many were new.

    The codings it adds are one step for undo: their events carry the same `step`
    (a number no other step has, and the codes it applied), as one keypress made them.
    """
    with transaction(conn):
        new = [code_id for code_id in dict.fromkeys(code_ids) if not find_coding(conn, response_id, code_id, coder)]
        step = {"id": last_event_id(conn) + 1, "codes": new} if len(new) > 1 else None
        return sum(accept_suggestion(conn, response_id, code_id, coder, step=step) for code_id in new)


def apply_new_code(conn: sqlite3.Connection, response_id: str, theme_id: str, label: str, coder: str, *,
                   start: int | None = None, end: int | None = None, **fields) -> Code:
    """Add a code to a theme and apply it to the response (or the span), in one transaction.

    `fields` are the new code's other fields (index, definition, rules, key ...), as
    `coder.codebook.edit.new_code` takes them. Returns the new code.
    """
    with transaction(conn):
        code = new_code(conn, theme_id, label, coder, **fields)
        toggle_code(conn, response_id, code.id, coder, start=start, end=end)
        return code


def reject_suggestion(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str) -> bool:
    """Record that the code does not apply here (the UI then hides the suggestion)."""
    return set_rejected(conn, response_id, code_id, coder, True)
