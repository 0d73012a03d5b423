"""Opening, creating and migrating project files, and transactions.

A project is one SQLite file in WAL mode with foreign keys on and a busy
timeout, so the UI and a batch run can share it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from coder import __version__
from coder.errors import ProjectError, SaveError
from coder.store.schema import MIGRATIONS, OLDEST_READABLE, SCHEMA_VERSION

APP_ID = "coder"
BUSY_TIMEOUT_MS = 10_000


def now() -> str:
    """The current UTC time as ISO 8601 with seconds, as stored in the project."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _connect(path: Path | str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (see `transaction`).
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction: all of it is committed, or none.

    Nested use joins the outer transaction, so a command can wrap several
    library calls that each open their own. A write the disk refuses (full,
    failing, read-only) or a lock held too long by another program is a
    SaveError saying so; the project is then as it was before the block.
    """
    if conn.in_transaction:
        yield conn
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:   # SQLite has rolled back itself after some errors (a full disk)
                conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        reason = _CANNOT_WRITE.get((getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF)
        if reason is None:
            raise
        raise SaveError(_file_of(conn), reason) from None


# Why a write failed, and what to do, by SQLite's primary result code.
_CANNOT_WRITE = {
    sqlite3.SQLITE_FULL: "the disk is full (free some space and do it again)",
    sqlite3.SQLITE_IOERR: "the disk could not be written (check the disk or free some space, and do it again)",
    sqlite3.SQLITE_READONLY: "the file is read-only (check its permissions)",
    sqlite3.SQLITE_BUSY: f"another program kept it locked for {BUSY_TIMEOUT_MS // 1000} s (do it again)",
}


def _file_of(conn: sqlite3.Connection) -> str:
    try:
        return conn.execute("PRAGMA database_list").fetchone()[2] or "the project"
    except sqlite3.Error:
        return "the project"


def create_project(path: Path | str, *, name: str | None = None,
                   setup: Callable[[sqlite3.Connection], None] | None = None) -> sqlite3.Connection:
    """Create a new project file at `path` and return it open.

    `setup(conn)` runs inside the creating transaction (e.g. to load a codebook).
    The file is built under a temporary name and moved into place only when
    everything succeeded, so a failure leaves no file behind.
    """
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path}: already exists (choose another name or delete it first)")
    if not path.parent.exists():
        raise ProjectError(f"{path.parent}: folder does not exist (create it first)")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".creating", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a project is shared like any file
    try:
        conn = _connect(tmp)
        try:
            with transaction(conn):
                _migrate(conn, 0)
                _set_meta(conn, {
                    "app": APP_ID,
                    "name": name or path.stem,
                    "created_at": now(),
                    "created_by": f"coder {__version__}",
                })
                if setup is not None:
                    setup(conn)
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return open_project(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_project(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open an existing project, upgrading its schema if it is older than this coder.

    With `readonly`, nothing can be written (exports, statistics): a file older
    than `OLDEST_READABLE` is an error rather than upgraded; one from
    `OLDEST_READABLE` up to this coder's schema is read as it is.
    """
    path = Path(path)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file (create one with `coder init {path}`)")
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        else:
            conn = _connect(path)
        version = _schema_version(conn, path)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: not a coder project file ({exc})") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise ProjectError(f"{path}: made by a newer coder (schema {version}, this coder reads "
                           f"up to {SCHEMA_VERSION}); upgrade coder")
    if version < SCHEMA_VERSION:
        if readonly and version < OLDEST_READABLE:
            conn.close()
            raise ProjectError(f"{path}: schema {version} needs upgrading; open it once for writing "
                               f"(e.g. `coder code {path}`)")
        if not readonly:
            with transaction(conn):
                _migrate(conn, version)
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _schema_version(conn: sqlite3.Connection, path: Path) -> int:
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        raise ProjectError(f"{path}: not a coder project file (no meta table)")
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')"))
    if rows.get("app") != APP_ID:
        raise ProjectError(f"{path}: not a coder project file")
    return int(rows.get("schema_version", 0))


def _migrate(conn: sqlite3.Connection, from_version: int) -> None:
    for version in range(from_version, SCHEMA_VERSION):
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
    _set_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


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


def _set_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", values.items())


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """All project metadata (schema version, name, created ...)."""
    return dict(conn.execute("SELECT key, value FROM meta"))


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set one metadata value (inside the caller's transaction, if any)."""
    with transaction(conn):
        _set_meta(conn, {key: value})
