"""SVG snapshots of the coding UI's screens (pytest-textual-snapshot).

Update them after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox
from test_tui_suggestions import kw, write_run
from tui_project import make_project

from coder.coding import toggle_code
from coder.store import open_project
from coder.tui.app import CoderApp
from coder.tui.session import Session

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def app(tmp_path):
    path = make_project(tmp_path / "snap.coder", n=40)
    write_run(path, [kw("q0001", "caseload", 0.75, 64, 72, "caseload"),
                     kw("q0001", "it_systems", 0.6, 15, 23, "computer")])
    conn = open_project(path)
    toggle_code(conn, "q0003", "paperwork", "alice")
    toggle_code(conn, "q0001", "time_pressure", "alice")   # q0001 last: the UI reopens where alice left off
    toggle_code(conn, "q0001", "it_systems", "alice", start=15, end=23)
    toggle_code(conn, "q0001", "staffing", "bob")
    yield CoderApp(Session(conn, "alice", path))
    conn.close()


async def _settle(pilot):
    await pilot.pause()


def test_coding_screen_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_coding_screen_large_light(snap_compare, app):
    async def light(pilot):
        pilot.app.theme = "textual-light"
        await pilot.pause()
    assert snap_compare(app, terminal_size=(140, 40), run_before=light)


def test_coding_screen_everyone(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 32), press=["ctrl+o"])


def test_filter_dialog(snap_compare, app):
    assert snap_compare(app, terminal_size=(100, 32), press=["f"])


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(100, 32), press=["question_mark"])


def test_memo_editor(snap_compare, app):
    assert snap_compare(app, terminal_size=(100, 32), press=["m", *"needs a second look"])


def test_coding_queue_80x24(snap_compare, tmp_path):
    """'Most uncertain first': each row names the code it is queued for, the text's first line the call."""
    path = make_project(tmp_path / "queue.coder", n=40)
    write_run(path, [kw("q0004", "caseload", 0.55)],
              scored=[("q0004", 0.9, "caseload", 0.55, "caseload", 0.55, 0.5),
                      ("q0002", 0.8, "paperwork", 0.45, "paperwork", 0.42, 0.5),
                      ("q0007", 0.6, "caseload", 0.6, "caseload", 0.6, 0.5),
                      ("q0001", 0.2, "it_systems", 0.6, "it_systems", 0.6, 0.5)])
    conn = open_project(path)

    async def queue(pilot):
        await pilot.press("f")
        pilot.app.screen.query_one("#queue", Checkbox).value = True
        await pilot.click("#apply")
        await pilot.pause()
    try:
        assert snap_compare(CoderApp(Session(conn, "alice", path)), terminal_size=(80, 24), run_before=queue)
    finally:
        conn.close()
