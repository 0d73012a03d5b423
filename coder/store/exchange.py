"""What a REFI-QDA exchange keeps in a project: coders without codings, original GUIDs.

A `refi_guids` row names an element by `kind` and a `key` in coder's terms:

    user       the coder's name            source     the response id
    theme      the theme id                code       the code id
    variable   the attribute name          note       memo_key(...) of the memo (GUID and name of its Note)
    selection  coding_key(...) of a coding (the GUID and name of its PlainTextSelection)
    coding     coding_key(...) of a coding (the GUID of its Coding element)

Keys, not row ids, because a coding or memo keeps its key when it is deleted
and made again. A project older than schema version 4 (opened read-only) has
neither table: it reads as holding nothing.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

from coder.store.connection import now, transaction

GUID_KINDS = ("user", "source", "theme", "code", "variable", "note", "selection", "coding")


def coding_key(response_id: str, code_id: str, coder: str, start: int | None, end: int | None) -> str:
    """The key of a coding in `refi_guids`: what makes it unique in the codings table."""
    return "\x1f".join((response_id, code_id, coder, "" if start is None else str(start),
                        "" if end is None else str(end)))


def memo_key(target_type: str, target_id: str, coder: str) -> str:
    """The key of a memo in `refi_guids`: what makes it unique in the memos table."""
    return "\x1f".join((target_type, target_id, coder))


def stamp_memos(conn: sqlite3.Connection,
                rows: Iterable[tuple[str, str, str, str | None, str | None]]) -> None:
    """Give memos (target_type, target_id, coder, created, updated) the times an imported file
    has for them; None keeps the time the memo has."""
    with transaction(conn):
        conn.executemany("UPDATE memos SET created_at = COALESCE(?, created_at), "
                         "updated_at = COALESCE(?, updated_at) "
                         "WHERE target_type = ? AND target_id = ? AND coder = ?",
                         ((created, updated, kind, target, coder)
                          for kind, target, coder, created, updated in rows))


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (table,)).fetchone() is not None


def add_coders(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Make coders known to the project whether or not they code; known ones stay as they are."""
    stamp = now()
    with transaction(conn):
        conn.executemany("INSERT OR IGNORE INTO coders(name, added_at) VALUES (?, ?)",
                         ((name, stamp) for name in names))


def known_coders(conn: sqlite3.Connection) -> list[str]:
    """The coders added with add_coders, by name."""
    if not _has(conn, "coders"):
        return []
    return [row[0] for row in conn.execute("SELECT name FROM coders ORDER BY name")]


def keep_guids(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str | None]]) -> None:
    """Store (kind, key, guid, name) rows: the GUIDs elements had in an imported file."""
    with transaction(conn):
        conn.executemany("INSERT OR REPLACE INTO refi_guids(kind, key, guid, name) VALUES (?, ?, ?, ?)",
                         rows)


def kept_guids(conn: sqlite3.Connection, kind: str) -> dict[str, tuple[str, str | None]]:
    """key -> (guid, name) of every kept GUID of one kind (see GUID_KINDS)."""
    if not _has(conn, "refi_guids"):
        return {}
    return {key: (guid, name) for key, guid, name in conn.execute(
        "SELECT key, guid, name FROM refi_guids WHERE kind = ?", (kind,))}
