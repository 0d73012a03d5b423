"""F2-F5 while a dialog or a choice's open list is in front: the keys do nothing until it is
closed, rather than putting another screen under it (or in front of a list left open)."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from tui_driver import run, running
from tui_project import make_project

from coder.coding import toggle_code
from coder.store import open_project
from coder.tui.screens.coding_screen import CodingScreen

pytestmark = pytest.mark.slow  # the full UI

SCREEN_KEYS = ("f2", "f3", "f4", "f5")


def _stack(app) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack]


@pytest.fixture
def project(tmp_path):
    path = make_project(tmp_path / "keys.coder", n=6)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "bob")
    conn.close()
    return path


@pytest.mark.parametrize("opener, dialog", [("f", "FilterDialog"), ("m", "NoteEditor"),
                                            ("c", "CodePickerPalette")])
def test_under_a_dialog_the_screen_keys_do_nothing(project, opener, dialog):
    async def scenario():
        async with running(project, "lead", size=(80, 24)) as (app, pilot, screen):
            await pilot.press(opener)
            await pilot.pause()
            assert _stack(app) == ["CodingScreen", dialog]
            for key in SCREEN_KEYS:
                await pilot.press(key)
                await pilot.pause()
                assert _stack(app) == ["CodingScreen", dialog], key
            await pilot.press("escape" if opener != "m" else "ctrl+g")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            await pilot.press("f3")   # closed, they work again
            await pilot.pause()
            assert _stack(app) == ["CodingScreen", "StatsScreen"]
    run(scenario)


@pytest.mark.parametrize("side, opener, choice", [("f5", "s", "#coder-a"), ("f3", "o", "#coder")])
def test_with_a_choice_open_the_screen_keys_do_nothing(project, side, opener, choice):
    """A side screen's coder choice, open, stayed open under the screen F2-F4 put in front,
    and was still open on coming back."""
    async def scenario():
        async with running(project, "lead", size=(80, 24)) as (app, pilot, screen):
            await pilot.press(side)
            await pilot.pause()
            shown = app.screen
            await pilot.press(opener)
            await pilot.pause()
            select = shown.query_one(choice, Select)
            assert select.expanded
            for key in SCREEN_KEYS:
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is shown and select.expanded, key
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is shown and not select.expanded
            await pilot.press("f2")
            await pilot.pause()
            assert _stack(app) == ["CodingScreen", "CodebookScreen"]
    run(scenario)
