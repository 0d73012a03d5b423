"""The key bar: the keys a screen shows, on one line at the bottom, drawn as one widget.

Textual's Footer mounts a widget per key and mounts them all again whenever the
screen's bindings change, which happens at every screen switch and focus change
(measured: about 0.1 s of the 0.3-0.5 s that returning from the codebook screen
took on the demo project). This bar draws the same keys as one line of text and
only repaints when the bindings change. Keys that do not fit are left off from the
end (screens list their most used keys first; `?` lists them all); clicking a key
presses it.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

PALETTE_KEY = "ctrl+p"


class ShownKey(NamedTuple):
    """One key on the bar: the key pressed, how it is written, what it does, whether it can now."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """One line listing the screen's shown keys; `palette` adds the command palette's key when it fits."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $key-bar-text;   /* the theme's colours where they read (CoderApp.get_css_variables) */
    }
    KeyBar > .key-bar--key { color: $key-bar-key; text-style: bold; }
    KeyBar > .key-bar--disabled { text-style: dim; }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, palette: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.palette = palette
        self._places: list[tuple[int, int, str]] = []   # (first cell, end cell, key) of each drawn item

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def shown_keys(self) -> list[ShownKey]:
        """The keys the screen shows, in binding order, the first key of each action."""
        keys, actions = [], set()
        for _, binding, enabled, _ in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(ShownKey(binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return keys

    def render(self) -> Content:
        keys = self.shown_keys()
        if self.palette and PALETTE_KEY in self.screen.active_bindings:
            palette = self.screen.active_bindings[PALETTE_KEY].binding
            keys.append(ShownKey(PALETTE_KEY, self.app.get_key_display(palette), "palette", True))
        # Two spaces between keys where they all fit, else one, so that more of them fit.
        roomy, tight = self._laid_out(keys, " "), self._laid_out(keys, "")
        parts, self._places = roomy if len(roomy[0]) == len(keys) or len(roomy[0]) == len(tight[0]) else tight
        return Content("").join(parts)

    def _laid_out(self, keys: list[ShownKey], gap: str) -> tuple[list[Content], list[tuple[int, int, str]]]:
        """The drawn items and their places, as many keys as fit the width with `gap` around each."""
        key_style = self.get_visual_style("key-bar--key")
        dim = self.get_visual_style("key-bar--disabled")
        parts: list[Content] = []
        places: list[tuple[int, int, str]] = []
        used = 0
        for shown in keys:
            item = Content.assemble(" ", (shown.display, key_style), f" {shown.description}{gap}")
            if not shown.enabled:
                item = item.stylize(dim)
            if used + item.cell_length > self.size.width:
                break
            places.append((used, used + item.cell_length, shown.key))
            parts.append(item)
            used += item.cell_length
        return parts, places

    def key_at(self, x: int) -> str | None:
        """The key whose item (key and description) is drawn at cell `x`, if any."""
        return next((key for start, end, key in self._places if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            self.app.simulate_key(key)
