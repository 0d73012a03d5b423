"""Codings: human decisions that a code applies to a response or a span of it."""

from __future__ import annotations

import sqlite3
from typing import Iterable

from coder.errors import CoderError
from coder.records import Coding
from coder.store.connection import in_batches, now, transaction
from coder.store.events import Action, Event, record_event

_COLUMNS = 'id, response_id, code_id, coder, start, "end", origin, created_at'
QUALIFIED_COLUMNS = 'c.id, c.response_id, c.code_id, c.coder, c.start, c."end", c.origin, c.created_at'


def coding_from_row(row: tuple) -> Coding:
    """A Coding from a row of QUALIFIED_COLUMNS (or the same columns unqualified)."""
    id_, response_id, code_id, coder, start, end, origin, created_at = row
    return Coding(response_id, code_id, coder, start, end, origin, created_at, id_)


def _event_data(c: Coding) -> dict:
    return {"response_id": c.response_id, "code_id": c.code_id, "coder": c.coder,
            "start": c.start, "end": c.end, "origin": c.origin, "created_at": c.created_at}


def find_coding(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str,
                start: int | None = None, end: int | None = None) -> Coding | None:
    """The coding with exactly this response, code, coder and span, or None."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM codings WHERE response_id = ? AND code_id = ? AND coder = ? "
        'AND start IS ? AND "end" IS ?', (response_id, code_id, coder, start, end)).fetchone()
    return coding_from_row(row) if row else None


def add_coding(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str, *,
               start: int | None = None, end: int | None = None, origin: str = "manual",
               created_at: str | None = None, log: bool = True, step: dict | None = None) -> Coding | None:
    """Apply a code; return the new coding, or None if exactly it exists already.

    Logged as a `coding.add` event unless `log` is False (undo/redo log their own);
    `step` marks the event as part of one step of several codings, undone as one
    (`coder.history`).
    """
    with transaction(conn):
        if find_coding(conn, response_id, code_id, coder, start, end):
            return None
        stamp = created_at or now()
        cursor = conn.execute(
            'INSERT INTO codings(response_id, code_id, coder, start, "end", origin, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (response_id, code_id, coder, start, end, origin, stamp))
        coding = Coding(response_id, code_id, coder, start, end, origin, stamp, cursor.lastrowid)
        if log:
            record_event(conn, coder, Action.CODING_ADD, response_id,
                         _event_data(coding) | ({"step": step} if step else {}))
        return coding


def add_new_codings(conn: sqlite3.Connection, codings: Iterable[Coding]) -> int:
    """Add codings that do not exist yet, in one statement; return how many.

    The bulk form of add_coding for filling a new project (an import): the
    same rows (each with its own origin and created_at) and the same
    `coding.add` event for each. Duplicates are the caller's to drop: a
    coding that exists already raises sqlite3.IntegrityError.
    """
    rows = list(codings)
    with transaction(conn):
        conn.executemany(
            'INSERT INTO codings(response_id, code_id, coder, start, "end", origin, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((c.response_id, c.code_id, c.coder, c.start, c.end, c.origin, c.created_at)
             for c in rows))
        for coding in rows:
            record_event(conn, coding.coder, Action.CODING_ADD, coding.response_id, _event_data(coding))
    return len(rows)


def remove_coding(conn: sqlite3.Connection, response_id: str, code_id: str, coder: str, *,
                  start: int | None = None, end: int | None = None,
                  log: bool = True) -> Coding | None:
    """Remove a coding; return what was removed, or None if there was none."""
    with transaction(conn):
        coding = find_coding(conn, response_id, code_id, coder, start, end)
        if coding is None:
            return None
        conn.execute("DELETE FROM codings WHERE id = ?", (coding.id,))
        if log:
            record_event(conn, coder, Action.CODING_REMOVE, response_id, _event_data(coding))
        return coding


def import_codings(conn: sqlite3.Connection, codings: Iterable[tuple[str, str]], coder: str, *,
                   origin: str = "imported", source: str = "") -> int:
    """Bulk-apply whole-response (response_id, code_id) pairs for one coder.

    Pairs already coded are left as they are. One `codings.import` event records
    the import (file, coder, the pairs added), which `invert_import` takes back
    as one step. Returns how many were added.
    """
    stamp = now()
    with transaction(conn):
        last = conn.execute("SELECT coalesce(max(id), 0) FROM codings").fetchone()[0]
        conn.executemany(
            'INSERT OR IGNORE INTO codings(response_id, code_id, coder, start, "end", origin, created_at) '
            "VALUES (?, ?, ?, NULL, NULL, ?, ?)",
            ((rid, cid, coder, origin, stamp) for rid, cid in codings))
        # New rows take ids past the largest (no other writer meanwhile: the transaction holds the lock).
        added = [list(row) for row in conn.execute(
            "SELECT response_id, code_id FROM codings WHERE id > ? ORDER BY id", (last,))]
        record_event(conn, coder, Action.CODINGS_IMPORT, source, {"source": source, "origin": origin,
                                                                   "added": len(added), "created_at": stamp,
                                                                   "codings": added})
        return len(added)


def invert_import(conn: sqlite3.Connection, event: Event) -> int:
    """Take back an import of coding (`codings.import`), or bring back one taken back; log it with
    `undoes` = event and return the new event's id.

    Taking back removes the whole-response codings the import added that are still as it left
    them, on the code each is on now (a code merged since holds them under the code it was merged
    into); bringing back adds them again, as imported then, where the response and code still are.
    The new event names the import event that lists the codings (not a copy of its list) and how
    many codings the step changed.
    """
    from coder.store.code_merge import merged_codes   # here: code_merge's imports come back to this module

    d = event.data
    first = d.get("import_event", event.id)   # the `codings.import` event that lists them
    # The pairs are read from that event in SQL (a million of them as Python lists took seconds and
    # hundreds of MB), each on the code it is on now: a code merged since holds them under its target.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merged_into(source TEXT PRIMARY KEY, target TEXT NOT NULL)")
    conn.execute("DELETE FROM merged_into")
    conn.executemany("INSERT INTO merged_into VALUES (?, ?)", merged_codes(conn).items())
    pairs = ("SELECT json_extract(j.value, '$[0]') AS rid, coalesce(m.target, json_extract(j.value, '$[1]')) AS cid "
             "FROM events e, json_each(e.data, '$.codings') j "
             "LEFT JOIN merged_into m ON m.source = json_extract(j.value, '$[1]') WHERE e.id = ?")
    before = conn.total_changes
    if event.action == Action.CODINGS_IMPORT:
        conn.execute(f"DELETE FROM codings WHERE coder = ? AND start IS NULL AND created_at = ? "
                     f"AND (response_id, code_id) IN ({pairs})",
                     (event.coder, d["created_at"], first))
        action = Action.CODINGS_UNIMPORT
    else:
        conn.execute(f'INSERT OR IGNORE INTO codings(response_id, code_id, coder, start, "end", origin, created_at) '
                     f"SELECT p.rid, p.cid, ?, NULL, NULL, ?, ? FROM ({pairs}) p "
                     "JOIN responses r ON r.id = p.rid JOIN codes c ON c.id = p.cid",
                     (event.coder, d["origin"], d["created_at"], first))
        action = Action.CODINGS_IMPORT
    data = {"source": d["source"], "origin": d["origin"], "created_at": d["created_at"], "import_event": first,
            "changed": conn.total_changes - before}
    return record_event(conn, event.coder, action, event.target, data, undoes=event.id)


def responses_with_passages(conn: sqlite3.Connection) -> set[str]:
    """The ids of the responses that have a coded passage (a span, not the whole response)."""
    return {row[0] for row in conn.execute("SELECT DISTINCT response_id FROM codings WHERE start IS NOT NULL")}


def passages_of(conn: sqlite3.Connection, response_ids: list[str]) -> list[Coding]:
    """The span codings of the given responses, oldest first."""
    found: list[Coding] = []
    for batch, marks in in_batches(response_ids):
        found += [coding_from_row(row) for row in conn.execute(
            f"SELECT {_COLUMNS} FROM codings WHERE start IS NOT NULL AND response_id IN ({marks}) ORDER BY id",
            batch)]
    return found


def move_passage(conn: sqlite3.Connection, coding: Coding, start: int, end: int) -> None:
    """Put a span coding on other offsets of its response (its text was replaced). Where the same
    coder already has the same code on exactly that span, the moved coding is the same decision
    twice and is removed."""
    with transaction(conn):
        if find_coding(conn, coding.response_id, coding.code_id, coding.coder, start, end) is not None:
            conn.execute("DELETE FROM codings WHERE id = ?", (coding.id,))
        else:
            conn.execute('UPDATE codings SET start = ?, "end" = ? WHERE id = ?', (start, end, coding.id))


def codings_for_response(conn: sqlite3.Connection, response_id: str,
                         coder: str | None = None) -> list[Coding]:
    """The codings of one response (one coder's, or everyone's), oldest first."""
    sql = f"SELECT {_COLUMNS} FROM codings WHERE response_id = ?"
    params: list = [response_id]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    return [coding_from_row(row) for row in conn.execute(sql + " ORDER BY id", params)]


def list_codings(conn: sqlite3.Connection, *, coder: str | None = None,
                 code_id: str | None = None) -> list[Coding]:
    """All codings, optionally one coder's or one code's, in project order."""
    sql = f"SELECT {QUALIFIED_COLUMNS} FROM codings c JOIN responses r ON r.id = c.response_id WHERE 1 = 1"
    params: list = []
    if coder is not None:
        sql += " AND c.coder = ?"
        params.append(coder)
    if code_id is not None:
        sql += " AND c.code_id = ?"
        params.append(code_id)
    return [coding_from_row(row) for row in conn.execute(sql + " ORDER BY r.position, c.id", params)]


def coders(conn: sqlite3.Connection) -> list[str]:
    """Everyone who has coded in this project, alphabetically."""
    return [row[0] for row in conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def check_coder(conn: sqlite3.Connection, coder: str | None, *, memos: bool = False) -> None:
    """CoderError when `coder` (given by --coder; None: everyone) has made no coding (with `memos`,
    no coding and no memo: the memos export takes a lead who only writes memos): an export, a
    training or a count of nobody's decisions is a typo."""
    known = coders(conn)
    if memos:
        known = sorted({*known, *(row[0] for row in conn.execute("SELECT DISTINCT coder FROM memos"))})
    if coder is not None and coder not in known:
        raise CoderError(f"--coder {coder!r}: no codings {'or memos ' if memos else ''}by this coder "
                         f"(coders: {', '.join(known) or 'nobody yet'})")


def coding_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Per coder: (codings, distinct responses coded)."""
    return {coder: (n, responses) for coder, n, responses in conn.execute(
        "SELECT coder, count(*), count(DISTINCT response_id) FROM codings GROUP BY coder ORDER BY coder")}


def code_use(conn: sqlite3.Connection, code_id: str) -> tuple[int, int]:
    """(codings, distinct responses) of one code, every coder's and the consensus's."""
    return conn.execute("SELECT count(*), count(DISTINCT response_id) FROM codings WHERE code_id = ?",
                        (code_id,)).fetchone()
