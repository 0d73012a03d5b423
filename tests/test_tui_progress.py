"""The progress line at the top of the coding screen keeps what matters when it is narrow."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_driver import run, running, screen_text
from tui_project import make_project


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", n=12)


async def _filter_and_auto_advance(pilot, screen, word: str) -> None:
    await pilot.press("ctrl+n")
    await pilot.press("slash")
    screen.query_one("#search", Input).value = word
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("width", [80, 160])
def test_the_list_size_and_its_filter_stay_on_the_line_at_any_width(project, width):
    async def scenario():
        async with running(project, size=(width, 24)) as (app, pilot, screen):
            word = " ".join(screen.query_one("#view").text.split()[:4])   # a long filter
            await _filter_and_auto_advance(pilot, screen, word)
            top = screen_text(app).splitlines()[0].rstrip()
            listed = len(screen.response_list.ids)
            assert f"list {listed:,} [" in top and word in top and top.count("]") == 1
            assert "auto" in top and "coded 0/12" in top
            assert len(top) <= width
            if width >= 160:   # room for everything, in reading order
                assert "(0%)" in top and top.index("themes") < top.index("list")
            else:              # the per-theme counts are cut first
                assert "(0%)" not in top and ("themes" not in top or top.index("list") < top.index("themes"))
    run(scenario)
