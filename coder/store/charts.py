"""Charts: framework-matrix cell summaries (one response under one theme, per coder).

Every change is logged as a `chart.set` event with the summary before and
after (None when there was or is none), so history can undo and redo it.
"""

from __future__ import annotations

import sqlite3

from coder.store.events import Action
from coder.store.notes import set_logged_note


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
    return set_logged_note(conn, "charts", {"response_id": response_id, "theme_id": theme_id, "coder": coder},
                           summary, column="summary", stamps=("updated_at",), action=Action.CHART_SET,
                           target=response_id, undoes=undoes)


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
