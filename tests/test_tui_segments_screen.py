"""The segments screen (F4) under Textual's pilot, on a real project file.

Update the snapshot after an intended change with
`pytest tests/test_tui_segments_screen.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from tui_driver import run, running, screen_text
from tui_project import make_project

from coder.coding import toggle_code
from coder.records import Code, Theme
from coder.store import create_project, open_project, transaction
from coder.store.codebook import add_code, add_theme
from coder.store.browse import ListFilter
from coder.store.codings import import_codings
from coder.tui.app import CoderApp
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.screens.segments_screen import PAGE, SegmentsScreen, _one_line
from coder.tui.session import Session
from coder.tui.widgets.codebook_panel import CodebookPanel

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    path = make_project(tmp_path / "segments.coder", n=40)
    conn = open_project(path)
    toggle_code(conn, "q0007", "staffing", "alice", start=0, end=20)
    toggle_code(conn, "q0003", "staffing", "alice")
    toggle_code(conn, "q0009", "staffing", "bob")
    toggle_code(conn, "q0004", "paperwork", "alice")
    conn.close()
    return path


def highlight_code(coding: CodingScreen, code_id: str) -> None:
    """Put the codebook panel's cursor on a code, as the arrow keys would."""
    tree = coding.query_one(CodebookPanel)
    node = next(leaf for theme in tree.root.children for leaf in theme.children if leaf.data == code_id)
    tree.move_cursor(node)


async def open_on(app, pilot, coding: CodingScreen, code_id: str) -> SegmentsScreen:
    """Highlight a code in the codebook panel and open the segments screen (F4)."""
    highlight_code(coding, code_id)
    await pilot.press("f4")
    await pilot.pause()
    return app.screen


def listed(screen: SegmentsScreen) -> list[tuple[str, str, str | None]]:
    return [(s.response_id, s.coder, s.start) for s in screen.page]


def test_j_and_k_move_through_the_segments_and_q_quits_as_on_the_coding_screen(project):
    """On F4 only the arrows moved (j and k do on every other screen), and q did nothing, unsaid."""
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, coding):
            await open_on(app, pilot, coding, "staffing")
            await pilot.press("j")
            await pilot.pause()
            assert "q0007 · alice · characters 0–20" in screen_text(app)
            await pilot.press("k")
            await pilot.pause()
            assert "q0007 · alice · characters" not in screen_text(app)
            await pilot.press("q")
            await pilot.pause()
            assert app.return_code == 0 and not app.is_running
    run(scenario)


def test_the_coder_chosen_stays_chosen_when_a_new_coder_joins_the_list(project):
    """Reopened after another coder's first coding, F4 offered them but went back from "All
    coders" to the session's own coder."""
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, coding):
            screen = await open_on(app, pilot, coding, "staffing")
            await pilot.press("o", "up", "enter", "escape")
            await pilot.pause()
            toggle_code(coding.conn, "q0012", "staffing", "carol")
            await pilot.press("f4")
            await pilot.pause()
            assert app.screen is screen and screen.chosen_coder is None and len(screen.page) == 4
            await pilot.press("o")
            await pilot.pause()
            assert "carol" in screen_text(app)
    run(scenario)


def test_opens_on_the_highlighted_code_and_goes_to_a_response(project):
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, coding):
            screen = await open_on(app, pilot, coding, "staffing")
            assert isinstance(screen, SegmentsScreen) and screen.code_id == "staffing"
            assert listed(screen) == [("q0003", "alice", None), ("q0007", "alice", 0)]  # alice's own
            text = screen_text(app)
            assert "1.2 Staff shortages" in text and "1–2 of 2 segments" in text
            await pilot.press("down")
            await pilot.pause()
            # The highlighted span in full below the list.
            assert "q0007 · alice · characters 0–20" in screen_text(app)

            await pilot.press("o", "up", "enter")   # All coders
            await pilot.pause()
            assert screen.chosen_coder is None and len(screen.page) == 3
            assert "1–3 of 3 segments" in screen_text(app)

            coding.filter = ListFilter(status="coded")  # alice's coded: q0009 (bob's) is not listed
            coding.reload_list()
            assert "q0009" not in coding.response_list.ids
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            assert app.screen is coding and coding.response_list.current == "q0009"
            assert coding.filter.describe() == ""   # the filter that hid it is cleared
    run(scenario)


