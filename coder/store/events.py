"""The append-only event log: who changed what, when.

Every change to codings, memos, charts and the codebook is recorded here in the
same transaction as the change itself, so the log and the data never disagree.
Undo and redo are events too (`undoes` points at the event they reverse or
re-apply), which keeps the log a complete history a methods section can cite.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from coder.store.connection import now


class Action(StrEnum):
    """Every kind of change the log records (the `action` column): one name for each."""

    CODING_ADD = "coding.add"
    CODING_REMOVE = "coding.remove"
    CODINGS_IMPORT = "codings.import"     # a file's codings added by `coder import-codes` (undone as one step)
    CODINGS_UNIMPORT = "codings.unimport"  # such an import taken back
    MEMO_SET = "memo.set"
    CHART_SET = "chart.set"
    SUGGESTION_REJECT = "suggestion.reject"
    SUGGESTION_UNREJECT = "suggestion.unreject"
    CODEBOOK_IMPORT = "codebook.import"
    THEME_ADD = "codebook.theme.add"
    THEME_UPDATE = "codebook.theme.update"
    THEME_REORDER = "codebook.theme.reorder"
    THEME_RETIRE = "codebook.theme.retire"
    THEME_UNRETIRE = "codebook.theme.unretire"
    CODE_ADD = "codebook.code.add"
    CODE_UPDATE = "codebook.code.update"
    CODE_MOVE = "codebook.code.move"
    CODE_REORDER = "codebook.code.reorder"
    CODE_RETIRE = "codebook.code.retire"
    CODE_UNRETIRE = "codebook.code.unretire"
    CODE_MERGE = "codebook.code.merge"
    CODE_UNMERGE = "codebook.code.unmerge"
    CODE_DELETE = "codebook.code.delete"
    CONSENSUS_SET = "consensus.set"        # a response's consensus codings replaced (adjudication)
    HISTORY_CODEBOOK = "history.codebook"   # links an undone codebook edit to its inverse
    PROJECT_MERGE = "project.merge"         # another project file merged in (coder.store.merge)
    PROJECT_UNMERGE = "project.unmerge"     # a merge taken back
    SAMPLE_DRAW = "sample.draw"
    RESPONSES_IMPORT = "responses.import"   # a file's responses added (or replacing some) by `coder import`


@dataclass(frozen=True)
class Event:
    """One entry of the log."""

    id: int
    at: str
    coder: str
    action: str
    target: str
    data: dict
    undoes: int | None


def record_event(conn: sqlite3.Connection, coder: str, action: Action, target: str = "",
                 data: dict | None = None, undoes: int | None = None) -> int:
    """Append an event and return its id (call inside the change's transaction)."""
    cursor = conn.execute(
        "INSERT INTO events(at, coder, action, target, data, undoes) VALUES (?, ?, ?, ?, ?, ?)",
        (now(), coder, action, target, json.dumps(data or {}, ensure_ascii=False), undoes))
    return cursor.lastrowid


def _event(row: tuple) -> Event:
    id_, at, coder, action, target, data, undoes = row
    return Event(id_, at, coder, action, target, json.loads(data), undoes)


def list_events(conn: sqlite3.Connection, *, coder: str | None = None,
                after_id: int = 0, limit: int | None = None, newest_first: bool = False) -> list[Event]:
    """Events in log order (or newest first), optionally one coder's only."""
    sql = "SELECT id, at, coder, action, target, data, undoes FROM events WHERE id > ?"
    params: list = [after_id]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_event(row) for row in conn.execute(sql, params)]


def last_event_id(conn: sqlite3.Connection) -> int:
    """The id of the newest event (0 for none): a cheap change marker for the UI."""
    return conn.execute("SELECT ifnull(max(id), 0) FROM events").fetchone()[0]
