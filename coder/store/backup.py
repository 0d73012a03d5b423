"""Safety copies of a project, made with SQLite's online backup API.

The backup API copies a consistent snapshot even while the UI or a batch run
writes to the project. Before a risky step (a schema migration, a codebook
import that retires codes, an import that replaces responses) a copy is made
next to the project as `NAME.coder.bak-<UTC time>` (to the millisecond); the newest `KEEP` such
copies are kept. `coder backup` makes one on demand.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from coder.errors import ProjectError, SaveError

KEEP = 5
MARK = ".bak-"


def backup_name(project: Path | str) -> Path:
    """A new safety-copy name for `project`: `NAME.coder.bak-YYYYMMDD-HHMMSS.mmmZ` (-2 ... if taken).

    Names sort by time, so the oldest copies are the first names.
    """
    project = Path(project)
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d-%H%M%S") + f".{now.microsecond // 1000:03d}Z"
    candidate, n = project.with_name(f"{project.name}{MARK}{stamp}"), 1
    while candidate.exists():
        n += 1
        candidate = project.with_name(f"{project.name}{MARK}{stamp}-{n}")
    return candidate


def safety_copies(project: Path | str) -> list[Path]:
    """The project's automatic safety copies, oldest first."""
    project = Path(project)
    return sorted(project.parent.glob(f"{project.name}{MARK}*"))


def recovery_hint(project: Path | str) -> str:
    """How to get a damaged project back: its newest safety copy, by name, if it has one."""
    copies = safety_copies(project)
    if copies:
        return f"restore the newest safety copy, {copies[-1].name}, or another backup"
    return "restore it from a backup"


def backup_to(conn: sqlite3.Connection, target: Path | str) -> Path:
    """Copy the open project `conn` to the new file `target`; return it.

    The copy is written under a temporary name and moved into place when
    complete, as a single file (rollback journal mode, no -wal beside it).
    Raises ProjectError if `target` exists, SaveError if it cannot be written.
    """
    target = Path(target)
    if target.exists():
        raise ProjectError(f"{target}: already exists (choose another name)")
    if not target.parent.is_dir():
        raise ProjectError(f"{target}: folder {target.parent} does not exist (create it first)")
    tmp = target.with_name(f".{target.name}.copying")
    try:
        copy = sqlite3.connect(tmp)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise SaveError(str(target), f"the safety copy could not be written ({exc})") from None
    return target


def project_file(conn: sqlite3.Connection) -> Path:
    """The file of the open project `conn`."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def safety_copy(conn: sqlite3.Connection, *, keep: int = KEEP) -> Path:
    """Make an automatic safety copy of the open project; drop all but the newest `keep`."""
    project = project_file(conn)
    target = backup_to(conn, backup_name(project))
    for old in safety_copies(project)[:-keep]:
        old.unlink(missing_ok=True)
    return target
