"""Filtering and searching the response list on the coding screen (`f`, `/`, `ctrl+o`, escape).

A mixin of CodingScreen: changing the filter reruns one query and keeps the
cursor on the same response when it is still listed.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input

from coder.store.browse import ListFilter
from coder.store.responses import attribute_names, attribute_values
from coder.store.samples import list_samples
from coder.tui.screens.filter_dialog import FilterDialog
from coder.tui.widgets.response_view import ResponseView


class FilterActions:
    """Search, the filter dialog, everyone's coding and clearing, for the coding screen."""

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.value = self.filter.text
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            event.input.remove_class("visible")
            self._set_filter(replace(self.filter, text=event.value.strip()),
                             self.everyone)
            self.response_list.focus()

    def action_filter(self) -> None:
        def done(result) -> None:
            if result is not None:
                self._set_filter(*result)
        self.app.push_screen(FilterDialog(self.filter, self.everyone, self.codebook, attribute_names(self.conn),
                                          lambda name: attribute_values(self.conn, name),
                                          [(info.name, info.size) for info in list_samples(self.conn)]), done)

    def action_toggle_everyone(self) -> None:
        self._set_filter(self.filter, not self.everyone)
        self.notify("Showing everyone's coding." if self.everyone else "Showing only your coding.")

    def action_clear_filter(self) -> None:
        if self.query_one(ResponseView).clear_selection_here():
            return   # escape drops a text selection first, then the filter
        self.query_one("#search", Input).remove_class("visible")
        self.response_list.focus()
        if self.filter != ListFilter():
            self._set_filter(ListFilter(), self.everyone)

    def _set_filter(self, flt: ListFilter, everyone: bool) -> None:
        new_queue = flt.queue and not self.filter.queue  # a new order starts at its top
        self.filter, self.everyone = flt, everyone
        self.reload_list(keep=not new_queue)
        self.show_current()
        self.refresh_progress(recount=False)
