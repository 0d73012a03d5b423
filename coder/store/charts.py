"""Charts: framework-matrix cell summaries (one response under one theme, per coder).

Every change is logged as a `chart.set` event with the summary before and
after (None when there was or is none), so history can undo and redo it.
"""

from __future__ import annotations

import sqlite3

from coder.store.connection import now, transaction
from coder.store.events import Action, record_event


def get_chart(conn: sqlite3.Connection, response_id: str, theme_id: str, coder: str) -> str | None:
    """The coder's summary of a response under a theme, or None."""
    row = conn.execute("SELECT summary FROM charts WHERE response_id = ? AND theme_id = ? AND coder = ?",
                       (response_id, theme_id, coder)).fetchone()
    return row[0] if row else None


def set_chart(conn: sqlite3.Connection, response_id: str, theme_id: str, coder: str,
              summary: str | None, *, undoes: int | None = None) -> bool:
    """Write (or, with an empty summary or None, delete) a framework-matrix cell.

    Logged as `chart.set` with `before` and `after`; returns False (and logs
    nothing) when the cell already reads exactly so, unless it undoes or redoes
    an event (history must log every step).
    """
    after = summary if summary and summary.strip() else None
    with transaction(conn):
        before = get_chart(conn, response_id, theme_id, coder)
        if before == after and undoes is None:
            return False
        if after is None:
            conn.execute("DELETE FROM charts WHERE response_id = ? AND theme_id = ? AND coder = ?",
                         (response_id, theme_id, coder))
        else:
            conn.execute(
                "INSERT INTO charts(response_id, theme_id, coder, summary, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(response_id, theme_id, coder) "
                "DO UPDATE SET summary = excluded.summary, updated_at = excluded.updated_at",
                (response_id, theme_id, coder, after, now()))
        record_event(conn, coder, Action.CHART_SET, response_id,
                     {"response_id": response_id, "theme_id": theme_id, "coder": coder,
                      "before": before, "after": after}, undoes=undoes)
        return True


def charts_for_response(conn: sqlite3.Connection, response_id: str,
                        coder: str | None = None) -> dict[str, str]:
    """Summaries of one response: theme id -> summary (one coder's, or all joined)."""
    sql = "SELECT theme_id, coder, summary FROM charts WHERE response_id = ?"
    params: list = [response_id]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    found: dict[str, list[str]] = {}
    for theme_id, who, summary in conn.execute(sql + " ORDER BY theme_id, coder", params):
        found.setdefault(theme_id, []).append(summary if coder is not None else f"[{who}] {summary}")
    return {k: "\n".join(v) for k, v in found.items()}
