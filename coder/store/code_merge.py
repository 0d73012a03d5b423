"""Merging one code into another, and taking a merge back (the codebook store's part).

A merge moves the source code's codings to the target and retires the source,
logged as one `codebook.code.merge` event that lists what it moved and dropped;
`unmerge_codes` reverses it from that list (coder.codebook.undo links the two
as one undo step).
"""

from __future__ import annotations

import json
import sqlite3

from coder.errors import CoderError
from coder.store.codebook_read import require_code
from coder.store.connection import transaction
from coder.store.events import Action, record_event


def merge_codes(conn: sqlite3.Connection, source_id: str, target_id: str, coder: str) -> dict:
    """Merge code `source_id` into `target_id`: its codings become the target's.

    A coding that would duplicate one the target already has (same response,
    coder and span) is dropped. The source's suggestions are removed (the next
    suggestion run recomputes them) and the source is retired. Logged as one
    `codebook.code.merge` event whose data lists the moved coding ids and the
    dropped codings in full (and the moved ones' response, coder and span), so the
    merge can be audited and undone (`unmerge_codes`). A code with sub-codes is
    refused (retired, it would hide them). Returns {"moved": n, "dropped": n}.
    """
    if source_id == target_id:
        raise CoderError(f"cannot merge code {source_id!r} into itself")
    with transaction(conn):
        source = require_code(conn, source_id)
        require_code(conn, target_id)
        if conn.execute("SELECT 1 FROM codes WHERE parent_id = ? LIMIT 1", (source_id,)).fetchone():
            # Retired, it would hide its sub-codes (and their codings) under it.
            raise CoderError(f"code {source.index} {source.label} has sub-codes: move or merge them first")
        duplicate = ('EXISTS (SELECT 1 FROM codings t WHERE t.code_id = ? AND '
                     't.response_id = s.response_id AND t.coder = s.coder AND '
                     't.start IS s.start AND t."end" IS s."end")')
        dropped = [dict(zip(("id", "response_id", "coder", "start", "end", "origin", "created_at"), row))
                   for row in conn.execute(
                       'SELECT s.id, s.response_id, s.coder, s.start, s."end", s.origin, s.created_at '
                       f"FROM codings s WHERE s.code_id = ? AND {duplicate} ORDER BY s.id",
                       (source_id, target_id))]
        conn.executemany("DELETE FROM codings WHERE id = ?", [(d["id"],) for d in dropped])
        moved_rows = conn.execute('SELECT id, response_id, coder, start, "end" FROM codings WHERE code_id = ? '
                                  "ORDER BY id", (source_id,)).fetchall()
        moved = [row[0] for row in moved_rows]
        conn.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", (target_id, source_id))
        conn.execute("DELETE FROM suggestions WHERE code_id = ?", (source_id,))
        conn.execute("UPDATE codes SET retired = 1 WHERE id = ?", (source_id,))
        record_event(conn, coder, Action.CODE_MERGE, source_id, {
            "source": source_id, "target": target_id, "moved": moved,
            "moved_codings": [list(row[1:]) for row in moved_rows], "dropped": dropped,
            "before": {"retired": source.retired}, "after": {"retired": True}})
        return {"moved": len(moved), "dropped": len(dropped)}


def unmerge_codes(conn: sqlite3.Connection, source_id: str, target_id: str, moved: list[int],
                  dropped: list[dict], coder: str, *, retired: bool = False,
                  moved_codings: list[list] | None = None) -> dict:
    """Take back a merge of code `source_id` into `target_id` (`merge_codes`; `moved`,
    `moved_codings` and `dropped` as its event lists them): the moved codings that are still the
    target's go back to the source (found by response, coder and span, so one taken off and put
    back since counts too; by id for a merge logged without them), the dropped duplicates come
    back (under their old ids where still free), and the source's retired flag becomes `retired`
    (what it was before the merge). Codings changed otherwise stay as they are; the source's
    suggestions come back with the next suggestion run. Logged as one `codebook.code.unmerge`
    event. Returns {"moved": n, "dropped": n}: the codings given back."""
    with transaction(conn):
        require_code(conn, source_id)
        if moved_codings is None:
            still_moved = [row[0] for row in conn.execute(
                "SELECT id FROM codings WHERE code_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (target_id, json.dumps(moved)))]
        else:
            found = (conn.execute('SELECT id FROM codings WHERE code_id = ? AND response_id = ? AND coder = ? '
                                  'AND start IS ? AND "end" IS ?', (target_id, *key)).fetchone()
                     for key in moved_codings)
            still_moved = [row[0] for row in found if row is not None]
        # OR IGNORE: a coding the source has gained since (the same response, coder and span) stays single.
        given_back = [i for i in still_moved if conn.execute(
            "UPDATE OR IGNORE codings SET code_id = ? WHERE id = ?", (source_id, i)).rowcount]
        restored = 0
        for d in dropped:
            free = conn.execute("SELECT 1 FROM codings WHERE id = ?", (d["id"],)).fetchone() is None
            restored += conn.execute(
                'INSERT OR IGNORE INTO codings (id, response_id, code_id, coder, start, "end", origin, created_at) '
                "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM responses WHERE id = ?)",
                (d["id"] if free else None, d["response_id"], source_id, d["coder"], d["start"], d["end"],
                 d["origin"], d["created_at"], d["response_id"])).rowcount
        conn.execute("UPDATE codes SET retired = ? WHERE id = ?", (int(retired), source_id))
        keys = [list(row) for row in conn.execute(
            'SELECT response_id, coder, start, "end" FROM codings WHERE id IN (SELECT value FROM json_each(?)) '
            "ORDER BY id", (json.dumps(given_back),))]
        record_event(conn, coder, Action.CODE_UNMERGE, source_id, {
            "source": source_id, "target": target_id, "moved": given_back, "moved_codings": keys,
            "dropped": dropped, "before": {"retired": True}, "after": {"retired": retired}})
        return {"moved": len(given_back), "dropped": restored}


def merged_codes(conn: sqlite3.Connection) -> dict[str, str]:
    """Each code merged into another and still merged (retired, its latest merge not taken back),
    with the code its codings are on now: the merge's target, followed through later merges."""
    latest: dict[str, tuple[str, str]] = {}
    for action, source, data in conn.execute("SELECT action, target, data FROM events WHERE action IN (?, ?) "
                                             "ORDER BY id", (Action.CODE_MERGE, Action.CODE_UNMERGE)):
        latest[source] = (action, json.loads(data).get("target"))
    retired = {code_id for (code_id,) in conn.execute("SELECT id FROM codes WHERE retired = 1")}
    into = {source: target for source, (action, target) in latest.items()
            if action == Action.CODE_MERGE and source in retired and target}

    def now_on(code_id: str) -> str:
        seen = {code_id}
        while into.get(code_id) is not None and into[code_id] not in seen:
            code_id = into[code_id]
            seen.add(code_id)
        return code_id
    return {source: now_on(source) for source in into}
