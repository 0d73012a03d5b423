"""The UI in terminals of 16 colours and in ANSI themes (found driving it in tmux with TERM=xterm):
keys drawn bright red on bright grey (1:1), a cursor row in white on a light terminal."""

from __future__ import annotations

import pytest
from tui_driver import run, running
from tui_project import make_project

from coder.store import open_project
from coder.tui.app import CoderApp
from coder.tui.session import Session
from coder.tui.widgets.response_list import ResponseList


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", n=6)


@pytest.mark.parametrize("term,colorterm,theme,expected", [
    ("xterm", None, None, "ansi-dark"),               # 16 colours: the terminal's own palette
    ("xterm-256color", None, None, "textual-dark"),
    ("xterm", "truecolor", None, "textual-dark"),
    ("xterm", None, "nord", "nord"),                  # a theme asked for is kept
])
def test_a_terminal_of_16_colours_is_drawn_in_its_own_palette(project, monkeypatch, term, colorterm, theme,
                                                              expected):
    monkeypatch.setenv("TERM", term)
    for name, value in (("COLORTERM", colorterm), ("TEXTUAL_THEME", theme), ("TEXTUAL_COLOR_SYSTEM", None)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setattr("textual.constants.DEFAULT_THEME", theme or "textual-dark")
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "auto")
    conn = open_project(project)
    try:
        app = CoderApp(Session(conn, "alice", project))
        app.theme = theme or "textual-dark"
        app.suit_terminal()
        assert app.theme == expected
    finally:
        conn.close()


@pytest.mark.parametrize("theme", ["ansi-light", "ansi-dark"])
def test_in_an_ansi_theme_the_list_keeps_the_terminals_colours(project, theme):
    """The blurred cursor row and the status marks were forced to white (unseen on a light terminal)."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            app.theme = theme
            await pilot.press("j", "tab")
            await pilot.pause()
            listing = screen.query_one(ResponseList)
            assert not listing.has_focus
            row = listing.render_line(listing.cursor - listing.scroll_offset.y)
            styles = [segment.style for segment in row if segment.text.strip()]
            assert styles and all(style.reverse for style in styles)
            assert not any(style.color is not None and style.color.triplet is not None for style in styles)
    run(scenario)


def test_a_theme_the_coder_chose_is_theirs_next_time(project, monkeypatch):
    """A theme picked with ctrl+p (a light one, on a light terminal) was gone at the next start."""
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)

    async def choose():
        async with running(project, coder="alice") as (app, pilot, _):
            app.theme = "textual-light"
            await pilot.pause()
    run(choose)
    conn = open_project(project)
    try:
        themes = {}
        for coder in ("alice", "bob"):
            app = CoderApp(Session(conn, coder, project))
            app.suit_terminal()
            themes[coder] = app.theme
        assert themes["alice"] == "textual-light" and themes["bob"] != "textual-light"
        monkeypatch.setenv("TEXTUAL_THEME", "nord")      # asked for by name: that one
        app = CoderApp(Session(conn, "alice", project))
        before = app.theme
        app.suit_terminal()
        assert app.theme == before
    finally:
        conn.close()


def test_on_an_ansi_cursor_row_the_marks_take_the_rows_text_colour(project):
    """ansi-dark's focused cursor row is black on white: green codes were 1.7:1, the ○ unseen."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            app.theme = "ansi-dark"
            await pilot.press("1")
            await pilot.pause()
            listing = screen.query_one(ResponseList)
            listing.focus()
            await pilot.pause()
            row = listing.render_line(listing.cursor - listing.scroll_offset.y)
            colours = {segment.style.color for segment in row if segment.text.strip()}
            assert len(colours) == 1, colours
    run(scenario)


@pytest.mark.parametrize("theme,colours", [("ansi-light", "truecolor"), ("ansi-dark", "truecolor"),
                                           ("textual-light", "standard"), ("textual-dark", "standard")])
def test_a_selected_sentence_is_drawn_in_reverse_in_16_colours(project, theme, colours):
    """In 16 colours the selection's colours became the nearest of the terminal's: textual-light's
    black on white beside black on bright white (1.26:1 in xterm's palette), ansi-light's white on
    cyan (2.0:1). Reverse video stands out in any palette."""
    from rich.color import ColorSystem

    from coder.tui.widgets.response_view import ResponseView

    async def scenario():
        async with running(project) as (app, pilot, screen):
            app.theme = theme
            app.console._color_system = getattr(ColorSystem, colours.upper())
            await pilot.press("right_square_bracket")
            await pilot.pause()
            view = screen.query_one(ResponseView)
            view._strips.clear()
            selected = "".join(segment.text for y in range(view.size.height) for segment in view.render_line(y)
                               if segment.style is not None and segment.style.reverse)
            text = " ".join(plain for plain, offset in view.rows if offset is not None)
            assert selected.strip() and " ".join(selected.split()) in " ".join(text.split()), (selected, text)
    run(scenario)
