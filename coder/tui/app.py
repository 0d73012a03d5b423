"""The coder app: opens the coding screen and wires the other screens to keys.

Screens other than coding live in their own modules under `coder.tui.screens`,
imported when first opened so start-up stays fast: codebook (F2), stats (F3),
segments (F4) and adjudication (F5), each built with the `Session` (see SCREENS).
At most one of them is open over the coding screen at a time. The coding screen
picks up their changes when it is shown again. Each side screen is built once and
kept between opens (`CoderApp.action_open_screen`): building one costs 0.3-0.7 s on
the demo (the stats screen's first count about a second on a large project), and a
kept one keeps its place (the adjudication list, the code chosen on F4). Each reads
again, when shown, only what changed meanwhile (its on_screen_resume).
"""

from __future__ import annotations

import gc
import importlib
import os
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Select

from coder.errors import CoderError
from coder.store.connection import fold_log_into_file
from coder.store.settings import coder_setting, set_coder_setting
from coder.tui.colours import muted_on, readable_on, text_on
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.session import Session
from coder.tui.typing_ahead import HoldsTypingAhead

# Key, command-palette title, module under coder.tui.screens, class.
THEME_SETTING = "theme"   # the coder's chosen theme (coder.store.settings)
FOLD_SECONDS = 2.0        # how often the write-ahead log is folded into the project file

SCREENS = [
    ("f2", "Codebook screen", "codebook_screen", "CodebookScreen"),
    ("f3", "Stats screen", "stats_screen", "StatsScreen"),
    ("f4", "Segments screen", "segments_screen", "SegmentsScreen"),
    ("f5", "Adjudication screen", "adjudication_screen", "AdjudicationScreen"),
]


