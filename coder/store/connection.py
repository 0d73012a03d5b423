"""Opening and creating project files, and transactions (the schema's steps: `coder.store.layout`).

A project is one SQLite file in WAL mode with foreign keys on and a busy
timeout, so the UI and a batch run can share it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from coder import __version__
from coder.errors import DamagedProjectError, ProjectError, SaveError
from coder.files import remove_leftovers, shared_mode, temporary_prefix, writable
from coder.store.backup import recovery_hint, safety_copy
from coder.store.layout import migrate, missing_parts, write_meta
from coder.store.schema import OLDEST_READABLE, SCHEMA_VERSION

APP_ID = "coder"
BUSY_TIMEOUT_MS = 10_000


def now() -> str:
    """The current UTC time as ISO 8601 with seconds, as stored in the project."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_batches(ids: list[str], size: int = 900) -> Iterator[tuple[list[str], str]]:
    """`ids` in batches small enough for one statement's parameters (SQLite allows 999 in older
    builds), each with its "?,?,..." placeholders."""
    for first in range(0, len(ids), size):
        batch = ids[first:first + size]
        yield batch, ",".join("?" * len(batch))


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
        reason = _CANNOT_WRITE.get(_code(exc))
        if reason is None:
            raise
        raise SaveError(_file_of(conn), reason) from None


