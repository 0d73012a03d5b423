"""SVG snapshots of the coding UI's screens (pytest-textual-snapshot).

Update them after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
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
