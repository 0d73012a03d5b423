"""Memos and chart summaries on the coding screen (`m`, `M`, `s`).

A mixin of CodingScreen: the note is committed the moment its editor closes;
if it cannot be (a full disk), the editor opens again with the text typed.
While the editor is open its text is kept as a draft in the project
(coder.store.drafts), so a killed terminal loses nothing typed: the next time
that note is opened, the draft is in the editor.
"""

from __future__ import annotations

from coder.errors import SaveError
from coder.store import transaction
from coder.store.browse import change_marker
from coder.store.charts import charts_for_response, set_chart
from coder.store.drafts import draft_titles, drop_draft, get_draft, save_draft
from coder.store.memos import get_memo, set_memo
from coder.tui.screens.note_editor import NoteEditor
from coder.tui.widgets.codebook_panel import CodebookPanel


class NoteActions:
    """`action_memo`, `action_code_memo` and `action_chart` for the coding screen."""

    def action_memo(self) -> None:
        rid = self.response_list.current
        if rid is None:
            return
        self._edit_note(f"memo:response:{rid}", f"Memo on response {rid}",
                        get_memo(self.conn, "response", rid, self.coder),
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
        self._edit_note(f"memo:code:{code_id}", f"Memo on code {code.index} {code.label}",
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
        self._edit_note(f"chart:{rid}:{theme_id}",
                        f"Chart summary: response {rid} under theme {self._theme_index(theme_id)}",
                        charts_for_response(self.conn, rid, self.coder).get(theme_id),
                        lambda text: set_chart(self.conn, rid, theme_id, self.coder, text), rid)

    def notify_drafts(self) -> None:
        """Say which notes have typed text that was never saved (a killed terminal, say)."""
        titles = draft_titles(self.conn, self.coder)
        if titles:
            self.notify(f"Text typed but not saved, back in the editor when you open: {'; '.join(titles)}",
                        title="Unsaved notes kept", timeout=15)

    def _edit_note(self, note: str, title: str, text: str | None, save, rid: str | None) -> None:
        """Open the editor on a note (`note` is its draft key), with its draft if one was kept."""
        heading, draft = title, get_draft(self.conn, self.coder, note)
        if draft is not None and draft != (text or ""):
            text, heading = draft, f"{title} (text you had not saved; ctrl+g drops it)"

        def save_and_drop(result: str) -> None:
            with transaction(self.conn):
                save(result)
                drop_draft(self.conn, self.coder, note)

        def done(result: str | None) -> None:
            if result is None:
                self.saved(lambda: drop_draft(self.conn, self.coder, note))
                return
            if not self.saved(lambda: save_and_drop(result)):
                self._edit_note(note, title, result, save, rid)   # the text typed stays, to save again
                return
            if rid is not None:
                self.after_change(rid, self._own_codes(rid))
            else:
                self._marker = change_marker(self.conn)
        self.app.push_screen(NoteEditor(heading, text, lambda typed: self._keep_draft(note, title, typed)), done)

    def _keep_draft(self, note: str, title: str, text: str) -> None:
        try:
            save_draft(self.conn, self.coder, note, title, text)
        except SaveError:
            pass   # the disk is full: saving the note says so, and the editor keeps the text
