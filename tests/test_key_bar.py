"""The key bar at the bottom of every screen: the keys that fit on one or two lines, in order, clickable."""

from __future__ import annotations

import pytest
from tui_driver import run, running, screen_text
from tui_project import make_project

from coder.tui.screens.stats_screen import StatsScreen
from coder.tui.widgets.key_bar import KeyBar
from coder.tui.widgets.response_list import ResponseList


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", n=12)


def bar_lines(app) -> list[str]:
    """The key bar's lines as drawn: the screen's last rows, as many as the bar is high."""
    height = app.screen.query_one(KeyBar).size.height
    return screen_text(app).splitlines()[-height:]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_the_coding_screen_shows_every_key_in_order_on_as_few_lines_as_hold_them(project, size):
    async def scenario():
        async with running(project, size=size) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            shown = bar.shown_keys()
            lines = bar_lines(app)
            assert lines[0].lstrip().startswith("? Keys")
            assert len(lines) == (2 if size[0] < 160 else 1)
            assert all(len(line) <= size[0] for line in lines)
            text = " ".join(lines) + " "
            places = [text.find(f" {k.display} {k.description} ") for k in shown]
            assert -1 not in places and places == sorted(places)   # every key, in binding order
    run(scenario)


def test_a_bar_that_cannot_hold_every_key_on_two_lines_leaves_off_the_last(project):
    async def scenario():
        async with running(project, size=(48, 24)) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            shown = bar.shown_keys()
            lines = bar_lines(app)
            assert len(lines) == 2 and all(len(line) <= 48 for line in lines)
            text = " ".join(lines) + " "
            drawn = [k for k in shown if f" {k.display} {k.description} " in text]
            assert 6 <= len(drawn) < len(shown) and drawn == shown[:len(drawn)]
    run(scenario)


def test_clicking_a_key_presses_it_on_either_line(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            listed = screen.query_one(ResponseList)
            before = listed.current
            first, second = bar_lines(app)
            x = first.index(" j Next") + 1
            assert bar.key_at(x, 0) == "j"
            await pilot.click(KeyBar, offset=(x, 0))
            await pilot.pause()
            assert listed.current != before
            x = second.index(" f3 Stats") + 1
            assert bar.key_at(x, 1) == "f3" and bar.key_at(x, 0) != "f3"
            await pilot.click(KeyBar, offset=(x, 1))
            await pilot.pause()
            assert isinstance(app.screen, StatsScreen)
    run(scenario)


def test_each_screen_has_its_own_keys_and_coding_gets_its_back(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            coding = bar_lines(app)
            await pilot.press("f2")
            await pilot.pause()
            assert bar_lines(app) != coding and "Back" in bar_lines(app)[0]
            await pilot.press("escape")
            await pilot.pause()
            assert bar_lines(app) == coding
    run(scenario)


def test_a_side_screen_leaves_its_own_key_off_and_lists_the_others(project):
    """F2 on the codebook screen does nothing: at 80 columns its place on the bar was what F5 lacked."""
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            for key, title in (("f2", "Codebook"), ("f3", "Stats"), ("f5", "Adjudication")):
                await pilot.press(key)
                await pilot.pause()
                shown = {k.key: k.description for k in app.screen.query_one(KeyBar).shown_keys()}
                assert key not in shown
                assert {"f2", "f3", "f4", "f5"} - {key} <= set(shown)
                assert title not in " ".join(bar_lines(app)) and "Adjudication" * (key != "f5") in " ".join(bar_lines(app))
    run(scenario)


def test_in_the_search_box_the_bar_says_what_enter_and_escape_do(project):
    """It showed F2-F5 alone (the screen's own keys are typed there), so nothing said how to
    search or how to leave the box."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            await pilot.press("slash")
            await pilot.pause()
            assert [(shown.key, shown.description) for shown in bar.shown_keys()][:2] == [
                ("enter", "Search"), ("escape", "Cancel")]
            await pilot.press(*"zzzzq", "escape")
            await pilot.pause()
            assert not screen.query_one("#search").has_class("visible") and len(screen.response_list.ids) == 12
    run(scenario)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_under_a_dialog_the_bar_shows_only_the_dialogs_keys(project, size):
    """With the filter dialog or the code picker open the bar still listed the coding screen's keys
    (`/ Search`, `f Filter`, `q Quit`), which do nothing there; and the picker's escape was
    "Exit the command palette", a name the coder never sees for it."""
    async def scenario():
        async with running(project, size=size) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            coding = bar.shown_keys()
            for key, expected in (("f", ["Next field", "Apply", "Cancel"]), ("c", ["Toggle and close", "Close"])):
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is not screen
                assert [shown.description for shown in bar.shown_keys()] == expected, key
                text = "\n".join(screen_text(app).splitlines()[-bar.size.height:])
                assert "Search" not in text and "Quit" not in text and expected[-1] in text, text
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is screen and bar.shown_keys() == coding
                assert "Search" in "\n".join(bar_lines(app))
    run(scenario)
