"""The hand-worked span example of tests/test_reliability_spans.py as a real project file."""

from __future__ import annotations

from pathlib import Path

from coder.store import open_project
from coder.store.codings import add_coding
from coder.store.responses import insert_responses

# (response, code, coder, start, end): alice codes caseload on r1 0-6 (two overlapping codings)
# and the whole of r2; bob codes caseload on r1 2-8; both code paperwork on the whole of r2.
SPAN_CODINGS = [("r1", "caseload", "alice", 0, 4), ("r1", "caseload", "alice", 2, 6),
                ("r2", "caseload", "alice", None, None), ("r2", "paperwork", "alice", None, None),
                ("r1", "caseload", "bob", 2, 8), ("r2", "paperwork", "bob", None, None)]


def code_spans(path: Path) -> None:
    """Responses r1 "abcdefghij" and r2 "klmno" (15 characters) coded by alice and bob as above."""
    conn = open_project(path)
    insert_responses(conn, [("r1", "abcdefghij", {}), ("r2", "klmno", {})])
    for rid, code, coder, start, end in SPAN_CODINGS:
        add_coding(conn, rid, code, coder, start=start, end=end)
    conn.close()
