"""The stats screen (F3) under Textual's pilot: its numbers are the export library's.

The project is the small export project (tests/export_fixtures.py): counts known
by hand, two coders, suggestions, and a `setting` attribute with a missing value.
Update the snapshots after an intended change with
`pytest tests/test_tui_stats_screen.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest
from export_fixtures import make_small_project
from textual.widgets import DataTable
from tui_driver import running, screen_text

from coder.adjudication import TAKE_A
from coder.adjudication import settle as settle_response
from coder.export import crosstab, load_project_data, theme_chart_data, theme_code_counts
from coder.store import open_project
from coder.tui.app import CoderApp
from coder.tui.screens.stats_screen import StatsScreen
from coder.tui.session import Session
from coder.tui.widgets.bar_chart import BarChart, bar_text

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    return make_small_project(tmp_path / "stats.coder")


def run(scenario):
    asyncio.run(scenario())


async def settle(app, pilot):
    await pilot.pause()
    await app.screen.workers.wait_for_complete()
    await pilot.pause()


async def open_stats(app, pilot) -> StatsScreen:
    await pilot.press("f3")
    await settle(app, pilot)
    assert isinstance(app.screen, StatsScreen)
    return app.screen


def library_table(path, coder, by=None, source="coding", base="coded"):
    conn = open_project(path)
    try:
        data = load_project_data(conn, coder=coder, source=source)
        args = (data.codebook, data.segments, data.attributes)
        return crosstab(*args, by=by, base=base) if by else theme_code_counts(*args, base=base)
    finally:
        conn.close()


def rows_of(grid: DataTable) -> list[list[str]]:
    return [[str(cell).strip() for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


def shown_counts(screen) -> list[tuple[str, str, str, str]]:
    """(label, responses, percent, segments) of every row of the counts table."""
    return [(r[1], r[2], r[3], r[4]) for r in rows_of(screen.query_one("#counts-table", DataTable))]


def expected_counts(table) -> list[tuple[str, str, str, str]]:
    out = []
    for _, row in table.iterrows():
        label = row["code_label"] if row["row"] == "code" else row["theme_label"]
        base = row["row"] == "base"
        out.append((label, str(row["responses"]), "" if base else f"{row['percent']:.1f}",
                    "" if base else str(row["segments"])))
    return out


def test_counts_for_the_coder_then_for_all(project):
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, _):
            screen = await open_stats(app, pilot)
            # r6 is not coded: percentages are of the coded responses, and the screen says so.
            assert screen.choice.coder == "alice" and screen.choice.base == "coded"
            shown = shown_counts(screen)
            assert shown == expected_counts(library_table(project, "alice"))
            # By hand (alice): caseload r1 r3 = 2 of 5 coded (40.0%) in 3 segments.
            assert ("Caseload", "2", "40.0", "3") in shown
            assert "5 of 6 responses coded (83.3%)" in screen_text(app)
            assert "% of the 5 coded responses" in screen_text(app)

            await pilot.press("p", "down", "enter")  # percent base: coded -> all
            await settle(app, pilot)
            assert screen.choice.base == "all"
            shown = shown_counts(screen)
            assert shown == expected_counts(library_table(project, "alice", base="all"))
            assert ("Caseload", "2", "33.3", "3") in shown  # 2 of 6
            assert "% of all 6 responses" in screen_text(app)

            await pilot.press("o", "up", "enter")  # "All coders" is above alice
            await settle(app, pilot)
            assert screen.choice.coder is None
            shown = shown_counts(screen)
            assert shown == expected_counts(library_table(project, None, base="all"))
            assert ("Caseload", "3", "50.0", "5") in shown and ("Workload", "3", "50.0", "7") in shown
            assert ("Old code (retired)", "1", "16.7", "1") in shown
    run(scenario)


def test_everyones_counts_say_where_the_consensus_replaced_the_coders_codings(project):
    conn = open_project(project)
    settle_response(conn, "r1", "alice", "bob", TAKE_A, "lead")
    conn.close()

    async def scenario():
        async with running(project, coder="alice") as (app, pilot, _):
            screen = await open_stats(app, pilot)
            assert "consensus:" not in screen_text(app)     # alice's own coding: nothing replaced
            await pilot.press("o", "up", "enter")           # all coders
            await settle(app, pilot)
            assert screen.choice.coder is None
            text = " ".join(screen_text(app).split())
            assert "consensus: 1 response settled in adjudication (F5)" in text
            assert shown_counts(screen) == expected_counts(library_table(project, None))
    run(scenario)


def test_counts_of_another_coder_and_of_suggestions(project):
    async def scenario():
        async with running(project, coder="carol") as (app, pilot, _):
            screen = await open_stats(app, pilot)
            assert screen.choice.coder is None  # carol has not coded: everyone's counts
            await pilot.press("o", "down", "down", "enter")  # All coders, alice, bob
            await settle(app, pilot)
            assert screen.choice.coder == "bob"
            assert shown_counts(screen) == expected_counts(library_table(project, "bob"))
            await pilot.press("s", "down", "enter")  # coding -> suggestions
            await settle(app, pilot)
            assert screen.choice.source == "suggestions"
            assert shown_counts(screen) == expected_counts(
                library_table(project, "bob", source="suggestions"))
            assert not screen.query_one("#coder").disabled   # whose rejections to leave out
    run(scenario)


def test_crosstab_and_chart_by_an_attribute(project):
    async def scenario():
        async with running(project, coder="alice", size=(100, 30)) as (app, pilot, _):
            screen = await open_stats(app, pilot)
            read_before = [id(data) for data in screen._loaded.values()]
            await pilot.press("3")
            assert "Choose an attribute" in screen_text(app)
            await pilot.press("b", "down", "enter")  # first attribute: setting
            await settle(app, pilot)
            assert screen.choice.by == "setting"
            # Counted again, not read again: the same data object serves the new attribute.
            assert [id(data) for data in screen._loaded.values()] == read_before
            grid = screen.query_one("#crosstab-table", DataTable)
            headers = [str(c.label) for c in grid.columns.values()]
            assert headers == ["Index", "Theme / code", "All", "adults", "children", "(missing)",
                               "χ² p", "Note"]
            table = library_table(project, "alice", by="setting")
            shown = rows_of(grid)
            for (_, row), cells in zip(table.iterrows(), shown, strict=True):
                for value, cell in zip(["adults", "children", "(missing)"], cells[3:6]):
                    n = row[f"responses [setting={value}]"]
                    pct = row[f"percent [setting={value}]"]
                    assert cell == (str(n) if row["row"] == "base" else
                                    f"{n} (–)" if math.isnan(pct) else f"{n} ({pct:.1f}%)")
                p = row["p"]
                assert cells[6] == ("" if p == "" else "<0.001" if p < 0.001 else f"{p:.3f}")
            # By hand: alice's caseload is r1 (children) and r3 (adults): 1 of 3 adults, 1 of 2
            # children coded; r6, the one missing a setting, is not coded: no percent base.
            caseload = next(cells for cells in shown if cells[1] == "Caseload")
            assert caseload[3:6] == ["1 (33.3%)", "1 (50.0%)", "0 (–)"]

            await pilot.press("2")
            await pilot.pause()
            chart = screen.query_one(BarChart)
            expected = theme_chart_data(table, "setting")
            assert chart.series == list(expected.columns)
            assert [g.label for g in chart.groups] == list(expected.index)
            # (missing) has no coded response: no percentage (NaN) in the library and the chart alike.
            np.testing.assert_array_equal([list(g.values) for g in chart.groups], expected.to_numpy())
            text = screen_text(app)
            assert "% of coded responses per theme by setting" in text and "1 Workload" in text
    run(scenario)


def test_stats_follow_new_coding(project):
    """Codes applied on the coding screen count when the stats screen is shown again
    (the same screen, kept between opens, with its data counted again)."""
    async def scenario():
        async with running(project, coder="alice") as (app, pilot, _):
            first = await open_stats(app, pilot)
            await pilot.press("escape")
            await pilot.pause()
            app.screen.response_list.move_to(app.screen.response_list.ids.index("r6"))
            await pilot.press("1")  # caseload on r6
            screen = await open_stats(app, pilot)
            assert screen is first
            assert ("Caseload", "3", "50.0", "4") in shown_counts(screen)
    run(scenario)


def test_bar_text():
    assert bar_text(50, 100, 10) == "█" * 5
    assert bar_text(100, 100, 4) == "████"
    assert bar_text(1, 8, 1) == "▏"
    assert bar_text(0, 100, 10) == "" and bar_text(float("nan"), 100, 10) == ""
    assert bar_text(5, 0, 10) == ""


@pytest.fixture
def app(project):
    conn = open_project(project)
    yield CoderApp(Session(conn, "alice", project))
    conn.close()


async def _open_stats(pilot, *keys):
    await pilot.press("f3")
    await settle(pilot.app, pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot.app, pilot)


def test_snapshot_counts_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_stats)


def test_snapshot_crosstab_large_light(snap_compare, app):
    async def light_crosstab(pilot):
        pilot.app.theme = "textual-light"
        await _open_stats(pilot, "b", "down", "enter", "3")
    assert snap_compare(app, terminal_size=(140, 40), run_before=light_crosstab)


def test_snapshot_chart_large(snap_compare, app):
    async def chart(pilot):
        await _open_stats(pilot, "b", "down", "enter", "2")
    assert snap_compare(app, terminal_size=(140, 40), run_before=chart)


def test_an_open_choice_is_framed_over_the_tabs(project):
    """The coder list (`o`) opens framed and opaque, not as bare words over the tab labels."""
    async def scenario():
        async with running(project, coder="alice", size=(80, 24)) as (app, pilot, _):
            screen = await open_stats(app, pilot)
            await pilot.press("o")
            await pilot.pause()
            overlay = screen.query_one("#coder").query_one("SelectOverlay")
            assert overlay.display and overlay.styles.border.top[0] == "round"
            assert "╭" in screen_text(app).splitlines()[4]
            await pilot.press("escape", "p")   # the percent base's, at the right edge, ran 6 columns past it
            await pilot.pause()
            overlay = screen.query_one("#base").query_one("SelectOverlay")
            assert overlay.display and overlay.region.right <= 80 and "all" in screen_text(app)
    run(scenario)


def test_a_tab_key_focuses_its_table_so_the_arrows_scroll_it(project):
    """After choosing an attribute (b) and pressing 3, the arrows went to the By choice (down
    reopened its list) and the crosstab's χ² p and Note columns stayed out of reach at 80 columns."""
    async def scenario():
        async with running(project, coder="alice", size=(80, 24)) as (app, pilot, _):
            screen = await open_stats(app, pilot)
            await pilot.press("b", "down", "enter")
            await settle(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            grid = screen.query_one("#crosstab-table", DataTable)
            assert app.focused is grid
            await pilot.press("down", *["right"] * 12)
            await pilot.pause()
            assert not screen.query_one("#by").expanded
            assert grid.cursor_row == 1 and grid.scroll_x > 0
            await pilot.press("ctrl+pagedown")
            await pilot.pause()
            assert "χ² p" in screen_text(app)
            await pilot.press("1")
            assert app.focused is screen.query_one("#counts-table", DataTable)
            await pilot.press("2")
            assert app.focused is screen.query_one(BarChart).parent
    run(scenario)
