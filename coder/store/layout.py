"""What a project file's schema holds: the migrations that build it, and the tables, columns
and metadata a file has (`coder.store.connection` opens files and runs these)."""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from coder.store.schema import MIGRATIONS, SCHEMA_VERSION


@lru_cache(maxsize=None)
def _layout(version: int) -> dict[str, frozenset[str]]:
    """The tables of a project at schema `version` and their columns (built in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in range(version):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
        return _tables(conn)
    finally:
        conn.close()


def table_columns(conn: sqlite3.Connection, table: str) -> frozenset[str]:
    """The columns `table` has in this file (a file read as an older schema left lacks some)."""
    return frozenset(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))


def _tables(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: table_columns(conn, name) for name in names}


def missing_parts(conn: sqlite3.Connection, version: int) -> list[str]:
    """Tables and columns a project of schema `version` must have but `conn`'s lacks."""
    found = _tables(conn)
    missing = []
    for table, columns in _layout(version).items():
        if table not in found:
            missing.append(f"table {table} is missing")
        elif columns - found[table]:
            missing.append(f"table {table} lacks column {', '.join(sorted(columns - found[table]))}")
    return missing


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Bring a project from schema `from_version` to the current one (in the caller's transaction)."""
    for version in range(from_version, SCHEMA_VERSION):
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
    write_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    """Set metadata values (in the caller's transaction)."""
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", values.items())


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """All project metadata (schema version, name, created ...)."""
    return dict(conn.execute("SELECT key, value FROM meta"))
