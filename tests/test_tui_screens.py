"""Moving between the coding, codebook (F2) and stats (F3) screens."""

from __future__ import annotations

import pytest
from tui_driver import run, running
from tui_project import make_project

from coder.tui.screens.codebook_screen import CodebookScreen
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.screens.stats_screen import StatsScreen

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


def test_f2_and_f3_replace_each_other_and_escape_returns_to_coding(tmp_path):
    path = make_project(tmp_path / "screens.coder", n=5)

    async def scenario():
        async with running(path) as (app, pilot, _):
            await pilot.press("f2")
            assert isinstance(app.screen, CodebookScreen)
            for key, screen in [("f3", StatsScreen), ("f2", CodebookScreen), ("f3", StatsScreen)]:
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, screen)
                assert len(app.screen_stack) == 2
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            assert len(app.screen_stack) == 1

    run(scenario)
