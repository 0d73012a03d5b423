"""A small project with counts known by hand, for the export and REFI tests.

Six responses (setting: children r1 r2, adults r3 r4 r5, missing r6); themes
1 Workload (1.1 caseload, 1.2 staffing) and 2 Paperwork (2.1 paperwork,
2.2 systems retired and unused, 2.3 old retired but used).

    alice: r1 caseload [0:5] and [10:15], r1 paperwork, r2 staffing, r3 caseload,
           r3 staffing, r4 paperwork, r5 old
    bob:   r1 caseload, r2 caseload
    suggestions held (score >= threshold): r6 paperwork, r2 staffing;
    not held: r4 caseload (0.3 < 0.5)

By hand (coding, all coders): caseload 3 responses (r1 r2 r3) / 5 segments,
staffing 2 / 2, theme 1: 3 / 7; paperwork 2 / 2, old 1 / 1, theme 2: 3 / 3;
any code 5 / 10; base 6.
"""

from __future__ import annotations

from pathlib import Path

from coder.records import Code, Theme
from coder.store import create_project, transaction
from coder.store.charts import set_chart
from coder.store.codebook import add_code, add_theme
from coder.store.codings import add_coding
from coder.store.memos import set_memo
from coder.store.responses import insert_responses

TEXTS = {
    "r1": "Cases keep rising and the paperwork never ends.",
    "r2": "We are short staffed; two vacancies.",
    "r3": "My caseload is 30 and we lack staff.",
    "r4": "=HYPERLINK(\"http://evil\",\"click\") forms and forms",
    "r5": "The old system was better.",
    "r6": "Recording takes most of my day.",
}
SETTINGS = {"r1": "children", "r2": "children", "r3": "adults", "r4": "adults", "r5": "adults",
            "r6": ""}
CODINGS = [
    ("r1", "caseload", "alice", 0, 5), ("r1", "caseload", "alice", 10, 15),
    ("r1", "paperwork", "alice", None, None), ("r2", "staffing", "alice", None, None),
    ("r3", "caseload", "alice", None, None), ("r3", "staffing", "alice", None, None),
    ("r4", "paperwork", "alice", None, None), ("r5", "old", "alice", None, None),
    ("r1", "caseload", "bob", None, None), ("r2", "caseload", "bob", None, None),
]
SUGGESTIONS = [("r6", "paperwork", 0.9, 0.5), ("r2", "staffing", 0.8, 0.5),
               ("r4", "caseload", 0.3, 0.5)]


def fill_small_project(conn) -> None:
    """Write the small project's responses, codebook, codings, suggestions, chart and memo."""
    with transaction(conn):
        insert_responses(conn, [(rid, text, {"setting": SETTINGS[rid], "team": "A"})
                                for rid, text in TEXTS.items()])
        add_theme(conn, Theme("workload", "1", "Workload"), "setup")
        add_theme(conn, Theme("recording", "2", "Paperwork"), "setup")
        add_code(conn, Code("caseload", "workload", "1.1", "Caseload"), "setup")
        add_code(conn, Code("staffing", "workload", "1.2", "Staffing"), "setup")
        add_code(conn, Code("paperwork", "recording", "2.1", "Paperwork"), "setup")
        add_code(conn, Code("systems", "recording", "2.2", "Systems", retired=True), "setup")
        add_code(conn, Code("old", "recording", "2.3", "Old code", retired=True), "setup")
        for rid, code, coder, start, end in CODINGS:
            add_coding(conn, rid, code, coder, start=start, end=end)
        conn.execute("INSERT INTO runs(id, started_at, finished_at, status, engine, scope, total, done) "
                     "VALUES (1, 'now', 'now', 'done', 'keywords', 'all', 6, 6)")
        conn.executemany("INSERT INTO suggestions(response_id, code_id, score, threshold, engine, run_id) "
                         "VALUES (?, ?, ?, ?, 'keywords', 1)", SUGGESTIONS)
        set_chart(conn, "r1", "workload", "alice", "rising cases")
        set_memo(conn, "response", "r3", "alice", "check staffing")
        set_memo(conn, "code", "caseload", "bob", "includes duty work")
        set_memo(conn, "project", "", "alice", "pilot coding round")


def make_small_project(path: Path) -> Path:
    """Create the small project at `path` and return the path (closed)."""
    create_project(path, setup=fill_small_project).close()
    return path
