"""A modal editor for a memo or a chart summary.

Closing it (escape or ctrl+s) hands back the text, which the caller commits at
once; an emptied text deletes the note; ctrl+g closes without a change.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class NoteEditor(ModalScreen[str | None]):
    """Edit a short text; dismisses with the text (escape/ctrl+s) or None (ctrl+g: cancel)."""

    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical { width: 80%; max-width: 100; height: 60%; min-height: 10;
                            border: thick $primary; background: $surface; padding: 0 1; }
    NoteEditor TextArea { height: 1fr; }
    NoteEditor .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "save", "Save and close"),
        Binding("ctrl+s", "save", "Save and close", show=False),
        Binding("ctrl+g", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text or ""

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield TextArea(self.initial, soft_wrap=True, id="note")
            yield Label("escape: save and close · ctrl+g: cancel · empty text deletes", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
