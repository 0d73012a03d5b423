"""Real project files for the agreement tests: the hand-worked span example of
tests/test_reliability_spans.py, and the usage test's double-coded pilot sample."""

from __future__ import annotations

from pathlib import Path

from helpers import CODEBOOK, DEMO_CORPUS
from team_projects import cli

from coder.coding import toggle_code
from coder.store import open_project
from coder.store.codings import add_coding
from coder.store.responses import insert_responses
from coder.store.samples import sample_response_ids

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


# The usage test's double coding of sample pilot: (code, responses alice applied it to, bob's), by
# place among the 12 sample responses they code. 1.1 on every one (no variation); 1.2 and 1.3 with
# disagreements; 2.3 once, by alice only (rare: 11 of 12 agree, kappa 0); 3.1 once, by both.
PILOT_CODINGS = [("caseload", range(12), range(12)), ("staffing", (1, 3, 5, 7, 9, 11), (3, 5, 7, 9, 11)),
                 ("time_pressure", (2, 6, 9), (3, 9)), ("bureaucracy", (5,), ()), ("cuts", (7,), (7,))]


def pilot_project(path: Path) -> Path:
    """The demo corpus with sample pilot (20 responses by setting, seed 7) drawn by the real CLI,
    12 of its responses coded by alice and bob as PILOT_CODINGS says (the other 8 by no one)."""
    cli("init", path, "--codebook", CODEBOOK)
    cli("import", path, DEMO_CORPUS)
    cli("sample", path, "--n", 20, "--by", "setting", "--seed", 7, "--name", "pilot")
    conn = open_project(path)
    coded = sample_response_ids(conn, "pilot")[:12]
    for code, alice, bob in PILOT_CODINGS:
        for coder, places in (("alice", alice), ("bob", bob)):
            for place in places:
                toggle_code(conn, coded[place], code, coder)
    conn.close()
    return path
