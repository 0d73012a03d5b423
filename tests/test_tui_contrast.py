"""Every highlight the coding view draws is readable: WCAG contrast of at least 4.5 between
its text and its background, in every theme the app offers, worked out from the styles."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from tui_driver import run, running
from textual.widgets import DataTable, OptionList
from tui_project import kw, make_project, write_run

from coder.coding import toggle_code
from coder.colours import PALETTE
from coder.store import open_project
from coder.tui.colours import text_on
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.codebook_tree import CodebookTree
from coder.tui.widgets.key_bar import KeyBar
from coder.tui.widgets.response_view import ResponseView
from coder.tui.widgets.suggestions_panel import SuggestionsPanel

pytestmark = pytest.mark.slow  # the full UI


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def assert_readable_focused_or_not(app, pilot, widget, component: str, themes: list[str]) -> None:
    """A widget's component (a cursor row) reads at 4.5:1 or more in each theme, focused and not."""
    for theme in themes:
        app.theme = theme
        for focused in (True, False):
            if focused:
                widget.focus()
            else:
                app.screen.set_focus(None)
            await pilot.pause()
            style = widget.get_component_rich_style(component)
            foreground, background = (c.get_truecolor().hex for c in (style.color, style.bgcolor))
            assert contrast(foreground, background) >= 4.5, (theme, focused, foreground, background)


@pytest.mark.parametrize("colour", PALETTE + ["#000000", "#ffffff", "#777777", "#ff0000", "#0000ff", "#00ff00"])
def test_text_on_any_code_colour_is_readable(colour):
    assert contrast(text_on(colour), colour) >= 4.5


def test_selected_text_is_readable_in_every_theme(tmp_path):
    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project) as (app, pilot, screen):
            app.console._color_system = ColorSystem.TRUECOLOR   # not the TERM the tests run in
            view = screen.query_one(ResponseView)
            themes = sorted(app.available_themes)
            assert len(themes) > 5
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                style = view._selection_style().rich_style
                if theme.startswith("ansi"):   # the terminal's own colours, reversed (test_tui_terminals)
                    assert style.reverse, theme
                    continue
                foreground, background = (c.get_truecolor().hex for c in (style.color, style.bgcolor))
                assert contrast(foreground, background) >= 4.5, (theme, foreground, background)
    run(scenario)


def test_side_screen_table_cursor_is_readable_in_every_theme(tmp_path):
    """The cursor row of a side screen's table (F3's counts), focused or not."""
    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project) as (app, pilot, _):
            await pilot.press("f3")
            await pilot.pause()
            await app.screen.workers.wait_for_complete()
            grid = app.screen.query_one("#counts-table", DataTable)
            await assert_readable_focused_or_not(app, pilot, grid, "datatable--cursor", sorted(app.available_themes))
    run(scenario)


def test_the_highlighted_suggestion_is_readable_in_every_theme(tmp_path):
    """The suggestion enter would accept, with the suggestions panel focused or not."""
    project = make_project(tmp_path / "c.coder", n=3)
    write_run(project, [kw("q0001", "caseload", 0.9), kw("q0001", "staffing", 0.8)])

    async def scenario():
        async with running(project) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            assert panel.highlighted_code == "caseload"
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]
            await assert_readable_focused_or_not(app, pilot, panel, "suggestions-panel--cursor", themes)
    run(scenario)


def test_the_cursor_rows_of_the_response_list_and_the_codebook_are_readable_in_every_theme(tmp_path):
    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project) as (app, pilot, screen):
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]
            await assert_readable_focused_or_not(app, pilot, screen.response_list, "response-list--cursor", themes)
            await assert_readable_focused_or_not(app, pilot, screen.query_one(CodebookPanel), "tree--cursor", themes)
            await pilot.press("f2")
            await pilot.pause()
            await assert_readable_focused_or_not(app, pilot, app.screen.query_one(CodebookTree), "tree--cursor", themes)
    run(scenario)


