"""The key bar: the keys a screen shows, at the bottom, drawn as one widget.

Textual's Footer mounts a widget per key and mounts them all again whenever the
screen's bindings change, which happens at every screen switch and focus change
(measured: about 0.1 s of the 0.3-0.5 s that returning from the codebook screen
took on the demo project). This bar draws the same keys as text and only
repaints when the bindings change. It takes one line, or a second one where the
keys do not fit in one (the coding screen at 80 columns), so that every key is
in view; keys that do not fit in `MAX_LINES` are left off from the end (screens
list their most used keys first; `?` lists them all). Clicking a key presses it.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

PALETTE_KEY = "ctrl+p"
MAX_LINES = 2


class ShownKey(NamedTuple):
    """One key on the bar: the key pressed, how it is written, what it does, whether it can now."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """The screen's shown keys, on as few lines as hold them (at most `MAX_LINES`); `palette` adds
    the command palette's key when it fits."""

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
        self._laid: tuple[tuple, tuple] | None = None   # the last layout, and what it was made for

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    def _dialog(self) -> Screen | None:
        """The dialog (a form, a picker) open over this bar's screen, if any: the bar shows its keys."""
        stack = self.app.screen_stack
        if len(stack) > 1 and isinstance(stack[-1], ModalScreen) and self.screen in stack[:-1]:
            return stack[-1]
        return None

    def _screen_changed(self, screen: Screen) -> None:
        """A dialog opened or closed: show its keys, kept up as its focus moves, or the screen's again."""
        dialog = self._dialog()
        if dialog is not None:
            dialog.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(screen)

    def _active(self) -> dict:
        """The bindings the bar draws from: the screen's, or under a dialog or on one only the dialog's
        own (the screen's keys do nothing there, and the app's, F2-F5, would put a screen in its place)."""
        dialog = self._dialog()
        if dialog is None and not isinstance(self.screen, ModalScreen):
            return self.screen.active_bindings
        return {key: active for key, active in (dialog or self.screen).active_bindings.items()
                if active.node is not self.app}

    def on_resize(self) -> None:
        self._fit_height()

    def _bindings_changed(self, screen: Screen) -> None:
        self._fit_height()
        self.refresh()

    def _fit_height(self) -> None:
        """Take as many lines as the keys need at this width (a change of height lays the screen out again)."""
        lines = max(1, len(self._layout()[0]))
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines

    def shown_keys(self, active: dict | None = None) -> list[ShownKey]:
        """The keys the screen shows (of its `active` bindings, looked up if not given), in binding
        order, the first key of each action."""
        keys, actions = [], set()
        for _, binding, enabled, _ in (self._active() if active is None else active).values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(ShownKey(binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return keys

    def render(self) -> Content:
        lines, _ = self._layout()
        return Content("\n").join(Content("").join(line) for line in lines)

    def _layout(self) -> tuple[list[list[Content]], list[tuple[int, int, int, str]]]:
        """The drawn items line by line, and their places: the most keys that fit, then the fewest
        lines, then two spaces between keys rather than one. The palette's key comes last, and
        only where it needs no line of its own."""
        active = self._active()   # worked out afresh at each use
        keys = self.shown_keys(active)
        palette = None
        if self.palette and PALETTE_KEY in active:
            binding = active[PALETTE_KEY].binding
            palette = ShownKey(PALETTE_KEY, self.app.get_key_display(binding), "palette", True)
        # Bindings are announced as changed on many keypresses that leave the bar as it was.
        made_for = (self.size.width, self.app.theme, tuple(keys), palette)
        if self._laid is not None and self._laid[0] == made_for:
            return self._laid[1]
        layout = self._best_of(keys)
        if palette is not None and len(layout[1]) == len(keys):
            with_palette = self._best_of([*keys, palette])
            if len(with_palette[1]) > len(keys) and len(with_palette[0]) <= len(layout[0]):
                layout = with_palette
        self._laid = (made_for, layout)
        return layout

    def _best_of(self, keys: list[ShownKey]) -> tuple[list[list[Content]], list[tuple[int, int, int, str]]]:
        roomy, tight = self._laid_out(keys, " "), self._laid_out(keys, "")
        return max((roomy, tight), key=lambda layout: (len(layout[1]), -len(layout[0])))

    def _laid_out(self, keys: list[ShownKey], gap: str) -> tuple[list[list[Content]], list[tuple[int, int, int, str]]]:
        """As many keys as fit `MAX_LINES` lines of the width with `gap` after each, a key never
        split, and each drawn key's place: (line, first cell, end cell, key)."""
        key_style = self.get_visual_style("key-bar--key")
        dim = self.get_visual_style("key-bar--disabled")
        lines: list[list[Content]] = [[]]
        places: list[tuple[int, int, int, str]] = []
        used = 0
        for shown in keys:
            item = Content.assemble(" ", (shown.display, key_style), f" {shown.description}{gap}")
            if not shown.enabled:
                item = item.stylize(dim)
            if used + item.cell_length > self.size.width:
                if len(lines) == MAX_LINES or item.cell_length > self.size.width:
                    break
                lines.append([])
                used = 0
            places.append((len(lines) - 1, used, used + item.cell_length, shown.key))
            lines[-1].append(item)
            used += item.cell_length
        return [line for line in lines if line], places

    def key_at(self, x: int, y: int = 0) -> str | None:
        """The key whose item (key and description) is drawn at cell `x` of line `y`, if any."""
        places = self._laid[1][1] if self._laid is not None else []   # as last drawn
        return next((key for line, start, end, key in places if line == y and start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x, event.y)
        if key is not None:
            self.app.simulate_key(key)
