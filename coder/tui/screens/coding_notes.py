"""Memos and chart summaries on the coding screen (`m`, `M`, `s`).

A mixin of CodingScreen: the note is committed the moment its editor closes;
if it cannot be (a full disk), the editor opens again with the text typed.
While the editor is open its text is kept as a draft in the project
(coder.store.drafts), so a killed terminal loses nothing typed: the next time
that note is opened, the draft is in the editor.
"""

from __future__ import annotations

from contextlib import suppress

from coder.errors import SaveError
from coder.store import transaction
from coder.store.browse import change_marker
from coder.store.charts import charts_for_response, set_chart
from coder.store.drafts import draft_titles, drop_draft, get_draft, save_draft
from coder.store.memos import get_memo, set_memo
from coder.tui.screens.note_editor import NoteEditor
from coder.tui.widgets.codebook_panel import CodebookPanel

SHOWN_DRAFTS = 5   # notes named in the start-up notice


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

        def shown() -> None:   # once the memo is committed
            self.query_one(CodebookPanel).set_code_memo(code_id, get_memo(self.conn, "code", code_id, self.coder))
        self._edit_note(f"memo:code:{code_id}", f"Memo on code {code.index} {code.label}",
                        get_memo(self.conn, "code", code_id, self.coder),
                        lambda text: set_memo(self.conn, "code", code_id, self.coder, text), None, shown)

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
            named = "; ".join(titles[:SHOWN_DRAFTS]) + (f"; and {len(titles) - SHOWN_DRAFTS} more"
                                                       if len(titles) > SHOWN_DRAFTS else "")
            self.notify(f"Text typed but not saved, back in the editor when you open: {named}",
                        title="Unsaved notes kept", timeout=15)

    def _edit_note(self, note: str, title: str, text: str | None, save, rid: str | None,
                   shown=None, *, use_draft: bool = True) -> None:
        """Open the editor on a note (`note` is its draft key), with its draft if one was kept.

        `save(text)` writes the note; `shown()`, if given, updates the screen once it is committed.
        """
        heading, draft = title, get_draft(self.conn, self.coder, note) if use_draft else None
        if draft is not None and draft != (text or ""):
            text, heading = draft, f"{title} (text you had not saved; ctrl+g drops it)"

        def save_and_drop(result: str) -> None:
            with transaction(self.conn):
                save(result)
                drop_draft(self.conn, self.coder, note)

        def done(result: str | None) -> None:
            if result is None:
                with suppress(SaveError):   # a draft left on a full disk comes back next time: no loss
                    drop_draft(self.conn, self.coder, note)
                return
            if not self.saved(lambda: save_and_drop(result)):
                # The text just typed stays, to save again (not the older draft).
                self._edit_note(note, title, result, save, rid, shown, use_draft=False)
                return
            if shown is not None:
                shown()
            if rid is not None:
                self.after_change(rid, self._own_codes(rid))
            else:
                self._marker = change_marker(self.conn)
        self.app.push_screen(NoteEditor(heading, text, lambda typed: self._keep_draft(note, title, typed)), done)

    def _keep_draft(self, note: str, title: str, text: str) -> None:
        with suppress(SaveError):   # the disk is full: saving the note says so, and the editor keeps the text
            save_draft(self.conn, self.coder, note, title, text)