def test_every_mark_on_the_list_cursor_row_reads_on_it(tmp_path):
    """The row's ● ◆ ○ marks and code indexes keep their colours where those read on the cursor,
    and turn black or white where they would not (green, amber or grey on blue did not)."""
    project = make_project(tmp_path / "c.coder", n=4)
    write_run(project, [kw("q0002", "caseload", 0.9)])
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]
            for theme in themes:
                app.theme = theme
                for row in range(3):   # coded, suggested, neither
                    screen.response_list.move_to(row)
                    for focused in (True, False):
                        screen.response_list.focus() if focused else app.screen.set_focus(None)
                        await pilot.pause()
                        screen.response_list._strips.clear()
                        for segment in screen.response_list.render_line(row):
                            if segment.text.strip():
                                colours = (segment.style.color, segment.style.bgcolor)
                                ratio = contrast(*(c.get_truecolor().hex for c in colours))
                                assert ratio >= 4.5, (theme, row, focused, segment.text)
    run(scenario)


def test_the_key_bar_is_readable_in_every_theme(tmp_path):
    """Keys and what they do, on the bar at the bottom of the screen (ANSI themes use the
    terminal's own palette, which only the terminal knows)."""
    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project) as (app, pilot, screen):
            bar = screen.query_one(KeyBar)
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]
            assert len(themes) > 5
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                background = bar.rich_style.bgcolor.get_truecolor().hex
                for style in (bar.get_component_rich_style("key-bar--key"), bar.rich_style):
                    foreground = style.color.get_truecolor().hex
                    assert contrast(foreground, background) >= 4.5, (theme, foreground, background)
    run(scenario)


def test_the_highlighted_response_of_the_adjudication_list_is_readable_in_every_theme(tmp_path):
    """F5's list of double-coded responses, focused or not."""
    project = make_project(tmp_path / "c.coder", n=3)
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "bob")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            await pilot.press("f5")
            await pilot.pause()
            listing = app.screen.query_one("#responses", OptionList)
            assert listing.option_count == 1
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]
            await assert_readable_focused_or_not(app, pilot, listing, "option-list--option-highlighted", themes)
    run(scenario)


def test_a_focused_choice_on_a_side_screen_shows_it(tmp_path):
    """F3's compact choices marked focus by one step of grey (234 to 235): a focused one now takes
    the cursor's colours, which stand apart from the unfocused field and read at 4.5:1."""
    from textual.widgets import Select

    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project, size=(120, 30)) as (app, pilot, screen):
            await pilot.press("f3")
            await pilot.pause()
            choice = app.screen.query(Select).first()
            current = choice.query_one("SelectCurrent")
            app.screen.set_focus(None)
            await pilot.pause()
            plain = current.rich_style.bgcolor.get_truecolor().hex
            choice.focus()
            await pilot.pause()
            focused = current.rich_style
            background = focused.bgcolor.get_truecolor().hex
            assert contrast(background, plain) >= 1.5, (background, plain)
            assert contrast(focused.color.get_truecolor().hex, background) >= 4.5
    run(scenario)


def test_placeholders_and_inactive_tabs_read_wherever_the_theme_text_does(tmp_path):
    """Themes draw them at half strength: 3.4:1 in textual-dark, 2.0-3.5 elsewhere (F3's tabs, the
    search field's and the code picker's hints)."""
    from textual.widgets import Input, Tab

    project = make_project(tmp_path / "c.coder", n=3)

    def ratio(style, fallback) -> float:
        return contrast(style.color.get_truecolor().hex, (style.bgcolor or fallback).get_truecolor().hex)

    async def scenario():
        async with running(project) as (app, pilot, _):
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]

            def own_text_reads() -> bool:   # the theme's own text reads less (solarized): its hints are its text
                variables = app.get_css_variables()
                return contrast(variables["foreground"][:7], variables["surface"][:7]) >= 5.2

            await pilot.press("f3")
            await pilot.pause()
            tab = next(t for t in app.screen.query(Tab) if not t.has_class("-active"))
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                assert not own_text_reads() or ratio(tab.rich_style, None) >= 4.5, (theme, "tab")
            await pilot.press("escape", "slash")
            await pilot.pause()
            field = app.screen.query_one("#search", Input)
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                placeholder = field.get_component_rich_style("input--placeholder")
                assert not own_text_reads() or ratio(placeholder, field.rich_style.bgcolor) >= 4.5, (theme, "hint")
    run(scenario)


