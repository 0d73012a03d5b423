"""Rejected suggestions: a coder saying "this code does not apply here".

A rejection is a human decision, so it lives in the event log (as
`suggestion.reject`, withdrawn by `suggestion.unreject`) rather than in the
suggestions table, which each suggestion run replaces. The coding UI hides a
suggestion the coder has rejected, whichever run made it.
"""

from __future__ import annotations

import sqlite3

from coder.store.connection import transaction
from coder.store.events import Action, record_event



def set_rejected(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str,
                 rejected: bool = True, *, undoes: int | None = None) -> bool:
    """Record (or withdraw) the coder's rejection of a code for a response.

    Returns False (and logs nothing) when the state is already so, unless it
    undoes or redoes an event (history must log every step).
    """
    with transaction(conn):
        already = (code_id in rejected_codes(conn, response_id, coder)) == rejected
        if already and undoes is None:
            return False
        record_event(conn, coder, Action.SUGGESTION_REJECT if rejected else Action.SUGGESTION_UNREJECT, response_id,
                     {"response_id": response_id, "code_id": code_id, "coder": coder}, undoes=undoes)
        return True


def rejected_codes(conn: sqlite3.Connection, response_id: str, coder: str) -> set[str]:
    """The codes the coder has rejected for a response (and not withdrawn since)."""
    rejected: set[str] = set()
    for action, code_id in conn.execute(
            "SELECT action, json_extract(data, '$.code_id') FROM events "
            "WHERE target = ? AND coder = ? AND action IN (?, ?) ORDER BY id",
            (response_id, coder, Action.SUGGESTION_REJECT, Action.SUGGESTION_UNREJECT)):
        if action == Action.SUGGESTION_REJECT:
            rejected.add(code_id)
        else:
            rejected.discard(code_id)
    return rejected
