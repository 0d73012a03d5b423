"""Memos and chart summaries on the coding screen (`m`, `M`, `s`).

A mixin of CodingScreen: the note is committed the moment its editor closes;
if it cannot be (a full disk), the editor opens again with the text typed.
"""

from __future__ import annotations

from coder.store.browse import change_marker
from coder.store.charts import charts_for_response, set_chart
from coder.store.memos import get_memo, set_memo
from coder.tui.screens.note_editor import NoteEditor
from coder.tui.widgets.codebook_panel import CodebookPanel


class NoteActions:
    """`action_memo`, `action_code_memo` and `action_chart` for the coding screen."""

    def action_memo(self) -> None:
        rid = self.response_list.current
        if rid is None:
            return
        self._edit_note(f"Memo on response {rid}", get_memo(self.conn, "response", rid, self.coder),
                        lambda text: set_memo(self.conn, "response", rid, self.coder, text), rid)

    def action_code_memo(self) -> None:
        code_id = self.query_one(CodebookPanel).highlighted_code
        if code_id is None:
            self.notify("Highlight a code in the codebook panel first (tab to it).")
            return
        code = self.codes[code_id]

        def save(text: str) -> None:
            set_memo(self.conn, "code", code_id, self.coder, text)
            self.query_one(CodebookPanel).set_code_memo(code_id, get_memo(self.conn, "code", code_id,
                                                                          self.coder))
        self._edit_note(f"Memo on code {code.index} {code.label}",
                        get_memo(self.conn, "code", code_id, self.coder), save, None)

    def action_chart(self) -> None:
        rid = self.response_list.current
        if rid is None:
            return
        theme_id = self.query_one(CodebookPanel).highlighted_theme
        if theme_id is None:
            own = [self.codes[c] for c in self._own_codes(rid) if c in self.codes]
            theme_id = own[0].theme_id if own else None
        if theme_id is None:
            self.notify("Highlight a theme or code in the codebook panel first (tab to it).")
            return
        self._edit_note(f"Chart summary: response {rid} under theme {self._theme_index(theme_id)}",
                        charts_for_response(self.conn, rid, self.coder).get(theme_id),
                        lambda text: set_chart(self.conn, rid, theme_id, self.coder, text), rid)

    def _edit_note(self, title: str, text: str | None, save, rid: str | None) -> None:
        def done(result: str | None) -> None:
            if result is None:
                return
            if not self.saved(lambda: save(result)):
                self._edit_note(title, result, save, rid)   # the text typed stays, to save again
                return
            if rid is not None:
                self.after_change(rid, self._own_codes(rid))
            else:
                self._marker = change_marker(self.conn)
        self.app.push_screen(NoteEditor(title, text), done)
