"""What is typed right after a key that opens a field goes into the field, however fast.

Textual hands each key to the focused widget, and a screen's binding sees it only
when it comes back up to the app. Keys typed in one burst (a paste, a fast
typist, a remote terminal) are all on their way to the old focus before the
binding that opens a field runs; each then came back as a binding of the screen
under it: "/overnight" put four codes on a response and jumped to the next.
Two parts close that gap:

- `OpensFields` (a screen mixin): the screen's keys that open a field are
  priority bindings, run as the key arrives, before the keys after it are handed
  on; and they do nothing while a text field has focus, where they are typed.
- `HoldsTypingAhead` (an app mixin): a screen pushed for typing (`TAKES_TYPING`)
  takes focus a moment after it is shown; the characters typed before then are
  held and typed into its field once it has focus, ahead of any typed after.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea


def takes_text(widget: Widget | None) -> bool:
    """Whether `widget` is a field that types the characters it is given."""
    return isinstance(widget, Input) or (isinstance(widget, TextArea) and not widget.read_only)


def type_into(widget: Widget, text: str) -> None:
    """Type `text` into the field `widget` at its cursor."""
    if isinstance(widget, Input):
        widget.insert_text_at_cursor(text)
    elif isinstance(widget, TextArea):
        widget.insert(text)


class OpensFields:
    """A screen whose priority bindings open fields (a search box, a memo, the code picker):
    in a field they give way, and the key is typed."""

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if takes_text(self.focused) and any(
                binding.priority and binding.action.split("(")[0] == action
                for bindings in self._bindings.key_to_bindings.values() for binding in bindings):
            return False
        return super().check_action(action, parameters)


class HoldsTypingAhead:
    """An app mixin: characters typed into a `TAKES_TYPING` screen before its field has focus are
    held, and typed into the field once it has (`release_typing_ahead`)."""

    _held_for: Screen | None = None
    _held: str = ""

    async def on_event(self, event: events.Event) -> None:
        # A key fresh from the terminal (not one handed on and come back): held, or handed on.
        if isinstance(event, events.Key) and not event.is_forwarded and self._hold(event):
            return
        await super().on_event(event)

    def _hold(self, event: events.Key) -> bool:
        screen = self.screen
        if not getattr(screen, "TAKES_TYPING", False):
            return False
        if screen.focused is not None:
            self.release_typing_ahead()   # before this key is handed to the field
            return False
        if not (event.is_printable and event.character):
            return False
        if self._held_for is not screen:
            self._held_for, self._held = screen, ""
        self._held += event.character
        return True

    def on_descendant_focus(self) -> None:
        self.release_typing_ahead()

    def release_typing_ahead(self) -> None:
        """Type what was held into the focused field of the screen it was typed on."""
        held, screen = self._held, self._held_for
        self._held_for, self._held = None, ""
        if held and screen is self.screen and takes_text(screen.focused):
            type_into(screen.focused, held)
