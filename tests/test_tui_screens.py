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


def test_the_list_shows_survey_tools_long_ids_or_shortens_them_in_the_middle(tmp_path):
    """Qualtrics ids have 17 characters and differ anywhere: the list showed their first 14
    with no mark, so R_2f46ec7c74fb1aa and R_2f46ec7c74fb1bb read alike."""
    from tui_driver import screen_text

    from coder.store import open_project, transaction
    from coder.store.responses import insert_responses
    from coder.tui.widgets.response_list import shortened_id

    assert shortened_id("R_2f46ec7c74fb1aa", 20) == "R_2f46ec7c74fb1aa"
    assert shortened_id("R_2f46ec7c74fb1aa", 10) == "R_2f46…1aa"
    path = make_project(tmp_path / "q.coder", n=2)
    conn = open_project(path)
    with transaction(conn):
        insert_responses(conn, [("R_2f46ec7c74fb1aa", "one answer", {}), ("R_2f46ec7c74fb1bb", "another", {})])
    conn.close()

    async def scenario():
        async with running(path, size=(160, 40)) as (app, pilot, screen):
            await pilot.pause()
            text = screen_text(app)
            assert "R_2f46ec7c74fb1aa" in text and "R_2f46ec7c74fb1bb" in text
        async with running(path, size=(60, 24)) as (app, pilot, screen):
            await pilot.pause()
            text = screen_text(app)
            assert "…aa " in text and "…bb " in text   # told apart by their ends
    run(scenario)


def test_a_side_screens_key_list_has_the_keys_the_key_bar_leaves_off(tmp_path):
    """? listed only the keys the key bar shows: F2's list lacked ctrl+r, j / k and enter, F3's
    its tab keys 1-3 and r, F4's n / p (shown on the bar only when there is such a page)."""
    from coder.tui.screens.help_screen import HelpScreen

    path = make_project(tmp_path / "k.coder", n=3)
    # The screens' own keys say what they do, not just the key bar's word ("v Move").
    wanted = {"f2": [("^r", "Redo"), ("↓ / j", "Cursor Down"), ("↑ / k", "Cursor Up"),
                     ("e / ⏎", "Edit the highlighted theme or code: label, index, definition, rules, keywords, "
                               "colour, key"),
                     ("a", "Add a code to the highlighted theme"), ("v", "Move the highlighted code to another theme")],
              "f3": [("1", "Counts"), ("2", "Chart"), ("3", "Crosstab"), ("r", "Recount"),
                     ("b", "Split the counts by an attribute (the crosstab tab)")],
              "f4": [("n", "Next page"), ("p", "Previous page"), ("⏎", "Go to"),
                     ("c", "Choose the code whose segments are listed")]}

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            for key, rows in wanted.items():
                await pilot.press(key)
                await pilot.pause()
                await pilot.press("question_mark")
                await pilot.pause()
                assert isinstance(app.screen, HelpScreen)
                listed = app.screen.keys
                assert all(row in listed for row in rows), (key, [row for row in rows if row not in listed])
                assert len({what for _, what in listed}) == len(listed), listed   # each once
                await pilot.press("escape")
                await pilot.pause()
    run(scenario)


def test_a_side_screens_keys_are_listed_as_the_coding_screens_are(tmp_path):
    """? on F2-F5 opened Textual's own panel: the tree's arrow keys first, the screen's own keys
    below the fold at 80x24, and no word on how to close it."""
    from textual.widgets import Static
    from tui_driver import screen_text

    from coder.tui.screens.help_screen import HelpScreen

    path = make_project(tmp_path / "k.coder", n=3)

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            for key, own in (("f2", "Add a code to the highlighted theme"),
                             ("f3", "Count human coding, machine suggestions or both")):
                await pilot.press(key)
                await pilot.pause()
                side = app.screen
                await pilot.press("question_mark")
                await pilot.pause()
                assert isinstance(app.screen, HelpScreen)
                listed = [str(s.render()) for s in app.screen.query(Static)]
                assert own in listed and "Back" in listed and "escape, q or ? closes" in screen_text(app)
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is side
    run(scenario)
