"""Keys typed in one burst (a paste, a fast typist, a remote terminal) right after a key that opens
a field go into the field (coder.tui.typing_ahead), driven through the real app.

The pilot's `press` waits for the screen between keys; a terminal does not. Each burst here is
posted to the app at once, as Textual's driver posts what it reads from the terminal."""

from __future__ import annotations

import pytest
from textual import events
from textual.command import CommandInput
from textual.widgets import Input, TextArea
from tui_driver import run, running, stored_codings
from tui_project import make_project

from coder.store import open_project
from coder.store.memos import get_memo
from coder.tui.screens.note_editor import NoteEditor
from coder.tui.widgets.codebook_panel import CodebookPanel

pytestmark = pytest.mark.slow  # the full UI: `pytest -m "not slow"` skips them

NAMES = {"/": "slash", " ": "space", "\r": "enter", "\x7f": "backspace", "+": "plus"}


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "ui.coder", n=30)


async def typed(app, pilot, keys: str) -> None:
    """Post every key of `keys` to the app at once, then let it handle them."""
    for key in keys:
        app.post_message(events.Key(NAMES.get(key, key), None if key in "\r\x7f" else key))
    await pilot.pause(0.3)


def test_a_search_typed_in_one_burst_is_searched_for_and_codes_nothing(project):
    """"/overnight" put 5.4, 6.4, 4.3 and 6.2 on q0001 ("over"), moved on ("n") and coded q0002."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "/overnight")
            assert screen.query_one("#search", Input).value == "overnight"
            assert coded(project) == [] and screen.response_list.current == "q0001"
            await typed(app, pilot, "\r")
            assert screen.filter.text == "overnight"
            await typed(app, pilot, "/m/")   # the search again, its text selected: keys that open fields are typed
            assert screen.query_one("#search", Input).value == "m/"
            assert app.screen is screen
    run(scenario)


def test_a_memo_typed_in_one_burst_after_m_is_kept_whole(project):
    """"mhello world" saved "o world": what came before the editor had focus was lost."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "mhello world")
            assert isinstance(app.screen, NoteEditor)
            assert app.screen.query_one(TextArea).text == "hello world"
            await pilot.press("escape")
            await pilot.pause()
        assert get_memo_text(project, "response", "q0001") == "hello world"
    run(scenario)


def test_a_code_picked_in_one_burst_after_c_is_searched_for_whole(project):
    """"cstress" showed the picker with "ress"."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "cstaff")
            assert app.screen.query_one(CommandInput).value == "staff"
            assert coded(project) == []
    run(scenario)


def test_code_memo_with_a_theme_highlighted_opens_a_memo_not_a_toast(project):
    """`M` with the panel's cursor on a theme said "highlight a code first", and the memo typed
    after it went to the screen as code keys."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            panel = screen.query_one(CodebookPanel)
            panel.focus()
            await pilot.pause()
            panel.move_cursor(panel.root.children[0], animate=False)   # theme 1
            await pilot.pause()
            assert panel.highlighted_code is None and panel.highlighted_theme is not None
            await typed(app, pilot, "Mnote on it")
            assert isinstance(app.screen, NoteEditor) and app.screen.query_one(TextArea).text == "note on it"
            assert app.screen.title_text.startswith("Memo on theme 1 ")
            assert coded(project) == []
    run(scenario)


def coded(path) -> list[tuple]:
    """Every coding of the first responses a burst of code keys could have reached."""
    return [coding for rid in ("q0001", "q0002", "q0003") for coding in stored_codings(path, rid)]


def get_memo_text(path, target_type: str, target_id: str) -> str | None:
    conn = open_project(path)
    try:
        return get_memo(conn, target_type, target_id, "alice")
    finally:
        conn.close()


def test_a_memo_typed_in_one_burst_on_the_codebook_screen_retires_nothing(project):
    """On F2, "mretire" would have retired the highlighted code with its "r" had the keys after
    "m" reached the screen before the editor."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("f2")
            await pilot.pause()
            codebook = app.screen
            code = codebook.highlighted_code()
            await typed(app, pilot, "mretire it")
            assert isinstance(app.screen, NoteEditor) and app.screen.query_one(TextArea).text == "retire it"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is codebook and not codebook.highlighted_code().retired
            assert code is not None
    run(scenario)


def test_a_code_picked_and_entered_in_one_burst_is_the_code_typed(project):
    """"cpaperw⏎j" put caseload (the first code listed) on the response, not paperwork: the enter
    ran before the search for "paperw" was done, or after the j was typed into it."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "cpaper\rj")
            await pilot.pause(0.5)
            assert app.screen is screen
            assert [c[0] for c in stored_codings(project, "q0001")] == ["paperwork"]
    run(scenario)


def test_backspace_and_enter_in_a_burst_act_where_they_were_typed(project):
    """"/staffX⌫ing" searched "staffXin": the backspace ran after the letters typed behind it."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "/staffX\x7fing")
            assert screen.query_one("#search", Input).value == "staffing"
            await typed(app, pilot, "\r")
            assert screen.filter.text == "staffing"
    run(scenario)


def test_a_new_codes_label_typed_in_one_burst_after_plus_is_kept(project):
    """"+Lunch breaks" opened the new-code form with its label empty: the form's scroll area had
    focus first, and what was typed went nowhere."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await typed(app, pilot, "+Lunch breaks")
            assert app.screen.query_one("#field-label", Input).value == "Lunch breaks"
    run(scenario)
