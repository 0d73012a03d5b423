"""What the screens opened over the coding screen (F2, F3, F4) share: Escape goes
back to coding, `?` shows or hides the panel listing the screen's keys, and a
choice of coder (one coder's decisions or everyone's) made in a Select."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Select

from coder.tui.screens.help_screen import HelpScreen

ALL_CODERS = ""  # the coder choice meaning everyone (a coder's name is never empty)


def coder_options(names: list[str]) -> list[tuple[str, str]]:
    """The options of a coder Select: everyone, then each coder."""
    return [("All coders", ALL_CODERS)] + [(n, n) for n in names]


def chosen_coder(value) -> str | None:
    """The coder a coder Select's value names (None: everyone)."""
    return None if value in (ALL_CODERS, Select.NULL) else value


class SideScreen(Screen):
    """A screen shown over the coding screen, closed with Escape."""

    # Tables' cursor row and header, and lists' highlighted option, in black or white,
    # whichever reads better on the theme's colour (some themes' own pairs fall below a
    # 4.5 contrast ratio); the focused cursor by WCAG contrast ($cursor-text, from
    # CoderApp), where `auto` misjudges.
    DEFAULT_CSS = """
    SideScreen DataTable > .datatable--cursor, SideScreen DataTable > .datatable--header {
        color: auto 100%;
    }
    SideScreen DataTable:focus > .datatable--cursor { color: $cursor-text; }
    SideScreen OptionList > .option-list--option-highlighted { color: auto 100%; }
    SideScreen OptionList:focus > .option-list--option-highlighted { color: $cursor-text; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "keys", "Keys"),
    ]

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_keys(self) -> None:
        """List this screen's keys in the box `?` shows on the coding screen (Textual's own panel
        listed the tree's arrow keys first and the screen's below the fold at 80x24)."""
        keys: dict[str, str] = {}   # what it does -> the key(s), the first binding of each
        for _, binding, _, _ in self.active_bindings.values():
            if binding.show and binding.description:
                keys.setdefault(binding.description, self.app.get_key_display(binding))
        self.app.push_screen(HelpScreen([], [(key, what) for what, key in keys.items()]))

    def action_choose(self, name: str) -> None:
        """Open the Select with id `name` (a choice made from the keyboard)."""
        select = self.query_one(f"#{name}", Select)
        select.focus()
        select.action_show_overlay()
