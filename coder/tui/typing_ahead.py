"""What is typed right after a key that opens a field goes into the field, however fast.

Textual hands each key to the focused widget, and a screen's binding sees it only
when it comes back up to the app. Keys typed in one burst (a paste, a fast
typist, a remote terminal) are all on their way to the old focus before the
binding that opens a field runs; each then came back as a binding of the screen
under it: "/overnight" put four codes on a response and jumped to the next.
Three parts close that gap:

- `OpensFields` (a screen mixin): the screen's keys that open a field are
  priority bindings, run as the key arrives, before the keys after it are handed
  on; and they do nothing while a text field has focus, where they are typed.
- `TypedInput`, `TypedTextArea`: a text field whose own keys (enter, backspace,
  the arrows) act in the order typed, as its characters do; Textual runs them
  only once the key has come back up to the app, after the characters typed
  behind it ("/staffX⌫ing" searched "staffXin").
- `HoldsTypingAhead` (an app mixin): a screen pushed for typing (`TAKES_TYPING`)
  gives a text field focus a moment after it is shown; the keys typed before
  then are held and handed on in order once it has, ahead of any typed after.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea


def takes_text(widget: Widget | None) -> bool:
    """Whether `widget` is a field that types the characters it is given."""
    return isinstance(widget, Input) or (isinstance(widget, TextArea) and not widget.read_only)


class BindingsInOrder:
    """A text field that runs its own bindings as a key reaches it, in the order of the keys."""

    async def on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return


class TypedInput(BindingsInOrder, Input):
    """An Input whose enter, backspace and the like act in the order typed."""


class TypedTextArea(BindingsInOrder, TextArea):
    """A TextArea whose backspace, arrows and the like act in the order typed."""


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
    """An app mixin: keys typed into a `TAKES_TYPING` screen before one of its text fields has
    focus are held, and handed on in order once one has (`release_typing_ahead`), ahead of any
    typed after. Every key is held, not only characters: an enter typed after "paperw" in the
    code picker ran before the held word was typed in, and toggled the first code listed."""

    _held_for: Screen | None = None
    _held: tuple[events.Key, ...] = ()

    async def on_event(self, event: events.Event) -> None:
        # A key fresh from the terminal (not one handed on and come back): held, or handed on.
        if isinstance(event, events.Key) and not event.is_forwarded:
            screen = self.screen
            if getattr(screen, "TAKES_TYPING", False):
                if not takes_text(screen.focused):
                    if self._held_for is not screen:
                        self._held_for, self._held = screen, ()
                    self._held += (event,)
                    return
                await self.release_typing_ahead()   # before this key is handed to the field
        await super().on_event(event)

    async def on_descendant_focus(self) -> None:
        await self.release_typing_ahead()

    async def release_typing_ahead(self) -> None:
        """Hand the keys held for the screen shown to its focused text field, in the order typed
        (through the app's own handling of a key, as if they came now)."""
        held, screen = self._held, self._held_for
        self._held_for, self._held = None, ()
        if held and screen is self.screen and takes_text(screen.focused):
            for key in held:
                await super().on_event(events.Key(key.key, key.character))
