"""Which suggestions the coding screen offers for a response."""

from __future__ import annotations

import sqlite3

from coder.records import Code, Suggestion
from coder.store.rejections import rejected_codes
from coder.store.suggestions import shown_per_response, suggestions_for_response

MOST_RESPONSES = 0.95   # the share of responses whose suggestions the panel shows without scrolling


def visible_suggestions(conn: sqlite3.Connection, response_id: str, coder: str,
                        applied: dict[str, str], active: list[Code]) -> list[Suggestion]:
    """Suggestions at or above threshold for codes that can be applied, that the coder
    has not applied to the whole response and has not rejected; best first."""
    found = [s for s in suggestions_for_response(conn, response_id) if s.score >= s.threshold]
    if not found:
        return []
    usable = {c.id for c in active}
    rejected = rejected_codes(conn, response_id, coder)
    return [s for s in found if s.code_id in usable and applied.get(s.code_id) != "whole"
            and s.code_id not in rejected]


def suggestions_to_fit(conn: sqlite3.Connection) -> int:
    """How many suggestions the panel makes room for: as many as 95% of the responses
    with suggestions have at most (0 before any run). The panel keeps that height from one
    response to the next, so the text does not jump and moving on needs no new layout
    of the screen (one cost about 17 ms a key on a 100,000-response project)."""
    counts = shown_per_response(conn)
    total = sum(counts.values())
    seen = 0
    for shown in sorted(counts):
        seen += counts[shown]
        if seen >= MOST_RESPONSES * total:
            return shown
    return 0
