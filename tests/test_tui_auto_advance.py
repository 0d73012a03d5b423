"""Auto-advance (ctrl+n) under Textual's pilot: when it moves, when it does not, and that
the choice is remembered for the coder."""

from __future__ import annotations

import pytest
from tui_driver import run, running
from tui_project import make_project

pytestmark = pytest.mark.slow  # the full UI


def test_auto_advance_moves_after_coding_on_and_is_remembered(tmp_path):
    project = make_project(tmp_path / "c.coder", n=6)

    async def scenario():
        async with running(project) as (app, pilot, screen):
            ids = screen.response_list.ids
            await pilot.press("1")   # off: coding stays on the response
            await pilot.pause()
            assert screen.response_list.current == ids[0]
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert screen.auto_advance and "auto-advance" in screen.query_one("#progress").text
            await pilot.press("2")   # a second code on the first response: on, so it moves on
            await pilot.pause()
            assert screen.response_list.current == ids[1]
            await pilot.press("k", "1")   # back to the first (coded) and remove code 1: no move
            await pilot.pause()
            assert screen.response_list.current == ids[0]
            await pilot.press("j", "right_square_bracket", "1")   # a span on the second: no move
            await pilot.pause()
            assert screen.response_list.current == ids[1]
            await pilot.press("j", "1")   # the third coded: on to the fourth, the next uncoded
            await pilot.pause()
            assert screen.response_list.current == ids[3]
        async with running(project) as (app, pilot, screen):
            assert screen.auto_advance   # remembered for alice
        async with running(project, coder="bob") as (app, pilot, screen):
            assert not screen.auto_advance   # not for another coder
    run(scenario)
