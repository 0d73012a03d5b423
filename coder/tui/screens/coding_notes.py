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
from coder.notes import Note, chart_note, discard_draft, draft_of, keep_draft, memo_note, read_note, save_note
from coder.store.browse import change_marker
from coder.store.drafts import draft_titles
from coder.tui.screens.note_editor import NoteEditor
from coder.tui.widgets.codebook_panel import CodebookPanel

SHOWN_DRAFTS = 5   # notes named in the start-up notice


class NoteActions:
    """`action_memo`, `action_code_memo` and `action_chart` for the coding screen."""

    def action_memo(self) -> None:
        rid = self.response_list.current
        if rid is not None:
            self._edit_note(memo_note("response", rid), f"Memo on response {rid}", rid)

    def action_code_memo(self) -> None:
        code_id = self.query_one(CodebookPanel).highlighted_code
        if code_id is None:
            self.notify("Highlight a code in the codebook panel first (tab to it).")
            return
        code, note = self.codes[code_id], memo_note("code", code_id)

        def shown() -> None:   # once the memo is committed
            self.query_one(CodebookPanel).set_code_memo(code_id, read_note(self.conn, note, self.coder))
            self.show_rules(code_id, "memo saved")
        self._edit_note(note, f"Memo on code {code.index} {code.label}", None, shown)

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
        self._edit_note(chart_note(rid, theme_id),
                        f"Chart summary: response {rid} under theme {self._theme_index(theme_id)}", rid)

    def notify_drafts(self) -> None:
        """Say which notes have typed text that was never saved (a killed terminal, say)."""
        titles = draft_titles(self.conn, self.coder)
        if titles:
            named = "; ".join(titles[:SHOWN_DRAFTS]) + (f"; and {len(titles) - SHOWN_DRAFTS} more"
                                                       if len(titles) > SHOWN_DRAFTS else "")
            self.notify(f"Text typed but not saved, back in the editor when you open: {named}",
                        title="Unsaved notes kept", timeout=15)

    def _edit_note(self, note: Note, title: str, rid: str | None, shown=None, *,
                   text: str | None = None, use_draft: bool = True) -> None:
        """Open the editor on a note (its saved text, or its draft if one was kept; or `text`).

        `shown()`, if given, updates the screen once the note is committed.
        """
        if text is None:
            text = read_note(self.conn, note, self.coder)
        heading, draft = title, draft_of(self.conn, note, self.coder) if use_draft else None
        if draft is not None and draft != (text or ""):
            text, heading = draft, f"{title} (text you had not saved; ctrl+g drops it)"

        def done(result: str | None) -> None:
            if result is None:
                with suppress(SaveError):   # a draft left on a full disk comes back next time: no loss
                    discard_draft(self.conn, note, self.coder)
                return
            if not self.saved(lambda: save_note(self.conn, note, self.coder, result)):
                # The text just typed stays, to save again (not the older draft).
                self._edit_note(note, title, rid, shown, text=result, use_draft=False)
                return
            if shown is not None:
                shown()
            if rid is not None:
                self.after_change(rid, self._own_codes(rid))
            else:
                self._marker = change_marker(self.conn)

        def typed(current: str) -> None:
            with suppress(SaveError):   # the disk is full: saving the note says so, and the editor keeps the text
                keep_draft(self.conn, note, self.coder, title, current)
        self.app.push_screen(NoteEditor(heading, text, typed), done)
