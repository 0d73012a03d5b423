"""Editing one note (a memo or a chart summary) from any screen that writes: `NoteEditing`.

The note is committed the moment its editor closes; if it cannot be (a full
disk), the screen says why and the editor opens again with the text typed.
While the editor is open its text is kept as a draft in the project
(coder.store.drafts), so a killed terminal loses nothing typed: the next time
that note is opened, the draft is in the editor.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Callable

from coder.errors import CoderError, SaveError
from coder.notes import Note, discard_draft, draft_of, keep_draft, read_note, save_note
from coder.tui.screens.note_editor import NoteEditor


class NoteEditing:
    """`edit_note` for a screen with `conn`, `coder`, `notify` and `app`."""

    def edit_note(self, note: Note, title: str, saved: Callable[[], None] | None = None, *,
                  text: str | None = None, use_draft: bool = True) -> None:
        """Open the editor on a note (its saved text, or its draft if one was kept; or `text`).

        `saved()`, if given, updates the screen once the note is committed.
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
            try:
                save_note(self.conn, note, self.coder, result)
            except CoderError as exc:
                self.notify(str(exc), title="Not saved", severity="error", timeout=15)
                # The text just typed stays, to save again (not the older draft).
                self.edit_note(note, title, saved, text=result, use_draft=False)
                return
            if saved is not None:
                saved()

        def typed(current: str) -> None:
            with suppress(SaveError):   # the disk is full: saving the note says so, and the editor keeps the text
                keep_draft(self.conn, note, self.coder, title, current)
        self.app.push_screen(NoteEditor(heading, text, typed), done)
