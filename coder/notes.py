"""Notes a coder writes while coding: memos and chart summaries, with their drafts.

A `Note` names what a note is on (a memo on the project, a response, a theme
or a code; a chart summary of a response under a theme). While its editor is
open, the typed text is kept as a draft (`keep_draft`), so a killed terminal
loses nothing; saving writes the note and drops the draft in one transaction,
logged for undo like every change.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from coder.store.charts import get_chart, set_chart
from coder.store.connection import transaction
from coder.store.drafts import drop_draft, get_draft, save_draft
from coder.store.memos import get_memo, set_memo


@dataclass(frozen=True)
class Note:
    """What a note is on: `memo` on (target type, target id), or `chart` on (response id, theme id)."""

    kind: str
    target: str
    target_id: str

    @property
    def key(self) -> str:
        """The note's name among the coder's drafts ("memo:code:caseload", "chart:q0001:workload")."""
        return f"{self.kind}:{self.target}:{self.target_id}"


def memo_note(target_type: str, target_id: str = "") -> Note:
    """The memo on a target: the project (no id), a response, a theme or a code."""
    return Note("memo", target_type, target_id)


def chart_note(response_id: str, theme_id: str) -> Note:
    """The chart summary (framework-matrix cell) of a response under a theme."""
    return Note("chart", response_id, theme_id)


def read_note(conn: sqlite3.Connection, note: Note, coder: str) -> str | None:
    """The coder's saved text of the note, or None."""
    if note.kind == "chart":
        return get_chart(conn, note.target, note.target_id, coder)
    return get_memo(conn, note.target, note.target_id, coder)


def save_note(conn: sqlite3.Connection, note: Note, coder: str, text: str | None) -> None:
    """Write the note (empty text deletes it) and drop its draft, in one transaction."""
    with transaction(conn):
        if note.kind == "chart":
            set_chart(conn, note.target, note.target_id, coder, text)
        else:
            set_memo(conn, note.target, note.target_id, coder, text)
        drop_draft(conn, coder, note.key)


def draft_of(conn: sqlite3.Connection, note: Note, coder: str) -> str | None:
    """Text typed into the note's editor and never saved, or None."""
    return get_draft(conn, coder, note.key)


def keep_draft(conn: sqlite3.Connection, note: Note, coder: str, title: str, text: str) -> None:
    """Keep the editor's text as the note's draft (`title` names it in the start-up notice)."""
    save_draft(conn, coder, note.key, title, text)


def discard_draft(conn: sqlite3.Connection, note: Note, coder: str) -> None:
    """Forget the note's draft (the editor was cancelled)."""
    drop_draft(conn, coder, note.key)
