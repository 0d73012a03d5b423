"""Filtering, ordering and searching the response list on the coding screen (`f`, `/`, `ctrl+o`,
escape), and what the coding queue ("most uncertain first") says of each response.

A mixin of CodingScreen: changing the filter reruns one query and keeps the
cursor on the same response when it is still listed.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.widgets import Input

from coder.store.browse import ListFilter, filtered_ids
from coder.store.rejections import rejected_codes
from coder.store.responses import attribute_names, attribute_values
from coder.store.samples import list_samples
from coder.suggest.queue import coding_queue
from coder.tui.screens.filter_dialog import FilterDialog
from coder.tui.typing_ahead import TypedInput
from coder.tui.widgets.response_view import ResponseView


QUEUE_SIZE = 2000  # responses in the active-learning queue


class SearchField(TypedInput):
    """The coding screen's search box, whose key bar says what enter and escape do in it (it
    showed F2-F5 alone: the screen's other keys are typed there)."""

    BINDINGS = [Binding("enter", "submit", "Search"), Binding("escape", "screen.cancel_search", "Cancel")]


class FilterActions:
    """Search, the filter dialog, everyone's coding and clearing, for the coding screen."""

    def reload_list(self, keep: bool = True) -> None:
        """Run the filter again and show its ids, keeping the cursor where it was if possible
        (with `keep`) or else starting at the top."""
        ids = filtered_ids(self.conn, self.filter, self.scope)
        self.queued = {}
        if self.filter.queue:
            allowed = set(ids)
            queue = coding_queue(self.conn, QUEUE_SIZE, coder=self.coder)
            self.queued = {q.response_id: q for q in queue if q.response_id in allowed}
            ids = list(self.queued)
            if len(queue) == QUEUE_SIZE:
                self.notify(f"Most uncertain first: the {QUEUE_SIZE:,} most uncertain uncoded responses "
                            "are listed; code some and run `coder suggest` again for the next ones.")
        # A filter that matched nothing leaves no current response: keep the one shown before it.
        self._left_on = self.response_list.current or self._left_on
        self.response_list.set_ids(ids, keep=self._left_on if keep else None,
                                   queued_for={rid: self._code_indexes((q.code_id,)) + "?"
                                               for rid, q in self.queued.items() if q.code_id is not None})

    def settle_queued(self, rid: str) -> None:
        """After a change to a queued response: mark its row "4.2✗" once the code it is queued for
        is rejected on it (the call is settled; the queue leaves it out when next read), "4.2?"
        again once the rejection is undone."""
        queued = self.queued.get(rid)
        if queued is None or queued.code_id is None:
            return
        rejected = queued.code_id in rejected_codes(self.conn, rid, self.coder)
        self.response_list.set_queued_label(rid, self._code_indexes((queued.code_id,)) + ("✗" if rejected else "?"))

    def _queued_call(self, rid: str) -> str | None:
        """What the response is queued for, when the list is the queue: its code, how close the call
        is, and whether it is among the suggestions below (`coder suggest --queue` marks it `*`)."""
        queued = self.queued.get(rid)
        if queued is None or queued.code_id is None:
            return None
        code = self.codes.get(queued.code_id)
        name = f"{code.index} {code.label}" if code else queued.code_id
        if self.response_list.queued_label(rid).endswith("✗"):
            said = "rejected"
        else:
            said = "suggested" if any(s.code_id == queued.code_id for s in self.shown_suggestions) else "not suggested"
        return f"Queued for {name}: {queued.call}, {said}"

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.value = self.filter.text
        self.set_focus(search)   # now, not once the keys already typed are handed on: they go in

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self._close_search()
            self._set_filter(replace(self.filter, text=event.value.strip()), self.everyone)

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

    def action_cancel_search(self) -> None:
        """Close the search box and leave the filter as it was (escape in the box cleared all of it:
        a coder of a sample who looked something up lost the sample)."""
        self._close_search().value = self.filter.text

    def action_clear_filter(self) -> None:
        if self.query_one(ResponseView).clear_selection_here():
            return   # escape drops a text selection first, then the filter
        self._close_search()
        if self.filter != ListFilter():
            cleared = self.filter.describe()
            self._set_filter(ListFilter(), self.everyone)
            # Said, not only shown on the top line: a coder of a sample went on past it unaware.
            self.notify(f"Filter cleared ({cleared}): all {len(self.response_list.ids):,} responses listed; "
                        "f filters again.", timeout=4)

    def _close_search(self) -> Input:
        """Hide the search box and give the list the keys again; return the box."""
        search = self.query_one("#search", Input)
        search.remove_class("visible")
        self.response_list.focus()
        return search

    def _set_filter(self, flt: ListFilter, everyone: bool) -> None:
        new_queue = flt.queue and not self.filter.queue  # a new order starts at its top
        self.filter, self.everyone = flt, everyone
        self.reload_list(keep=not new_queue)
        self.show_current()
        self.refresh_progress(recount=False)
