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
        Binding("q", "app.quit", "Quit", show=False),   # as on the coding screen (here it did nothing, unsaid)
    ]

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_keys(self) -> None:
        """List every key that works here in the box `?` shows on the coding screen: the screen's
        own first (Textual's own panel listed the tree's arrow keys first and the screen's below the
        fold at 80x24), then the app's, then the focused table's, tree's or list's and Textual's
        (tab, copy). Keys the key bar leaves off for room (`ctrl+r`, F3's `1`-`3`) are listed, and
        the screen's keys that work only at times (F4's `n` / `p`, when there is such a page); keys
        doing the same thing share a line (`↓ / j`)."""
        def group(node, binding) -> int:
            generic = binding.action.startswith(("app.", "screen."))
            return 2 if generic or node not in (self, self.app) else 0 if node is self else 1

        active = self.active_bindings
        # The screen's keys that do nothing just now (no next page) are not active: listed all the same.
        resting = [(self, binding) for key, binding in self._bindings if key not in active]
        bindings = [(node, binding) for node, binding, _, _ in active.values()] + resting
        rows: list[list] = []   # [what it does, keys]
        entries: dict = {}      # (action, node) and the bar's word for it -> its row
        for node, binding in sorted(bindings, key=lambda pair: group(*pair)):
            if not binding.description:
                continue
            word = binding.description[:1].upper() + binding.description[1:]
            row = entries.get((binding.action, id(node))) or entries.get(word)
            if row is None:   # said in full where the key has a fuller explanation than the bar's word
                said = binding.tooltip or binding.description
                rows.append(row := [said[:1].upper() + said[1:], []])
            entries[binding.action, id(node)] = entries[word] = row
            key = self.app.get_key_display(binding)
            if key not in row[1]:
                row[1].append(key)
        self.app.push_screen(HelpScreen([], [(" / ".join(keys), what) for what, keys in rows]))

    def action_choose(self, name: str) -> None:
        """Open the Select with id `name` (a choice made from the keyboard)."""
        select = self.query_one(f"#{name}", Select)
        select.focus()
        select.action_show_overlay()
