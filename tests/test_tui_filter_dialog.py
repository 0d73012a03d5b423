"""The filter dialog (`f`) under the pilot: opened again, it shows the filter in force."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from tui_driver import run, running
from tui_project import make_project

pytestmark = pytest.mark.slow  # the full UI


def test_reopened_it_shows_the_attribute_value_in_force(tmp_path):
    """Opened again, the dialog offered the attribute but had dropped its value: applying it
    unchanged then cleared the attribute filter."""
    path = make_project(tmp_path / "filter.coder", n=100)   # 88 of 2014, 12 of 2009

    async def scenario():
        async with running(path) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            app.screen.query_one("#attr_name", Select).value = "year"
            await pilot.pause()
            app.screen.query_one("#attr_value", Select).value = "2009"
            await pilot.click("#apply")
            await pilot.pause()
            filtered = list(screen.response_list.ids)
            assert len(filtered) == 12
            await pilot.press("f")
            await pilot.pause()
            assert app.screen.query_one("#attr_name", Select).value == "year"
            assert app.screen.query_one("#attr_value", Select).value == "2009"
            await pilot.click("#apply")   # applied as it stands: the same filter
            await pilot.pause()
            assert screen.filter.attribute == ("year", "2009") and screen.response_list.ids == filtered
            await pilot.press("f")
            await pilot.pause()
            app.screen.query_one("#attr_name", Select).value = "setting"   # another attribute: its own values
            await pilot.pause()
            assert app.screen.query_one("#attr_value", Select).value is Select.NULL
    run(scenario)


def test_its_keys_are_shown_and_ctrl_s_applies(tmp_path):
    """The key bar showed only "esc Cancel": nothing said how to move between fields or apply."""
    from tui_driver import screen_text

    path = make_project(tmp_path / "filter.coder", n=100)

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            assert "tab Next field  ^s Apply  esc Cancel" in screen_text(app).splitlines()[-1]
            app.screen.query_one("#attr_name", Select).value = "year"
            await pilot.pause()
            app.screen.query_one("#attr_value", Select).value = "2009"
            await pilot.press("tab", "ctrl+s")
            await pilot.pause()
            assert screen.filter.attribute == ("year", "2009") and len(screen.response_list.ids) == 12
    run(scenario)


def test_most_uncertain_first_with_status_coded_is_refused_with_why(tmp_path):
    """The queue lists uncoded responses: with status "coded" the dialog applied an always empty list."""
    from textual.widgets import Checkbox

    path = make_project(tmp_path / "filter.coder", n=20)

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            dialog = app.screen
            dialog.query_one("#status", Select).value = "coded"
            dialog.query_one("#queue", Checkbox).value = True
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is dialog and not screen.filter.queue   # still open, nothing applied
            assert [n.message for n in app._notifications][-1].startswith("Most uncertain first lists uncoded")
            dialog.query_one("#status", Select).value = "uncoded"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen and screen.filter.queue and screen.filter.status == "uncoded"
    run(scenario)
