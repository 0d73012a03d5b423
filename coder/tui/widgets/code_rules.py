"""The rules of the code in question, under the response text, wherever focus is.

Which code is in question follows what the researcher last did: the code under
the cursor in the codebook panel, the highlighted suggestion, or the code just
applied or removed. Its definition, include and exclude rules, keywords, memo,
and why the latest suggestion run did not suggest it (when it did not) are shown
with a title saying why this code is the one shown.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from coder.records import Code


class CodeRules(Vertical):
    """A code's definition and rules, with why it is the code shown."""

    DEFAULT_CSS = """
    CodeRules { height: 40%; max-height: 12; border-top: solid $primary-muted; padding: 0 1;
                display: none; }
    CodeRules.shown { display: block; }
    CodeRules #rules-text { height: 1fr; overflow: hidden; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None

    def compose(self):
        yield Static(id="rules-text")

    def show(self, code: Code, why: str, *, memo: str | None = None, not_suggested: str | None = None) -> None:
        """Show `code`'s rules; `why` says how it came to be shown ("under the cursor" ...)."""
        self.border_title = f"{code.index} {code.label} — {why}"
        if self._shown == (code, memo, not_suggested):
            return   # the same rules again (the code toggled off and on): the title is all that changes
        self._shown = (code, memo, not_suggested)
        lines: list[Content] = []
        if code.definition:
            lines.append(Content(code.definition))
        for title, rules in (("Include", code.include), ("Exclude", code.exclude)):
            if rules:
                lines.append(Content.assemble((f"{title}: ", "bold"), "; ".join(rules)))
        if code.keywords:
            lines.append(Content.assemble(("Keywords: ", "bold"), ", ".join(code.keywords)))
        if not_suggested:
            lines.append(Content.assemble(("Not suggested: ", "bold"), not_suggested))
        if memo:
            lines.append(Content.assemble(("Memo: ", "bold"), memo))
        if not lines:
            lines.append(Content.styled("No definition or rules yet (F2 edits the codebook).", "dim"))
        # A fixed-size box repainted in place: no new layout of the screen per code key
        # (that cost tens of ms a keypress on a slow machine). F2 shows rules too long for it.
        self.query_one("#rules-text", Static).update(Content("\n").join(lines), layout=not self.has_class("shown"))
        self.add_class("shown")