class CoderApp(HoldsTypingAhead, App):
    """`coder code PROJECT`: keyboard-first coding of one project by one coder."""

    TITLE = "coder"
    # A compact choice's open list is framed (Textual draws it bare, running into what is under it);
    # notes stand above the key bar, which takes two lines on a narrow terminal.
    CSS = """
    Select.-textual-compact > SelectOverlay { border: round $primary !important; background: $panel; }
    ToastRack { margin-bottom: 2; }
    /* The rack keeps a column for a scrollbar it never shows: the panel behind showed through there. */
    ToastRack { scrollbar-size-vertical: 0; }
    /* Compact fields have no border to show focus (a one-step grey change did not show): the
       focused one takes the cursor's colours; a text area, many lines, a tint. */
    Select.-textual-compact:focus > SelectCurrent, Input.-textual-compact:focus {
        background: $block-cursor-background; color: $cursor-text; }
    Select.-textual-compact:focus > SelectCurrent Static#label,
    Select.-textual-compact:focus > SelectCurrent .arrow { color: $cursor-text; }
    TextArea.-textual-compact:focus { background: $primary 25%; }
    /* Placeholders and inactive tabs in a muted colour that still reads ($muted-text): themes
       draw them at half strength, 2.0-3.5:1. */
    Input > .input--placeholder, TextArea > .text-area--placeholder { color: $muted-text; }
    /* So too a choice's prompt while nothing is chosen ("Select", "(none)") and its arrow
       (4.2:1 in textual-dark, 3.0 in textual-light); a chosen value in the theme's text. */
    SelectCurrent Static#label, SelectCurrent .arrow { color: $muted-text; }
    SelectCurrent.-has-value Static#label { color: $foreground; }
    /* A primary button's text ($primary-button-text: 3.8:1 on textual-dark's blue) and a focused
       checkbox's label ($cursor-text on the cursor colour, as a focused list row has it). */
    Button.-style-default.-primary { color: $primary-button-text; }
    ToggleButton:focus > .toggle--label { color: $cursor-text; }
    Tab { color: $muted-text; }
    Tab.-active, Tab:hover { color: $foreground; }
    /* A tree's guides in an ANSI theme came out black: unseen on a dark terminal. */
    Tree:ansi > .tree--guides, Tree:ansi > .tree--guides-hover { color: ansi_bright_black; }
    """
    BINDINGS = [Binding(key, f"open_screen('{module}')", title.split()[0], show=True)
                for key, title, module, _ in SCREENS]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = f"{session.path.name} — {session.coder}"

    def suit_terminal(self) -> None:
        """The theme to start in, unless TEXTUAL_THEME names one: the one the coder last chose
        (`ctrl+p` → theme; kept per coder in the project), else in a terminal of 16 colours the
        terminal's own palette (ansi-dark): the default theme's colours, each drawn as the nearest
        of 16, put the keys in bright red on bright grey (1:1 in xterm's palette)."""
        if os.environ.get("TEXTUAL_THEME"):
            return
        chosen = coder_setting(self.session.conn, self.session.coder, THEME_SETTING)
        if chosen in self.available_themes:
            self.theme = chosen
        elif self.console.color_system in ("standard", "windows"):
            self.theme = "ansi-dark"

    def _remember_theme(self, theme: Theme) -> None:
        """Keep a theme the coder chose for the next session (where the project can be written)."""
        if coder_setting(self.session.conn, self.session.coder, THEME_SETTING) != theme.name:
            try:
                set_coder_setting(self.session.conn, self.session.coder, THEME_SETTING, theme.name)
            except CoderError as exc:   # a full disk, say: the theme holds for this session
                self.notify(f"The theme is not kept for next time: {exc}", severity="warning")

    def get_default_screen(self) -> Screen:
        return CodingScreen(self.session)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's CSS variables, plus text colours checked by WCAG contrast where themes
        (or Textual's `auto`) fall below 4.5: `$cursor-text` on the cursor colour (`auto`
        picks white at 3.7:1 on solarized's blue), `$key-bar-key` and `$key-bar-text` on
        the key bar (half the themes draw keys below 4.5 on their footer colour), and
        `$muted-text` for placeholders, prompts and inactive tabs (`muted_on`), and
        `$primary-button-text` on a primary button (the theme's, where it reads)."""
        variables = super().get_css_variables()
        cursor = _truecolour(variables.get("block-cursor-background"))
        grounds = [_truecolour(variables.get(name)) for name in ("surface", "panel", "background")]
        foreground = _truecolour(variables.get("foreground"))
        bar = _truecolour(variables.get("footer-background"))
        key = _truecolour(variables.get("footer-key-foreground"))
        text = _truecolour(variables.get("footer-description-foreground"))
        primary = _truecolour(variables.get("primary"))
        button_text = _truecolour(variables.get("button-color-foreground"))
        # Where a colour is the terminal's own (ANSI themes), the terminal decides: keep the theme's.
        return {
            **variables,
            "cursor-text": text_on(cursor) if cursor else variables.get("block-cursor-foreground", "auto 100%"),
            "key-bar-key": readable_on(key, bar) if bar and key else variables.get("footer-key-foreground", ""),
            "key-bar-text": readable_on(text, bar) if bar and text else variables.get(
                "footer-description-foreground", ""),
            # The theme's `auto 87%` mixes in the button's colour: 3.8:1 on textual-dark's blue.
            "primary-button-text": (readable_on(button_text, primary) if button_text else text_on(primary))
            if primary else variables.get("button-color-foreground", ""),
            # 5.2, not 4.5: a focused field's tint lightens its background a little.
            "muted-text": muted_on(foreground, grounds, 5.2) if foreground and all(grounds) else variables.get(
                "foreground", ""),
        }

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # What the app builds to start (widgets, the response list) lives as long as
        # it does: out of the collector's full passes, which otherwise stall a
        # keypress now and then (up to 35 ms on a 100,000-response project).
        self.call_after_refresh(gc.freeze)
        # What is coded reaches the project file itself within FOLD_SECONDS, whichever screen is
        # open: a copy of the file alone (synced, sent to the lead) holds it (fold_log_into_file).
        self.set_interval(FOLD_SECONDS, lambda: fold_log_into_file(self.session.conn))

    @staticmethod
    def _screen_class(module: str) -> type[Screen]:
        found = importlib.import_module(f"coder.tui.screens.{module}")
        return getattr(found, next(cls for _, _, m, cls in SCREENS if m == module))

    def action_open_screen(self, module: str) -> None:
        """Show a side screen over the coding screen (replacing another), built on its first opening."""
        cls = self._screen_class(module)
        if isinstance(self.screen, cls):
            return
        if not self.is_screen_installed(module):
            self.install_screen(cls(self.session), module)
        if isinstance(self.screen, CodingScreen):
            self.push_screen(module)
        else:
            self.switch_screen(module)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A side screen's own key is left off the key bar while it is shown: pressing it does
        nothing there, and at 80 columns the bar has room for one key fewer than it lists. No
        screen key works while a choice's list is open (as under a dialog, where Textual keeps
        the app's keys out): the list stayed open under the screen put in front, and on coming back."""
        if action == "open_screen" and _choice_open(self.focused):
            return False
        if action == "open_screen" and parameters:
            module = str(parameters[0])
            # Under a dialog (a form, a picker), the screen it was opened on.
            shown = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), self.screen)
            if self.is_screen_installed(module) and self.get_screen(module) is shown:
                return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, title, module, _ in SCREENS:
            yield SystemCommand(title, f"Open the {title.lower()} ({key.upper()})",
                                lambda m=module: self.action_open_screen(m))


def _choice_open(focused: Widget | None) -> bool:
    """Whether the focused widget is a choice's open list (a Select's overlay)."""
    return focused is not None and isinstance(focused.parent, Select) and focused.parent.expanded


def _truecolour(value: str | None) -> str | None:
    """A CSS colour value as #rrggbb, or None for the terminal's own colours and what does not parse."""
    try:
        colour = Color.parse(value) if value else None
    except ColorParseError:
        return None
    return colour.hex[:7] if colour is not None and colour.ansi is None else None
