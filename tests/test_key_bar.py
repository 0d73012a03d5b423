"""The key bar at the bottom of every screen: the keys that fit, in order, clickable."""

from __future__ import annotations

import pytest
from tui_driver import run, running, screen_text
from tui_project import make_project

from coder.tui.widgets.key_bar import KeyBar
from coder.tui.widgets.response_list import ResponseList


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", n=12)


def bar_line(app) -> str:
    return screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_the_bar_shows_the_keys_that_fit_in_order_starting_with_the_list_of_all_keys(project, size):
    async def scenario():
        async with running(project, size=size) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            shown = bar.shown_keys()
            line = bar_line(app)
            assert line.lstrip().startswith("? Keys")
            drawn = [k for k in shown if f" {k.display} {k.description} " in line]
            assert drawn == shown[:len(drawn)] and len(drawn) >= 6
            assert len(line) <= size[0]
            if size[0] >= 160:
                assert len(drawn) == len(shown)
    run(scenario)


def test_clicking_a_key_presses_it(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            listed = screen.query_one(ResponseList)
            before = listed.current
            x = bar_line(app).index(" j Next") + 1
            assert bar.key_at(x) == "j"
            await pilot.click(KeyBar, offset=(x, 0))
            await pilot.pause()
            assert listed.current != before
    run(scenario)


def test_each_screen_has_its_own_keys_and_coding_gets_its_back(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            coding = bar_line(app)
            await pilot.press("f2")
            await pilot.pause()
            assert bar_line(app) != coding and "Back" in bar_line(app)
            await pilot.press("escape")
            await pilot.pause()
            assert bar_line(app) == coding
    run(scenario)
