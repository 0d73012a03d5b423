"""Double coding and the consensus: which responses two coders both coded, their
codings, and the settled (consensus) codings of a response.

A settlement replaces a response's consensus codings as a whole and is logged as
one `consensus.set` event holding the codings before and after, so history can
undo and redo it in one step (as memos are undone).
"""

from __future__ import annotations

import json
import sqlite3

from coder.records import Coding
from coder.store.codings import QUALIFIED_COLUMNS, coding_from_row
from coder.store.connection import now, transaction
from coder.store.events import Action, record_event

CONSENSUS = "consensus"   # the coder (and origin) the settled codings are recorded as
# Pooled coding as results use it: on a response settled in adjudication, its consensus
# codings alone (they replace the coders' there); elsewhere everyone's. For codings `c`.
SETTLED = (f"(c.coder = '{CONSENSUS}' OR NOT EXISTS (SELECT 1 FROM codings k "
           f"WHERE k.coder = '{CONSENSUS}' AND k.response_id = c.response_id))")

# One consensus coding as the log holds it.
_LOGGED = ("code_id", "start", "end", "origin", "created_at")


def double_coded_counts(conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """For each pair of coders (alphabetical), how many responses both have coded."""
    rows = conn.execute(
        "WITH coded AS (SELECT DISTINCT coder, response_id FROM codings) "
        "SELECT x.coder, y.coder, count(*) FROM coded x JOIN coded y "
        "ON x.response_id = y.response_id AND x.coder < y.coder GROUP BY x.coder, y.coder")
    return {(a, b): n for a, b, n in rows}


def coded_by_only(conn: sqlite3.Connection, coder: str, not_by: str) -> int:
    """How many responses `coder` has coded that `not_by` has not."""
    return conn.execute(
        "SELECT count(*) FROM (SELECT response_id FROM codings WHERE coder = ? "
        "EXCEPT SELECT response_id FROM codings WHERE coder = ?)", (coder, not_by)).fetchone()[0]


def double_coded_codings(conn: sqlite3.Connection, first: str, second: str,
                         *others: str) -> list[Coding]:
    """The codings by `first`, `second` and `others` of the responses both `first`
    and `second` have coded, in project order."""
    who = (first, second, *others)
    sql = (f"SELECT {QUALIFIED_COLUMNS} FROM codings c JOIN responses r ON r.id = c.response_id "
           f"WHERE c.coder IN ({', '.join('?' * len(who))}) AND c.response_id IN "
           "(SELECT response_id FROM codings WHERE coder = ? "
           "INTERSECT SELECT response_id FROM codings WHERE coder = ?) ORDER BY r.position, c.id")
    return [coding_from_row(row) for row in conn.execute(sql, (*who, first, second))]


def set_consensus(conn: sqlite3.Connection, response_id: str, coder: str, codings: list[Coding], *,
                  by: str, how: str, undoes: int | None = None,
                  basis: dict[str, list[Coding]] | None = None) -> int:
    """Make `codings` (their code, span, origin and time) the codings of `coder` on the
    response, replacing what that coder had there, and log it; return the event id.

    The `consensus.set` event is `coder`'s, with the codings before and after,
    who settled (`by`), how (`how`: whose codes were taken, or an edit) and, with
    `basis`, the compared coders' codings it was settled on (`settlement_bases`).
    """
    with transaction(conn):
        before = conn.execute(
            'SELECT code_id, start, "end", origin, created_at FROM codings '
            "WHERE response_id = ? AND coder = ? ORDER BY id", (response_id, coder)).fetchall()
        conn.execute("DELETE FROM codings WHERE response_id = ? AND coder = ?", (response_id, coder))
        stamp = now()
        after = [(c.code_id, c.start, c.end, c.origin, c.created_at or stamp) for c in codings]
        conn.executemany(
            'INSERT INTO codings(response_id, coder, code_id, start, "end", origin, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)", ((response_id, coder, *row) for row in after))
        return record_event(conn, coder, Action.CONSENSUS_SET, response_id, {
            "response_id": response_id, "coder": coder, "by": by, "how": how,
            "before": [dict(zip(_LOGGED, row)) for row in before],
            "after": [dict(zip(_LOGGED, row)) for row in after],
            **({"basis": {who: [[c.code_id, c.start, c.end] for c in found] for who, found in basis.items()}}
               if basis else {})}, undoes=undoes)


def settlement_bases(conn: sqlite3.Connection, coder: str,
                     response_id: str | None = None) -> dict[str, dict[str, set[tuple]]]:
    """For each response (or just `response_id`), the basis of `coder`'s codings there now (see
    `set_consensus`): compared coder -> the (code, start, end) they had when it was settled. An
    undo or redo restores the basis of what it restores (the state before the step it undoes). A
    response whose codings were set without one (by an older coder) is left out."""
    current: dict[str, dict | None] = {}
    before: dict[int, dict | None] = {}   # per event: the basis in force before it
    one = "AND target = ? " if response_id is not None else ""
    for event_id, target, data, undoes in conn.execute(
            f"SELECT id, target, data, undoes FROM events WHERE action = ? AND coder = ? {one}ORDER BY id",
            (Action.CONSENSUS_SET, coder, *([response_id] if response_id is not None else []))):
        before[event_id] = current.get(target)
        basis = json.loads(data).get("basis")
        current[target] = basis if basis or undoes is None else before.get(undoes)
    return {rid: {who: {tuple(c) for c in codings} for who, codings in basis.items()}
            for rid, basis in current.items() if basis}


def logged_codings(response_id: str, coder: str, logged: list[dict]) -> list[Coding]:
    """The codings a `consensus.set` event's `before` or `after` holds."""
    return [Coding(response_id, c["code_id"], coder, c["start"], c["end"], c["origin"], c["created_at"])
            for c in logged]
