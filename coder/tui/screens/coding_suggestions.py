"""Suggestions and codes on the coding screen: accept (enter, `A`), reject (`x`), a new
code applied to the selected text (`+`), the rules of the code in question shown
under the text (`coder.tui.widgets.code_rules`), the evidence of the highlighted
suggestion underlined in the text, and a warning on opening when the last suggestion
run did not finish.

A mixin of CodingScreen.
"""

from __future__ import annotations

from coder.codebook.edit import next_code_index
from coder.coding import accept_suggestions, apply_new_code, reject_suggestion
from coder.store.suggestions import unfinished_run
from coder.suggest.unfinished import resume_command, stopped_at
from coder.tui.evidence import evidence_spans
from coder.tui.widgets.code_rules import SUGGESTED, CodeRules
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.response_view import ResponseView
from coder.tui.widgets.suggestions_panel import SuggestionsPanel


class SuggestionActions:
    """Accepting and rejecting suggestions; new codes; showing the rules of the code in question."""

    def notify_unfinished_run(self) -> None:
        """Say when the latest suggestion run did not finish: most responses may have no
        suggestions yet, and the list's suggestion marks would read as the engine's last word."""
        run = unfinished_run(self.conn)
        if run is not None:
            self.notify(f"{stopped_at(run).capitalize()}. Continue it with: {resume_command(self.session.path)}",
                        title="Suggestions incomplete", severity="warning", timeout=15)

    def show_rules(self, code_id: str | None, why: str) -> None:
        """Show the rules of a code under the text, saying why it is the one shown."""
        if code_id in self.codes:
            self.query_one(CodeRules).show(self.codes[code_id], why,
                                           memo=self.query_one(CodebookPanel).code_memo(code_id),
                                           not_suggested=self.not_suggested.get(code_id))

    def on_codebook_panel_code_highlighted(self, event: CodebookPanel.CodeHighlighted) -> None:
        self.show_rules(event.code_id, "under the cursor")

    def highlighted_evidence(self) -> list[tuple[int, int]]:
        """The spans of the text to underline: the evidence of the suggestion highlighted in
        the panel (the best one until the highlight moves; none without suggestions)."""
        highlighted = self.query_one(SuggestionsPanel).highlighted
        return evidence_spans(highlighted.evidence) if highlighted else []

    def on_suggestions_panel_highlighted(self, event: SuggestionsPanel.Highlighted) -> None:
        self.show_rules(event.code_id, SUGGESTED)
        self.query_one(ResponseView).underline(self.highlighted_evidence())

    def on_suggestions_panel_selected(self, event: SuggestionsPanel.Selected) -> None:
        self._accept([event.code_id])

    def action_accept(self) -> None:
        code_id = self.query_one(SuggestionsPanel).highlighted_code
        if code_id:
            self._accept([code_id])

    def action_accept_all(self) -> None:
        rid = self.response_list.current
        # A code already on part of the response stays suggested (enter on it codes the whole response),
        # but accepting everything at once is no such choice: it would add the whole beside the part.
        on_part = self._own_codes(rid) if rid else set()
        code_ids = [s.code_id for s in self.shown_suggestions if s.code_id not in on_part]
        if self.shown_suggestions and not code_ids:
            self.notify("Every suggestion here is already on part of the response: enter on one codes the whole.")
            return
        seen = set(self.query_one(SuggestionsPanel).codes_in_view)
        hidden = [code_id for code_id in code_ids if code_id not in seen]
        self._accept(code_ids)
        if hidden:   # accepted too, though the panel had no room to show them
            names = ", ".join(f"{self.codes[c].index} {self.codes[c].label}" for c in hidden)
            self.notify(f"Accepted all {len(code_ids)}, also {names} (below the panel's view).")

    def _accept(self, code_ids: list[str]) -> None:
        rid = self.response_list.current
        if rid is None or not code_ids:
            return
        before = self._own_codes(rid)
        if self.saved(lambda: accept_suggestions(self.conn, rid, code_ids, self.coder)):
            self.after_change(rid, before)
            # The rules of the code just applied (the best of several), as a code key shows them.
            self.show_rules(code_ids[0], "just accepted" if len(code_ids) == 1
                            else f"just accepted, with {len(code_ids) - 1} more")
            self.advance()

    def action_reject(self) -> None:
        rid = self.response_list.current
        code_id = self.query_one(SuggestionsPanel).highlighted_code
        queued = self.queued.get(rid) if rid else None
        if code_id is None and queued is not None and queued.code_id is not None:
            # A queued call under its threshold is no suggestion, but "not this code" is the answer
            # the queue asks for: it settles the call, and training learns from it.
            code_id = queued.code_id
            if code_id in self._own_codes(rid):
                self.notify("The code this response is queued for is applied: remove it first to turn it down.")
                return
        if rid and code_id is None:
            self.notify("No suggestion to reject here: x turns down the one highlighted under Suggestions.")
        logged: list[bool] = []
        if rid and code_id and self.saved(lambda: logged.append(reject_suggestion(self.conn, rid, code_id, self.coder))):
            code = next(c for c in self.codebook.codes if c.id == code_id)
            if not logged[0]:
                self.notify(f"{code.index} {code.label} is already turned down on {rid}.", timeout=3)
                return
            self.after_change(rid, self._own_codes(rid))
            self.notify(f"Turned down {code.index} {code.label} on {rid} (u undoes).", timeout=3)

    def action_new_code(self) -> None:
        """Add a code (to the highlighted theme) and apply it to the selected text, or the whole response."""
        rid = self.response_list.current
        theme_id = self.query_one(CodebookPanel).highlighted_theme or next(
            (t.id for t in self.codebook.themes if not t.retired), None)
        if rid is None or theme_id is None:
            self.notify("A new code needs a response and a theme (F2 adds themes).", severity="warning")
            return
        from coder.tui.screens.codebook_forms import RecordForm
        from coder.tui.screens.record_fields import checked_code_values, code_fields

        theme = next(t for t in self.codebook.themes if t.id == theme_id)
        span, before = self.query_one(ResponseView).selected_span(), self._own_codes(rid)

        def save(values: dict) -> None:
            fields = checked_code_values(values, None, self.codebook)
            fields["index"] = fields["index"] or None
            code = apply_new_code(self.conn, rid, theme_id, fields.pop("label"), self.coder,
                                  start=span[0] if span else None, end=span[1] if span else None, **fields)
            self.load_codebook()
            self.clear_selection()
            self.after_change(rid, before)
            self.show_rules(code.id, "just added and applied")
        where = "the selected text" if span else f"response {rid}"
        self.app.push_screen(RecordForm(f"New code in theme {theme.index} {theme.label}, applied to {where}",
                                        code_fields(None, next_code_index(self.codebook, theme_id)), save))
