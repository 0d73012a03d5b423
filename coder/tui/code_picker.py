"""Coding by key and by name: the code keys as a screen's own bindings, and the fuzzy
code picker (`c`), a command-palette provider over the codebook's codes.

Typing part of a code's label or its index in the picker finds it; choosing it
toggles the code on the current response (or on the selected span), like its key would.
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial

from textual import on
from textual.binding import Binding, BindingsMap
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from coder.records import Code
from coder.text_search import fold
from coder.tui.typing_ahead import BindingsInOrder
from coder.tui.widgets.codebook_panel import MARKS, CodebookPanel
from coder.tui.widgets.key_bar import KeyBar


class CodePicker(Provider):
    """Hits for every code that can be applied; the calling screen does the toggling."""

    def _codes(self):
        self._applied = self.screen.applied_codes()
        return self.screen.active_codes()

    def _entry(self, code) -> str:
        # Marked as the codebook panel marks it: choosing an applied code takes it off.
        return f"{MARKS[self._applied.get(code.id)]} {code.index} {code.label}"

    async def discover(self) -> Hits:
        for code in self._codes():
            yield DiscoveryHit(self._entry(code), partial(self.screen.toggle_code, code.id),
                               help=code.definition)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(fold(query))     # "estres" finds "Estrés", as the search does
        for code in self._codes():
            entry = self._entry(code)
            score = max(matcher.match(fold(entry)), matcher.match(fold(code.id)))
            if score > 0:
                yield Hit(score, matcher.highlight(entry), partial(self.screen.toggle_code, code.id),
                          text=entry, help=code.definition)


class CodePickerPalette(CommandPalette):
    """The command palette holding only the codes: its key bar says "esc Close", not Textual's
    "Exit the command palette", since to the coder it is the code picker."""

    BINDINGS = [Binding("escape", "escape", "Close")]
    TAKES_TYPING = True   # what is typed before its search has focus goes in (coder.tui.typing_ahead)

    def compose(self):
        for widget in super().compose():
            if type(widget) is CommandInput:   # its search, with enter acting in the order typed
                widget = TypedCommandInput(placeholder=widget.placeholder, select_on_focus=False)
            yield widget
        yield KeyBar()   # its own: the screen's below is dimmed by the palette's backdrop

    @on(Input.Submitted)
    async def _wait_for_the_search(self, event: Input.Submitted) -> None:
        """An enter typed right after a code's name picked from the list of before the search for
        the name was done: the first code listed, whatever was typed. The search started as the
        last letter came (its Input.Changed is handled before this); the palette's own handler,
        which picks from the list, runs once it is done."""
        for search in [worker for worker in self.workers if worker.node is self and not worker.is_finished
                       and worker.group == CommandPalette._GATHER_COMMANDS_GROUP]:
            with suppress(WorkerCancelled, WorkerFailed):   # each letter's search cancels the last
                await search.wait()


class TypedCommandInput(BindingsInOrder, CommandInput):
    """The picker's search field, whose enter submits what was typed before it, not after it
    (coder.tui.typing_ahead), and is on the picker's key bar."""

    BINDINGS = [Binding("enter", "submit", "Toggle and close")]


class CodeKeyActions:
    """Code keys and the picker for a screen that codes (the coding and adjudication screens).

    The screen provides `toggle_code(code_id)`, `active` (the codes its keys and picker
    offer, in framework order) and `coding_target` (the response a code would go on,
    None when there is none).
    """

    PICK_PROMPT = "Code: type part of a label or an index…"

    def bind_code_keys(self, keys: dict[str, str]) -> None:
        """Make each code key (key -> code id) a binding of this screen, as j, k and the other keys are.

        Bindings run when a key has bubbled up to the app; a key handled on the
        way (in on_key) ran one hop earlier, so "4j4j" typed fast coded whichever
        response the cursor had reached by then. A focused text field still takes
        its own keys before any binding sees them.
        """
        self._bindings = self._merged_bindings.copy() if self._merged_bindings else BindingsMap()
        for key, code_id in keys.items():
            self._bindings.bind(key, f"code({code_id!r})", show=False)
        self.refresh_bindings()

    def action_code(self, code_id: str) -> None:
        """Toggle a code (bound to its key)."""
        self.toggle_code(code_id)

    def active_codes(self) -> list[Code]:
        """Codes that can be applied, in framework order (for the code picker)."""
        return self.active

    def applied_codes(self) -> dict[str, str]:
        """How each code is applied to the coding target (code id -> 'whole', 'span' or 'others')."""
        return self.query_one(CodebookPanel).applied if self.query(CodebookPanel) else {}

    def action_pick_code(self) -> None:
        if self.coding_target is not None:
            self.app.push_screen(CodePickerPalette(providers=[CodePicker], placeholder=self.PICK_PROMPT))
