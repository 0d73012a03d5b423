"""What the screens opened over the coding screen (F2, F3) share: Escape goes
back to coding and `?` shows or hides the panel listing the screen's keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


class SideScreen(Screen):
    """A screen shown over the coding screen, closed with Escape."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "keys", "Keys"),
    ]

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_keys(self) -> None:
        """Show or hide the panel listing every key of this screen."""
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()
