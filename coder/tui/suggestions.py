"""Which suggestions the coding screen offers for a response."""

from __future__ import annotations

import sqlite3

from coder.records import Code, Suggestion
from coder.store.suggestions import suggestions_for_response
from coder.store.rejections import rejected_codes


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
