"""Undo and redo (`u`, `ctrl+r`) for the screens that write coding.

`HistoryActions` is the one implementation of a step through coder.history
(the event log): it takes the step, says what it did with codes named as the
researcher knows them (`history_names`), and leaves to each screen what to
show afterwards (`after_history_step`). `CodingHistoryActions` is the coding
screen's: it shows the response the step changed.
"""

from __future__ import annotations

from typing import Callable

from coder.errors import CoderError
from coder.history import MANY_RESPONSES, describe, known_names
from coder.store.browse import change_marker
from coder.store.events import Action, Event
from coder.tui.widgets.codebook_panel import CodebookPanel


class HistoryActions:
    """`action_undo` and `action_redo` for a screen with `history`, `conn` and the two hooks."""

    def action_undo(self) -> None:
        self._history_step(self.history.undo, "Nothing to undo.", "Undo")

    def action_redo(self) -> None:
        self._history_step(self.history.redo, "Nothing to redo.", "Redo")

    def _history_step(self, step: Callable[[], Event | None], nothing: str, done: str) -> None:
        before = self.history_names()
        try:
            event = step()
        except CoderError as exc:  # e.g. undoing the addition of a code now in use
            self.notify(str(exc), severity="error")
            return
        if event is None:
            self.notify(nothing)
            return
        self.after_history_step(event)
        # Codes as they are after the step (a code moved back has its old index again), and those
        # the step took away as they were.
        self.notify(f"{done}: {describe(event, {**before, **self.history_names()})}")
        self._marker = change_marker(self.conn)

    def history_names(self) -> dict[str, str]:
        """Code and theme ids -> "index label", for the message saying what a step did."""
        raise NotImplementedError

    def after_history_step(self, event: Event) -> None:
        """Show what the undone or redone `event` changed."""
        raise NotImplementedError


class CodingHistoryActions(HistoryActions):
    """Undo and redo on the coding screen: go to the response the step changed."""

    def history_names(self) -> dict[str, str]:
        return known_names(self.codebook)

    def after_history_step(self, event: Event) -> None:
        if event.action == Action.HISTORY_CODEBOOK:
            self.load_codebook()
        if event.action == Action.HISTORY_CODEBOOK or event.action in MANY_RESPONSES:
            self.response_list.invalidate()
        if event.action == Action.MEMO_SET and event.data["target_type"] == "code":
            self.query_one(CodebookPanel).set_code_memo(event.data["target_id"], event.data["after"])
        rid = event.data.get("response_id") or (
            event.data["target_id"] if event.data.get("target_type") == "response" else None)
        ids = self.response_list.ids
        if rid and rid != self.response_list.current and rid in ids:
            self.response_list.move_to(ids.index(rid))
        if rid:
            self.settle_queued(rid)
            self.response_list.invalidate([rid])
        self.show_current()
        self.refresh_progress()
