"""Suggestions and code rules on the coding screen: accept (enter, `A`), reject (`x`),
and the rules of the code in question shown under the text (`coder.tui.widgets.code_rules`).

A mixin of CodingScreen.
"""

from __future__ import annotations

from coder.coding import accept_suggestions, reject_suggestion
from coder.tui.widgets.code_rules import CodeRules
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.suggestions_panel import SuggestionsPanel


class SuggestionActions:
    """Accepting and rejecting suggestions; showing the rules of the code in question."""

    def show_rules(self, code_id: str | None, why: str) -> None:
        """Show the rules of a code under the text, saying why it is the one shown."""
        if code_id in self.codes:
            self.query_one(CodeRules).show(self.codes[code_id], why,
                                           memo=self.query_one(CodebookPanel).code_memo(code_id),
                                           not_suggested=self.not_suggested.get(code_id))

    def on_codebook_panel_code_highlighted(self, event: CodebookPanel.CodeHighlighted) -> None:
        self.show_rules(event.code_id, "under the cursor")

    def on_option_list_option_highlighted(self, event: SuggestionsPanel.OptionHighlighted) -> None:
        if event.option_list is self.query_one(SuggestionsPanel):
            self.show_rules(event.option.id, "suggested")

    def on_option_list_option_selected(self, event: SuggestionsPanel.OptionSelected) -> None:
        event.stop()
        self._accept([event.option.id])

    def action_accept(self) -> None:
        code_id = self.query_one(SuggestionsPanel).highlighted_code
        if code_id:
            self._accept([code_id])

    def action_accept_all(self) -> None:
        self._accept([s.code_id for s in self.shown_suggestions])

    def _accept(self, code_ids: list[str]) -> None:
        rid = self.response_list.current
        if rid is None or not code_ids:
            return
        before = self._own_codes(rid)
        if self.saved(lambda: accept_suggestions(self.conn, rid, code_ids, self.coder)):
            self.after_change(rid, before)

    def action_reject(self) -> None:
        rid = self.response_list.current
        code_id = self.query_one(SuggestionsPanel).highlighted_code
        if rid and code_id and self.saved(lambda: reject_suggestion(self.conn, rid, code_id, self.coder)):
            self.after_change(rid, self._own_codes(rid))
