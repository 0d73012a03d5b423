"""Rejected suggestions: a coder saying "this code does not apply here".

A rejection is a human decision, so it lives in the event log (as
`suggestion.reject`, withdrawn by `suggestion.unreject`) rather than in the
suggestions table, which each suggestion run replaces. The coding UI hides a
suggestion the coder has rejected, whichever run made it; exports and statistics
leave it out too (`rejected_condition`).
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

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
    return rejected_codes_of(conn, [response_id], coder).get(response_id, set())


def rejected_codes_of(conn: sqlite3.Connection, response_ids: Sequence[str], coder: str) -> dict[str, set[str]]:
    """For each of the responses, the codes the coder has rejected for it (and not withdrawn
    since); responses with none are left out. One query for a page of responses."""
    marks = ",".join("?" * len(response_ids))
    rejected: dict[str, set[str]] = {}
    for response_id, action, code_id in conn.execute(
            f"SELECT target, action, json_extract(data, '$.code_id') FROM events "
            f"WHERE target IN ({marks}) AND coder = ? AND action IN (?, ?) ORDER BY id",
            (*response_ids, coder, Action.SUGGESTION_REJECT, Action.SUGGESTION_UNREJECT)):
        codes = rejected.setdefault(response_id, set())
        if action == Action.SUGGESTION_REJECT:
            codes.add(code_id)
        else:
            codes.discard(code_id)
    return {rid: codes for rid, codes in rejected.items() if codes}


def rejected_condition(response: str, code: str, coder: str | None) -> tuple[str, list]:
    """An SQL condition and its parameters: true when the code in column `code` stands
    rejected for the response in column `response` by `coder` (None: by anyone), i.e. a
    rejection that coder has not withdrawn since."""
    by_coder, params = ("AND e.coder = ? ", [coder]) if coder is not None else ("", [])
    return (f"EXISTS (SELECT 1 FROM events e WHERE e.target = {response} AND e.action = ? {by_coder}"
            f"AND json_extract(e.data, '$.code_id') = {code} AND NOT EXISTS (SELECT 1 FROM events w "
            "WHERE w.target = e.target AND w.coder = e.coder AND w.action = ? AND w.id > e.id "
            f"AND json_extract(w.data, '$.code_id') = {code}))",
            [Action.SUGGESTION_REJECT, *params, Action.SUGGESTION_UNREJECT])


def rejected_examples(conn: sqlite3.Connection, coder: str | None = None) -> list[tuple[str, str, str]]:
    """(response id, text, code id) for each code turned down on a response the coder has not coded.

    One coder's rejections, or everyone's; a rejection withdrawn since does not
    count. Rejections of coded responses add nothing (their coding already says
    which codes they lack), so they are left out. In project order.
    """
    by_coder, params = ("AND e.coder = ?", [coder]) if coder is not None else ("", [])
    state: dict[tuple[str, str, str], bool] = {}
    for response_id, code_id, who, action in conn.execute(
            "SELECT e.target, json_extract(e.data, '$.code_id'), e.coder, e.action FROM events e "
            f"WHERE e.action IN (?, ?) {by_coder} ORDER BY e.id",
            [Action.SUGGESTION_REJECT, Action.SUGGESTION_UNREJECT] + params):
        state[(response_id, code_id, who)] = action == Action.SUGGESTION_REJECT
    pairs = sorted({(response_id, code_id) for (response_id, code_id, _), on in state.items() if on})
    if not pairs:
        return []
    coded_clause = "AND c.coder = ?" if coder is not None else ""
    found = []
    for response_id, code_id in pairs:
        row = conn.execute(
            "SELECT r.position, r.text FROM responses r WHERE r.id = ? AND NOT EXISTS "
            f"(SELECT 1 FROM codings c WHERE c.response_id = r.id {coded_clause})",
            [response_id] + ([coder] if coder is not None else [])).fetchone()
        if row is not None:
            found.append((row[0], response_id, row[1], code_id))
    return [(response_id, text, code_id) for _, response_id, text, code_id in sorted(found)]
