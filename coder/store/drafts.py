"""Drafts: the text of a note while it is being typed, kept until it is saved or dropped.

The coding UI writes the editor's text here a moment after each change, so a
killed terminal or a power cut loses none of it; saving the note (or
cancelling the editor) drops the draft. Drafts are not decisions: they are not
in the event log, and no export reads them.
"""

from __future__ import annotations

import sqlite3

from coder.store.connection import now, transaction


def save_draft(conn: sqlite3.Connection, coder: str, note: str, title: str, text: str) -> None:
    """Keep `text` as the coder's draft of `note` (replacing an earlier draft)."""
    with transaction(conn):
        conn.execute("INSERT INTO drafts(coder, note, title, text, saved_at) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT(coder, note) DO UPDATE SET title = excluded.title, text = excluded.text, "
                     "saved_at = excluded.saved_at", (coder, note, title, text, now()))


def get_draft(conn: sqlite3.Connection, coder: str, note: str) -> str | None:
    """The coder's draft of `note`, or None."""
    row = conn.execute("SELECT text FROM drafts WHERE coder = ? AND note = ?", (coder, note)).fetchone()
    return row[0] if row else None


def drop_draft(conn: sqlite3.Connection, coder: str, note: str) -> None:
    """Forget the coder's draft of `note` (after it was saved, or cancelled)."""
    with transaction(conn):
        conn.execute("DELETE FROM drafts WHERE coder = ? AND note = ?", (coder, note))


def draft_titles(conn: sqlite3.Connection, coder: str) -> list[str]:
    """The titles of the coder's drafts, in the order they were started."""
    return [title for (title,) in conn.execute("SELECT title FROM drafts WHERE coder = ? ORDER BY rowid", (coder,))]
