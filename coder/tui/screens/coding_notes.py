"""Memos and chart summaries on the coding screen (`m`, `M`, `s`).

A mixin of CodingScreen, over `NoteEditing` (coder.tui.screens.note_editing): the
note is committed the moment its editor closes, and kept as a draft while typed.
"""

from __future__ import annotations

from coder.notes import Note, chart_note, memo_note, read_note
from coder.store.browse import change_marker
from coder.store.drafts import draft_titles
from coder.tui.screens.note_editing import NoteEditing
from coder.tui.widgets.code_rules import CodeRules
from coder.tui.widgets.codebook_panel import CodebookPanel

SHOWN_DRAFTS = 5   # notes named in the start-up notice


class NoteActions(NoteEditing):
    """`action_memo`, `action_code_memo` and `action_chart` for the coding screen."""

    def action_memo(self) -> None:
        rid = self.response_list.current
        if rid is not None:
            self._edit_note(memo_note("response", rid), f"Memo on response {rid}", rid,
                            lambda: self._say_saved(f"memo on {rid} saved"))

    def action_code_memo(self) -> None:
        """The memo on the code or theme highlighted in the codebook panel; with nothing highlighted
        there, on the code whose rules are shown. `M` on a theme said "highlight a code first" in a
        toast, and the memo typed after it went to the screen as code keys."""
        panel = self.query_one(CodebookPanel)
        theme = next((t for t in self.codebook.themes if t.id == panel.highlighted_theme), None)
        shown = self.query_one(CodeRules).code
        code_id = panel.highlighted_code or (shown.id if theme is None and shown is not None else None)
        if code_id not in self.codes:
            if theme is None:
                self.notify("Highlight a code in the codebook panel first (tab to it).")
                return
            self.edit_note(memo_note("theme", theme.id), f"Memo on theme {theme.index} {theme.label}",
                           lambda: self._say_saved(f"memo on theme {theme.index} saved"))
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
        index = self._theme_index(theme_id)
        self._edit_note(chart_note(rid, theme_id), f"Chart summary: response {rid} under theme {index}", rid,
                        lambda: self._say_saved("chart summary saved"))

    def _say_saved(self, what: str) -> None:
        """Say in the rules' title what was saved last: after a code memo it kept saying "memo
        saved" when a chart summary or a response memo was saved next."""
        code = self.query_one(CodeRules).code
        if code is not None and code.id in self.codes:
            self.show_rules(code.id, what)

    def notify_drafts(self) -> None:
        """Say which notes have typed text that was never saved (a killed terminal, say)."""
        titles = draft_titles(self.conn, self.coder)
        if titles:
            named = "; ".join(titles[:SHOWN_DRAFTS]) + (f"; and {len(titles) - SHOWN_DRAFTS} more"
                                                       if len(titles) > SHOWN_DRAFTS else "")
            self.notify(f"Text typed but not saved, back in the editor when you open: {named}",
                        title="Unsaved notes kept", timeout=15)

    def _edit_note(self, note: Note, title: str, rid: str | None, shown=None) -> None:
        """Edit a note (`NoteEditing.edit_note`); once it is committed, `shown()` updates the
        screen, and the response `rid` (if any) is drawn again."""
        def saved() -> None:
            if shown is not None:
                shown()
            if rid is not None:
                self.after_change(rid, self._own_codes(rid))
            else:
                self._marker = change_marker(self.conn)
        self.edit_note(note, title, saved)
