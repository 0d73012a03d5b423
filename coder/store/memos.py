"""Memos: a coder's free-text notes on the project, a response, a theme or a code.

One memo per (target, coder). Every change is logged as a `memo.set` event with
the text before and after (None when there was or is no memo), so history can
undo and redo it.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

from coder.errors import CoderError
from coder.store.events import Action
from coder.store.notes import set_logged_note

TARGET_TYPES = ("project", "response", "theme", "code")


def get_memo(conn: sqlite3.Connection, target_type: str, target_id: str, coder: str) -> str | None:
    """The coder's memo on a target, or None."""
    row = conn.execute("SELECT text FROM memos WHERE target_type = ? AND target_id = ? AND coder = ?",
                       (target_type, target_id, coder)).fetchone()
    return row[0] if row else None


def set_memo(conn: sqlite3.Connection, target_type: str, target_id: str, coder: str,
             text: str | None, *, undoes: int | None = None) -> bool:
    """Write (or, with empty text or None, delete) the coder's memo on a target.

    Logged as `memo.set` with `before` and `after`; returns False (and logs
    nothing) when the memo already reads exactly so, unless it undoes or redoes
    an event (history must log every step).
    """
    if target_type not in TARGET_TYPES:
        raise CoderError(f"memo target must be one of {', '.join(TARGET_TYPES)}, not {target_type!r}")
    return set_logged_note(conn, "memos", {"target_type": target_type, "target_id": target_id, "coder": coder},
                           text, column="text", stamps=("created_at", "updated_at"),
                           action=Action.MEMO_SET, target=f"{target_type}:{target_id}", undoes=undoes)


def memos_on(conn: sqlite3.Connection, target_type: str, target_id: str) -> dict[str, str]:
    """Every coder's memo on one target: coder -> text, by coder name."""
    return dict(conn.execute("SELECT coder, text FROM memos WHERE target_type = ? AND target_id = ? ORDER BY coder",
                             (target_type, target_id)))


def memos_of(conn: sqlite3.Connection, target_type: str, coder: str | None = None) -> dict[str, str]:
    """Memos on every target of one type: target id -> text (one coder's, or joined for all)."""
    sql = "SELECT target_id, coder, text FROM memos WHERE target_type = ?"
    params: list = [target_type]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    found: dict[str, list[str]] = {}
    for target_id, who, text in conn.execute(sql + " ORDER BY target_id, coder", params):
        found.setdefault(target_id, []).append(text if coder is not None else f"[{who}] {text}")
    return {k: "\n".join(v) for k, v in found.items()}


def with_memos(conn: sqlite3.Connection, target_type: str, target_ids: Iterable[str],
               coder: str | None = None) -> set[str]:
    """Which of `target_ids` have a memo (by the coder, or by anyone)."""
    ids = list(target_ids)
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    sql = f"SELECT DISTINCT target_id FROM memos WHERE target_type = ? AND target_id IN ({marks})"
    params: list = [target_type, *ids]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    return {row[0] for row in conn.execute(sql, params)}
