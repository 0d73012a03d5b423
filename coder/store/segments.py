"""Retrieval: the coded segments of one code, a page at a time (the UI's F4 screen).

Framework analysis charts a code by reading all of its data together: every
span coded with it (its text) and every whole-response coding (the response's
text, shortened). Only one page is read, so a code with tens of thousands of
codings on a 100,000-response project costs the same to open as a small one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

TEXT_CHARS = 1000  # the most of a segment's text read (whole responses are shortened)


@dataclass(frozen=True)
class Segment:
    """One coding of a code: where it is, who made it, and its text.

    `start`/`end` are None for a whole-response coding, whose `text` is the
    response's first TEXT_CHARS characters (`shortened` when it goes on).
    """

    response_id: str
    coder: str
    start: int | None
    end: int | None
    text: str
    shortened: bool


def _where(code_id: str, coder: str | None, first: int = 1) -> tuple[str, list]:
    """The WHERE clause picking a code's codings (numbered parameters from `first`)."""
    if coder is None:
        return f"c.code_id = ?{first}", [code_id]
    return f"c.code_id = ?{first} AND c.coder = ?{first + 1}", [code_id, coder]


def count_segments(conn: sqlite3.Connection, code_id: str, coder: str | None = None) -> int:
    """How many codings of `code_id` there are (one coder's, or everyone's with None)."""
    where, params = _where(code_id, coder)
    return conn.execute(f"SELECT count(*) FROM codings c WHERE {where}", params).fetchone()[0]


def code_segments(conn: sqlite3.Connection, code_id: str, coder: str | None = None, *,
                  offset: int = 0, limit: int = 200) -> list[Segment]:
    """One page of the codings of `code_id`, in project order (response position, then span).

    Offsets are Unicode code points, as SQLite's substr counts them for text.
    """
    where, params = _where(code_id, coder, first=4)
    # The page is chosen from positions alone; only its rows' texts are read.
    rows = conn.execute(
        "WITH page AS (SELECT c.id AS coding, r.position AS position FROM codings c "
        f"  JOIN responses r ON r.id = c.response_id WHERE {where} "
        "  ORDER BY r.position, c.start IS NOT NULL, c.start, c.coder LIMIT ?2 OFFSET ?3) "
        "SELECT c.response_id, c.coder, c.start, c.\"end\", "
        "  CASE WHEN c.start IS NULL THEN substr(r.text, 1, ?1) "
        "       ELSE substr(r.text, c.start + 1, min(c.\"end\" - c.start, ?1)) END, "
        "  CASE WHEN c.start IS NULL THEN length(r.text) ELSE c.\"end\" - c.start END > ?1 "
        "FROM page JOIN codings c ON c.id = page.coding JOIN responses r ON r.id = c.response_id "
        "ORDER BY page.position, c.start IS NOT NULL, c.start, c.coder",
        [TEXT_CHARS, limit, offset, *params])
    return [Segment(rid, who, start, end, text or "", bool(cut))
            for rid, who, start, end, text, cut in rows]
