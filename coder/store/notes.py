"""Writing one logged note: the shared mechanics of memos and chart summaries.

A note is one text per key (a memo per target and coder, a chart summary per
response, theme and coder). Setting it writes or deletes the row and logs the
text before and after in the same transaction, so history can undo and redo it.
"""

from __future__ import annotations

import sqlite3

from coder.store.connection import now, transaction
from coder.store.events import Action, record_event


def set_logged_note(conn: sqlite3.Connection, table: str, keys: dict[str, str], text: str | None, *,
                    column: str, stamps: tuple[str, ...], action: Action, target: str,
                    undoes: int | None = None) -> bool:
    """Write (or, with empty text or None, delete) the note at `keys` in `table`; log it.

    `keys` are the row's key columns and values (including `coder`, who is
    logged as the author); `stamps` the time columns a new row gets (the last
    one is also set on update). The event's data is the keys with `before` and
    `after`. Returns False (and logs nothing) when the note already reads
    exactly so, unless it undoes or redoes an event (history logs every step).
    """
    after = text if text and text.strip() else None
    where = " AND ".join(f"{name} = ?" for name in keys)
    with transaction(conn):
        row = conn.execute(f"SELECT {column} FROM {table} WHERE {where}", tuple(keys.values())).fetchone()
        before = row[0] if row else None
        if before == after and undoes is None:
            return False
        if after is None:
            conn.execute(f"DELETE FROM {table} WHERE {where}", tuple(keys.values()))
        else:
            columns = [*keys, column, *stamps]
            stamp = now()
            conn.execute(
                f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                f"ON CONFLICT({', '.join(keys)}) DO UPDATE SET {column} = excluded.{column}, "
                f"{stamps[-1]} = excluded.{stamps[-1]}",
                (*keys.values(), after, *(stamp for _ in stamps)))
        record_event(conn, keys["coder"], action, target, {**keys, "before": before, "after": after},
                     undoes=undoes)
        return True