def test_choosing_another_code_and_paging(project):
    conn = open_project(project)
    import_codings(conn, [(f"q{n:04d}", "paperwork") for n in range(1, 41)], "bob")
    import_codings(conn, [(f"q{n:04d}", "paperwork") for n in range(1, 41)], "carol")
    import_codings(conn, [(f"q{n:04d}", "paperwork") for n in range(1, 41)], "dan")
    import_codings(conn, [(f"q{n:04d}", "paperwork") for n in range(1, 41)], "erin")
    import_codings(conn, [(f"q{n:04d}", "paperwork") for n in range(1, 41)], "fay")
    conn.close()
    total = 1 + 5 * 40

    async def scenario():
        async with running(project, coder="zoe") as (app, pilot, _):   # zoe has not coded
            await pilot.press("f4")
            await pilot.pause()
            screen = app.screen
            assert screen.code_id == "caseload"   # nothing highlighted: the first code
            assert "Nothing coded with this code yet" in screen_text(app)
            await pilot.press("c", *["down"] * 3, "enter")   # caseload -> 2.1 paperwork
            await pilot.pause()
            assert screen.code_id == "paperwork" and len(screen.page) == PAGE
            assert f"1–{PAGE} of {total} segments" in screen_text(app) and "n: next page" in screen_text(app)
            await pilot.press("n")
            await pilot.pause()
            assert f"{PAGE + 1}–{total} of {total} segments" in screen_text(app)
            assert "p: previous page" in screen_text(app) and "n: next" not in screen_text(app)
            await pilot.press("p")
            await pilot.pause()
            assert screen.first == 0
    run(scenario)


def test_a_project_without_codes_then_with_a_code_added_while_the_screen_was_closed(tmp_path):
    path = tmp_path / "empty.coder"
    create_project(path).close()

    async def scenario():
        async with running(path) as (app, pilot, _):
            await pilot.press("f4")
            await pilot.pause()
            assert isinstance(app.screen, SegmentsScreen)
            assert "No codes yet" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            conn = open_project(path)
            with transaction(conn):
                add_theme(conn, Theme("t", "1", "Theme"), "alice")
                add_code(conn, Code("new", "t", "1.1", "New code"), "alice")
            conn.close()
            await pilot.press("f4")
            await pilot.pause()
            assert app.screen.code_id == "new" and "1.1 New code" in screen_text(app)
    run(scenario)


def test_opened_again_it_follows_the_highlighted_code_and_what_changed_meanwhile(project):
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, coding):
            screen = await open_on(app, pilot, coding, "staffing")
            await pilot.press("escape")
            await pilot.pause()
            # Coding done meanwhile, on this screen or by another process, is listed.
            other = open_project(project)
            toggle_code(other, "q0011", "staffing", "alice")
            other.close()
            await pilot.press("f4")
            await pilot.pause()
            assert app.screen is screen   # the same screen, kept
            assert ("q0011", "alice", None) in listed(screen)
            # A code chosen here stays chosen while the coding screen's cursor stays put ...
            await pilot.press("c", "down", "down", "enter")   # staffing -> paperwork
            await pilot.pause()
            assert screen.code_id == "paperwork"
            await pilot.press("escape", "f4")
            await pilot.pause()
            assert screen.code_id == "paperwork"
            # ... and the code highlighted there is shown once the cursor moves to it.
            await pilot.press("escape")
            await open_on(app, pilot, coding, "caseload")
            assert screen.code_id == "caseload"
    run(scenario)


@pytest.fixture
def app(project):
    conn = open_project(project)
    yield CoderApp(Session(conn, "alice", project))
    conn.close()


def test_snapshot_80x24(snap_compare, app):
    async def open_segments(pilot):
        await pilot.pause()
        highlight_code(pilot.app.screen, "staffing")
        await pilot.press("f4", "o", "up", "enter", "down")
        await pilot.pause()
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_segments)


@pytest.mark.parametrize("text", ["职场压力很大，工作量太多，需要更多支持和培训。" * 3, "plain words that run on " * 5])
def test_a_segment_cut_to_its_column_ends_in_an_ellipsis_in_any_script(text):
    """Cut by characters, a Chinese text took twice its column and the table cut it again, without "…"."""
    for width in range(4, 40):
        line = _one_line(text, width)
        assert cell_len(line) <= width and line.endswith("…")
