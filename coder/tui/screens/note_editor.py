"""A modal editor for a memo or a chart summary, at the foot of the screen (the response
stays in sight above it).

Closing it (escape or ctrl+s) hands back the text, which the caller commits at
once; an emptied text deletes the note; ctrl+g closes without a change. While
it is open, the text is handed to `keep_draft` a moment after each change, so
the caller can keep it safe until then.
"""

from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from coder.tui.typing_ahead import TypedTextArea
from coder.tui.widgets.key_bar import KeyBar


DRAFT_DELAY = 1.0   # seconds after the last change before the text is kept as a draft


class NoteEditor(ModalScreen[str | None]):
    """Edit a short text; dismisses with the text (escape/ctrl+s) or None (ctrl+g: cancel)."""

    TAKES_TYPING = True   # what is typed before the text area has focus goes in (coder.tui.typing_ahead)

    DEFAULT_CSS = """
    NoteEditor { align: center bottom; }
    NoteEditor > Vertical { width: 100%; max-width: 120; height: 45%; min-height: 8;
                            border: thick $primary; background: $surface; padding: 0 1; }
    NoteEditor TextArea { height: 1fr; }
    NoteEditor .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "save", "Save and close"),
        Binding("ctrl+s", "save", "Save and close", show=False),
        Binding("ctrl+g", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str | None, keep_draft: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text or ""
        self._keep_draft = keep_draft
        self._draft_timer = None

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield TypedTextArea(self.initial, soft_wrap=True, id="note")
            yield Label("escape: save and close · ctrl+g: cancel · empty text deletes", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_text_area_changed(self) -> None:
        if self._keep_draft is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()   # a one-shot timer cannot be restarted once it has fired
        self._draft_timer = self.set_timer(DRAFT_DELAY, lambda: self._keep_draft(self.query_one(TextArea).text))

    def _close(self, result: str | None) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.dismiss(result)

    def action_save(self) -> None:
        self._close(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self._close(None)
