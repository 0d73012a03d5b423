"""The coder app: opens the coding screen and wires the other screens to keys.

Screens other than coding live in their own modules under `coder.tui.screens`,
imported when first opened so start-up stays fast: codebook (F2), stats (F3),
segments (F4) and adjudication (F5), each built with the `Session` (see SCREENS).
At most one of them is open over the coding screen at a time. The coding screen
picks up their changes when it is shown again; the stats screen is kept between
opens and counts again only when the project changed (KEPT).
"""

from __future__ import annotations

import gc
import importlib
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.screen import Screen

from coder.tui.colours import text_on
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.session import Session

# Key, command-palette title, module under coder.tui.screens, class.
SCREENS = [
    ("f2", "Codebook screen", "codebook_screen", "CodebookScreen"),
    ("f3", "Stats screen", "stats_screen", "StatsScreen"),
    ("f4", "Segments screen", "segments_screen", "SegmentsScreen"),
    ("f5", "Adjudication screen", "adjudication_screen", "AdjudicationScreen"),
]
# Screens built once and kept between opens: costly to build (the stats screen's
# tables and first count take about a second on a large project), and they refresh
# their own data when shown again if the project changed meanwhile (on_screen_resume).
KEPT = {"stats_screen"}


class CoderApp(App):
    """`coder code PROJECT`: keyboard-first coding of one project by one coder."""

    TITLE = "coder"
    BINDINGS = [Binding(key, f"open_screen('{module}')", title.split()[0], show=True)
                for key, title, module, _ in SCREENS]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = f"{session.path.name} — {session.coder}"

    def get_default_screen(self) -> Screen:
        return CodingScreen(self.session)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's CSS variables and `$cursor-text`: black or white, whichever reads
        better on the theme's cursor colour by WCAG contrast (Textual's `auto` chooses by
        its own measure, and picks white at 3.7:1 on solarized's blue)."""
        variables = super().get_css_variables()
        try:
            cursor = Color.parse(variables["block-cursor-background"])
        except (KeyError, ColorParseError):
            cursor = None
        if cursor is None or cursor.ansi is not None:   # the terminal's own colours: keep the theme's pair
            return {**variables, "cursor-text": variables.get("block-cursor-foreground", "auto 100%")}
        return {**variables, "cursor-text": text_on(cursor.hex[:7])}

    def on_mount(self) -> None:
        # What the app builds to start (widgets, the response list) lives as long as
        # it does: out of the collector's full passes, which otherwise stall a
        # keypress now and then (up to 35 ms on a 100,000-response project).
        self.call_after_refresh(gc.freeze)

    @staticmethod
    def _screen_class(module: str) -> type[Screen]:
        found = importlib.import_module(f"coder.tui.screens.{module}")
        return getattr(found, next(cls for _, _, m, cls in SCREENS if m == module))

    def action_open_screen(self, module: str) -> None:
        """Show a side screen over the coding screen (replacing another); those in KEPT are built once."""
        cls = self._screen_class(module)
        if isinstance(self.screen, cls):
            return
        if module not in KEPT:
            screen: Screen | str = cls(self.session)
        else:
            if not self.is_screen_installed(module):
                self.install_screen(cls(self.session), module)
            screen = module   # the installed screen, by name
        if isinstance(self.screen, CodingScreen):
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, title, module, _ in SCREENS:
            yield SystemCommand(title, f"Open the {title.lower()} ({key.upper()})",
                                lambda m=module: self.action_open_screen(m))
