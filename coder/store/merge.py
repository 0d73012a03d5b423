"""Reading another project file for a merge, and writing (or taking back) what it brings.

The other file is never changed: it is copied into a temporary folder, where
an older schema is upgraded by the usual open code, and read there (see
`read_other`).

What a merge adds (coders, themes, codes, codings, memos, chart summaries) is written
as rows of those tables, and the codings it takes off (ones a coder removed in
their copy: `removed_codings`) are deleted; both are logged as one `project.merge`
event whose data holds every row, so history can take the merge back as one step
(`project.unmerge`) and redo it. Rows are keyed as the tables key them; rows a
merge finds already present are left alone.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from coder.errors import ProjectError
from coder.store.backup import backup_to, project_file, safety_copy
from coder.store.connection import connect_readonly, open_project, require_project_file, transaction
from coder.store.events import Action, Event, record_event

MERGE = Action.PROJECT_MERGE
UNMERGE = Action.PROJECT_UNMERGE

# The tables a merge brings in, in the order they are written (each refers to the ones before),
# and the columns that identify a row of each.
KEYS = {
    "coders": ("name",),
    "themes": ("id",),
    "codes": ("id",),
    "codings": ("response_id", "code_id", "coder", "start", "end"),
    "memos": ("target_type", "target_id", "coder"),
    "charts": ("response_id", "theme_id", "coder"),
}
# Columns the receiving project numbers itself.
_OWN_IDS = {"codings": "id", "memos": "id"}
# What must still read as merged for taking a merge back to remove a row (a memo or
# summary edited since is kept), and what must not refer to a coder, theme or code it removes.
_UNCHANGED = {"memos": "text", "charts": "summary"}
_IN_USE = {
    "coders": ("SELECT 1 FROM codings WHERE coder = :name UNION ALL SELECT 1 FROM memos WHERE coder = :name "
               "UNION ALL SELECT 1 FROM charts WHERE coder = :name"),
    "codes": ("SELECT 1 FROM codings WHERE code_id = :id UNION ALL "
              "SELECT 1 FROM suggestions WHERE code_id = :id UNION ALL SELECT 1 FROM codes WHERE parent_id = :id"),
    "themes": "SELECT 1 FROM codes WHERE theme_id = :id UNION ALL SELECT 1 FROM charts WHERE theme_id = :id",
}

Rows = dict[str, list[dict]]   # table -> rows as column -> value
REMOVED = "codings_removed"    # a merge event's codings taken off (rows as the codings table has them)


def read_other(path: Path | str) -> tuple[Rows, dict[str, str], list[dict]]:
    """The merged tables' rows, the response texts and the removed codings (`removed_codings`)
    of the project file at `path`.

    The file is never changed, nor is anything made beside it: it is copied
    into a temporary folder (as bytes when no journal beside it holds changes,
    else with SQLite's backup API) and read there, upgraded first if its schema is
    older. A file that is missing, not a project, damaged or too new is a
    ProjectError naming it.
    """
    path = Path(path)
    require_project_file(path)
    folder = Path(tempfile.mkdtemp(prefix="coder-merge-"))
    copy = folder / path.name
    try:
        try:
            _copy(path, copy)
            conn = open_project(copy)
            try:
                return ({table: table_rows(conn, table) for table in KEYS}, response_texts(conn),
                        removed_codings(conn))
            finally:
                conn.close()
        except ProjectError as exc:
            raise ProjectError(str(exc).replace(str(copy), str(path))) from None
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{path}: could not be read ({exc}); `coder check {path}` tells more") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(path: Path, target: Path) -> None:
    journals = [path.with_name(path.name + end) for end in ("-wal", "-journal")]
    if any(j.exists() and j.stat().st_size for j in journals):   # the file alone is not the project
        source = open_project(path, readonly=True)
        try:
            backup_to(source, target)
        finally:
            source.close()
    else:
        shutil.copyfile(path, target)


def safety_copy_as_committed(conn: sqlite3.Connection) -> Path:
    """A safety copy (see coder.store.backup) of the project as last committed.

    Made through a read-only connection of its own, so it works while `conn`
    holds the write lock (a backup through `conn` itself would wait for it).
    """
    reader = connect_readonly(project_file(conn))
    try:
        return safety_copy(reader)
    finally:
        reader.close()


def table_rows(conn: sqlite3.Connection, table: str) -> list[dict]:
    """Every row of a merged table as column -> value (without the project's own row ids)."""
    cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
    names = [d[0] for d in cursor.description]
    skip = _OWN_IDS.get(table)
    return [{k: v for k, v in zip(names, row) if k != skip} for row in cursor]


def removed_codings(conn: sqlite3.Connection) -> list[dict]:
    """The codings the project's history took off and that are still off: for each, the coding as
    it was (response_id, code_id, coder, start, end, origin, created_at), from its last removal,
    with that removal's event as `event` (id, time, data: to tell history two files share)."""
    last: dict[tuple, dict] = {}
    for event_id, at, action, coder, data in conn.execute(
            "SELECT id, at, action, coder, data FROM events WHERE action IN (?, ?) ORDER BY id",
            (Action.CODING_REMOVE, Action.CODINGS_UNIMPORT)):
        for coding in _taken_off_by(conn, action, coder, json.loads(data)):
            last[tuple(coding.get(c) for c in KEYS["codings"])] = {**coding, "event": (event_id, at, data)}
    present = {tuple(row) for row in conn.execute(
        'SELECT response_id, code_id, coder, start, "end" FROM codings')}
    return [coding for key, coding in last.items() if key not in present]


def _taken_off_by(conn: sqlite3.Connection, action: str, coder: str, data: dict) -> list[dict]:
    """The codings (as the codings table has them) a `coding.remove` took off, or a
    `codings.unimport`: every coding of the import it takes back (the import event lists them)."""
    if action == Action.CODING_REMOVE:
        return [data]
    (listed,) = conn.execute("SELECT data FROM events WHERE id = ?", (data["import_event"],)).fetchone()
    return [{"response_id": rid, "code_id": cid, "coder": coder, "start": None, "end": None,
             "origin": data["origin"], "created_at": data["created_at"]} for rid, cid in json.loads(listed)["codings"]]


def events_held(conn: sqlite3.Connection, events: list[tuple[int, str, str]]) -> set[int]:
    """Of (id, time, data) events of another file, the ids this project's log holds too: history
    the two files share (the other one is a copy made after them)."""
    held = set()
    for event_id, at, data in events:
        row = conn.execute("SELECT at, data FROM events WHERE id = ?", (event_id,)).fetchone()
        if row == (at, data):
            held.add(event_id)
    return held


def response_texts(conn: sqlite3.Connection) -> dict[str, str]:
    """Every response's text by id."""
    return dict(conn.execute("SELECT id, text FROM responses"))


def next_positions(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """The position a new theme gets, and per theme the position its next new code gets."""
    theme = conn.execute("SELECT ifnull(max(position), -1) + 1 FROM themes").fetchone()[0]
    codes = dict(conn.execute("SELECT t.id, ifnull(max(c.position), -1) + 1 FROM themes t "
                              "LEFT JOIN codes c ON c.theme_id = t.id GROUP BY t.id"))
    return theme, codes


def _insert(conn: sqlite3.Connection, rows: Rows) -> None:
    for table in KEYS:
        for row in rows.get(table, []):
            columns = ", ".join(f'"{c}"' for c in row)
            conn.execute(f'INSERT OR IGNORE INTO "{table}"({columns}) VALUES '
                         f"({', '.join('?' * len(row))})", list(row.values()))


def _remove(conn: sqlite3.Connection, rows: Rows) -> None:
    for table in reversed(KEYS):
        checks = [*KEYS[table], *([_UNCHANGED[table]] if table in _UNCHANGED else [])]
        where = " AND ".join(f'"{c}" IS :{c}' for c in checks)
        if table in _IN_USE:
            where += f" AND NOT EXISTS ({_IN_USE[table]})"
        for row in reversed(rows.get(table, [])):   # a merge adds sub-codes after their parents
            conn.execute(f'DELETE FROM "{table}" WHERE {where}', row)


def apply_merge(conn: sqlite3.Connection, rows: Rows, coder: str, source: str,
                removed: list[dict] = ()) -> int:
    """Write the rows a merge brings and take off the codings in `removed` (rows of the codings
    table), in one transaction, logged as one `project.merge` event.

    Returns the event's id. `source` names the file merged (the event's target).
    """
    with transaction(conn):
        _insert(conn, rows)
        _take_off(conn, removed)
        return record_event(conn, coder, MERGE, source, {"source": source, **rows, REMOVED: list(removed)})


def _take_off(conn: sqlite3.Connection, codings: list[dict]) -> None:
    where = " AND ".join(f'"{c}" IS :{c}' for c in (*KEYS["codings"], "created_at"))
    for coding in codings:
        conn.execute(f"DELETE FROM codings WHERE {where}", coding)


def invert_merge(conn: sqlite3.Connection, event: Event) -> int:
    """Take back a merge (or bring back one taken back); log it with `undoes` = event.

    Taking back removes the rows the merge added, except memos and summaries
    edited since, and themes and codes that are in use by then, and puts back
    the codings it took off. Returns the id
    of the logged event (`project.unmerge` or `project.merge`).
    """
    rows = {table: event.data.get(table, []) for table in KEYS}
    removed = event.data.get(REMOVED, [])
    with transaction(conn):
        if event.action == MERGE:
            _remove(conn, rows)
            _insert(conn, {"codings": removed})
            action = UNMERGE
        else:
            _insert(conn, rows)
            _take_off(conn, removed)
            action = MERGE
        return record_event(conn, event.coder, action, event.target, event.data, undoes=event.id)