FULL_BELOW_BYTES = 1 << 20   # a disk with less room than this is full, as far as opening a project goes
# Why a write failed, and what to do, by SQLite's primary result code.
_CANNOT_WRITE = {
    sqlite3.SQLITE_FULL: "the disk is full (free some space and do it again)",
    sqlite3.SQLITE_IOERR: "the disk could not be written (check the disk or free some space, and do it again)",
    sqlite3.SQLITE_READONLY: "the file is read-only (make it writable, or work on a copy; "
                             "exports and statistics can read it as it is)",
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
    remove_leftovers(path, ".creating")
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=".creating", dir=path.parent)
    os.close(fd)
    shared_mode(tmp)  # mkstemp makes 0600; a project is shared like any file
    try:
        conn = _connect(tmp)
        try:
            with transaction(conn):
                migrate(conn, 0)
                write_meta(conn, {
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


def open_project(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open an existing project, upgrading its schema if it is older than this coder.

    With `readonly`, nothing can be written (exports, statistics): a file older
    than `OLDEST_READABLE` is an error rather than upgraded; one from
    `OLDEST_READABLE` up to this coder's schema is read as it is. Before an
    upgrade a safety copy is made (see `coder.store.backup`). A read-only file
    or folder, a lock held too long, a damaged file: a ProjectError saying
    what to do.
    """
    path = Path(path)
    require_project_file(path, f" (create one with `coder init {path}`)")
    if not readonly and not writable(path):
        # SQLite opens such a file for reading without a word; the first save would fail.
        raise _read_only(path, "file")
    try:
        conn = connect_readonly(path) if readonly else _connect(path)
        try:
            version = schema_version_of(conn, path)
            _check_version(conn, path, version, readonly)
            if not readonly:
                _set_wal(conn, path)
                conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        raise open_error(path, exc) from None
    return conn


class NeedsUpgrade(ProjectError):
    """A project too old to be read as it is: it must be opened for writing once (upgraded)."""


def open_to_check(path: Path | str) -> sqlite3.Connection:
    """A connection for a command's checks before it writes, read-only, so that a command refused
    (a bad file, an unknown coder) leaves a project from an older coder as it was rather than
    upgraded; one too old to be read as it is is opened for writing (upgraded) instead. A file
    that cannot be written is refused here, before the checks read a large input for nothing."""
    try:
        conn = open_project(path, readonly=True)
    except NeedsUpgrade:
        return open_project(path)
    if not writable(path):
        conn.close()
        raise _read_only(Path(path), "file")
    return conn



def require_project_file(path: Path, hint: str = "") -> None:
    """ProjectError unless `path` is a file: a folder is named as one, a missing file as such (+ `hint`)."""
    if path.is_dir():
        raise ProjectError(f"{path}: that is a folder, not a project file (name the .coder file)")
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file{hint}")


def _check_version(conn: sqlite3.Connection, path: Path, version: int, readonly: bool) -> None:
    if version > SCHEMA_VERSION:
        raise ProjectError(f"{path}: made by a newer coder (schema {version}, this coder reads "
                           f"up to {SCHEMA_VERSION}); upgrade coder")
    if version < SCHEMA_VERSION and readonly and version < OLDEST_READABLE:
        raise NeedsUpgrade(f"{path}: schema {version} needs upgrading; open it once for writing "
                           f"(e.g. `coder code {path}`)")
    missing = missing_parts(conn, version)
    if missing:   # checked before an upgrade too: a damaged file is not upgraded
        raise damaged(path, "; ".join(missing))
    if version < SCHEMA_VERSION and not readonly:
        safety_copy(conn)
        with transaction(conn):
            migrate(conn, version)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open a project file for reading only (nothing can be written through it).

    Where the file and its folder may be written, the connection is a writable one
    refused every write (`query_only`): SQLite removes the write-ahead log and
    shared-memory files a WAL-mode file needs when the last connection to it closes,
    which only a connection that can write may do (one opened read-only left two
    empty files beside the project after every export). Otherwise, or where that
    open fails for want of room, the file is opened read-only; in a folder SQLite
    cannot write, or on a full disk, a file whose write-ahead log is empty is read
    as immutable (SQLite cannot make the shared-memory file it would use, and with
    nothing in the log the file holds everything).
    """
    uri = path.resolve().as_uri()
    if writable(path) and _folder_writable(path):
        try:
            return _connect_uri(f"{uri}?mode=rw", "PRAGMA query_only = ON")
        except sqlite3.OperationalError as exc:
            if _code(exc) not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
                raise
    try:
        return _connect_uri(f"{uri}?mode=ro")
    except sqlite3.OperationalError as exc:
        wal = path.with_name(path.name + "-wal")
        code = _code(exc)
        no_room = (code == sqlite3.SQLITE_CANTOPEN and not _folder_writable(path)) or \
            (code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR) and _disk_full(path))
        if not no_room or (wal.exists() and wal.stat().st_size):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                           check_same_thread=False)


def _connect_uri(uri: str, *pragmas: str) -> sqlite3.Connection:
    """A connection to an existing file (`uri` with its mode), with the busy timeout and `pragmas`,
    that has read the file's schema: one SQLite cannot read fails here, closed."""
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        for pragma in (f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}", *pragmas):
            conn.execute(pragma)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def _set_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Put the project in WAL mode; leaving rollback-journal mode waits out another writer's lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if _code(exc) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def _folder_writable(path: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            return True
    except OSError:
        return False


def _read_only(path: Path, where: str) -> ProjectError:
    fix = "make it writable (chmod u+w), or copy it" if where == "file" else "copy the project"
    return ProjectError(f"{path}: the project's {where} is read-only, so it cannot be opened for "
                        f"writing ({fix} to a folder you can write to; exports, "
                        "agreement and `codebook show` only read it and work as it is)")


def open_error(path: Path, exc: sqlite3.DatabaseError) -> ProjectError:
    """A one-line ProjectError for a project file SQLite would not open, saying what to do."""
    code = _code(exc)
    if code == sqlite3.SQLITE_CORRUPT:
        return damaged(path, str(exc))
    if code == sqlite3.SQLITE_BUSY:
        return ProjectError(f"{path}: another program kept it locked for {BUSY_TIMEOUT_MS // 1000} s "
                            "(close it, or wait for it to finish, and do it again)")
    if code == sqlite3.SQLITE_READONLY or (code == sqlite3.SQLITE_CANTOPEN
                                           and not _folder_writable(path)):
        return _read_only(path, "file" if code == sqlite3.SQLITE_READONLY else "folder")
    if code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        if code == sqlite3.SQLITE_FULL or _disk_full(path):
            return ProjectError(f"{path}: the disk is full, and opening a project needs a little room for "
                                "its journal, even to read it (free some space and do it again; the "
                                "project is as it was)")
        return ProjectError(f"{path}: the disk could not be read or written ({exc}; check the disk, and "
                            "do it again)")
    return ProjectError(f"{path}: not a coder project file ({exc})")


def _disk_full(path: Path) -> bool:
    """Whether the disk holding `path` has (next to) no room left (SQLite reports a full disk at
    open as an I/O error)."""
    try:
        return shutil.disk_usage(path.parent if str(path.parent) else ".").free < FULL_BELOW_BYTES
    except OSError:
        return False


def damaged(path: Path | str, what: str) -> DamagedProjectError:
    """The error for a project file that is not whole: what is wrong, and how to recover."""
    return DamagedProjectError(str(path), what, recovery_hint(path))


def schema_version_of(conn: sqlite3.Connection, path: Path) -> int:
    """The project's schema version; ProjectError if it is not a coder project or is damaged."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        raise ProjectError(f"{path}: not a coder project file (no meta table)")
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')"))
    if rows.get("app") != APP_ID:
        raise ProjectError(f"{path}: not a coder project file")
    value = rows.get("schema_version", 0)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise damaged(path, f"schema_version {value!r} in meta is not a number") from None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set one metadata value (inside the caller's transaction, if any)."""
    with transaction(conn):
        write_meta(conn, {key: value})


def fold_log_into_file(conn: sqlite3.Connection) -> bool:
    """Copy the changes the write-ahead log holds into the project file itself, as far as readers
    allow (a passive checkpoint: it waits for nobody; with nothing new it does no writing).

    SQLite does so by itself only every 1,000 pages or when the last connection closes: with a
    coding window open for a morning, the project file alone (copied, synced, mailed to the lead
    to merge) held none of the morning's coding. Returns False where it could not (a full disk):
    the changes are safe in the log all the same.
    """
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return not busy