def test_prompts_buttons_checkbox_labels_and_codebook_counts_read_in_every_theme(tmp_path):
    """A choice's prompt while nothing is chosen and its arrow ("Select", "attribute", F3's "By
    (none)"): 4.2:1 in textual-dark, 3.0 in textual-light; the filter dialog's Apply button 3.8 in
    textual-dark, its focused checkbox's label 3.8; F2's counts "(31)" 4.4 in textual-light."""
    from rich.style import Style
    from textual.widgets import Button, Checkbox, Select

    from coder.tui.screens.filter_dialog import FilterDialog

    project = make_project(tmp_path / "c.coder", n=3)

    def ratio(style) -> float:
        return contrast(*(c.get_truecolor().hex for c in (style.color, style.bgcolor)))

    def prompts(screen) -> list:
        """The label and arrow of each choice with nothing chosen."""
        return [part for select in screen.query(Select) if select.value is Select.NULL and not select.disabled
                for part in select.query("SelectCurrent Static#label, SelectCurrent .down-arrow")]

    async def scenario():
        async with running(project) as (app, pilot, _):
            themes = [t for t in sorted(app.available_themes) if not t.startswith("ansi")]

            def own_text_reads() -> bool:   # as in the test above: solarized's own text reads less
                variables = app.get_css_variables()
                return contrast(variables["foreground"][:7], variables["surface"][:7]) >= 5.2

            await pilot.press("f")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, FilterDialog)
            apply, tick = dialog.query_one("#apply", Button), dialog.query_one("#queue", Checkbox)
            tick.focus()
            assert len(prompts(dialog)) >= 6
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                for part in prompts(dialog):
                    assert not own_text_reads() or ratio(part.rich_style) >= 4.5, (theme, "prompt", part)
                assert ratio(apply.rich_style) >= 4.5, (theme, "apply")
                assert ratio(tick.get_component_rich_style("toggle--label")) >= 4.5, (theme, "checkbox")
            await pilot.press("escape", "f3")
            await pilot.pause()
            assert prompts(app.screen)   # By (none)
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                for part in prompts(app.screen):
                    assert not own_text_reads() or ratio(part.rich_style) >= 4.5, (theme, "F3 prompt", part)
            await pilot.press("f2")
            await pilot.pause()
            tree = app.screen.query_one(CodebookTree)
            node = tree.get_node_at_line(tree.cursor_line + 1)
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                label = tree.render_label(node, tree.rich_style, tree.rich_style)
                count = next(span.style for span in label.spans if label.plain[span.start:span.end] == " (0)")
                count = Style.parse(count) if isinstance(count, str) else count
                # Not dimmed, which Textual draws at half strength (4.4:1 in textual-light), but muted.
                assert count.color is not None and not count.dim, (theme, "count", count)
                colour = count.color.get_truecolor().hex
                background = tree.rich_style.bgcolor.get_truecolor().hex
                assert not own_text_reads() or contrast(colour, background) >= 4.5, (theme, "count")
    run(scenario)


def test_a_dialogs_keys_are_drawn_in_full_colour(tmp_path):
    """Under the filter dialog or help the key bar was dimmed with the screen behind (2.2-2.9:1):
    a dialog draws its own bar, above its backdrop."""
    project = make_project(tmp_path / "c.coder", n=3)

    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            app.console._color_system = ColorSystem.TRUECOLOR
            for key in ("f", "question_mark"):
                await pilot.press(key)
                await pilot.pause()
                bar = app.screen.query_one(KeyBar)
                for style in (bar.rich_style, bar.get_component_rich_style("key-bar--key")):
                    foreground = style.color.get_truecolor().hex
                    background = (style.bgcolor or bar.rich_style.bgcolor).get_truecolor().hex
                    assert contrast(foreground, background) >= 4.5, (key, foreground, background)
                await pilot.press("escape")
                await pilot.pause()
    run(scenario)
