"""Per-coder settings of the UI (auto-advance, say), kept in the project's `meta` table
under `setting.<name>.<coder>`, so they follow the project from machine to machine."""

from __future__ import annotations

import sqlite3

from coder.store.connection import set_meta


def _key(coder: str, name: str) -> str:
    return f"setting.{name}.{coder}"


def coder_setting(conn: sqlite3.Connection, coder: str, name: str) -> str | None:
    """The coder's value of setting `name` (None when never set)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_key(coder, name),)).fetchone()
    return row[0] if row else None


def set_coder_setting(conn: sqlite3.Connection, coder: str, name: str, value: str) -> None:
    """Remember the coder's value of setting `name` (one transaction)."""
    set_meta(conn, _key(coder, name), value)
