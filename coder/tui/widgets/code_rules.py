"""The rules of the code in question, under the response text, wherever focus is.

Which code is in question follows what the researcher last did: the code under
the cursor in the codebook panel, the highlighted suggestion, or the code just
applied or removed. Its definition, include and exclude rules, keywords, memo,
and why the latest suggestion run did not suggest it (when it did not) are shown
with a title saying why this code is the one shown.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from coder.records import Code


class CodeRules(VerticalScroll, can_focus=False):
    """A code's definition and rules, with why it is the code shown."""

    DEFAULT_CSS = """
    CodeRules { height: auto; max-height: 35%; border-top: solid $primary-muted; padding: 0 1;
                display: none; }
    CodeRules.shown { display: block; }
    """

    def compose(self):
        yield Static(id="rules-text")

    def show(self, code: Code, why: str, *, memo: str | None = None, not_suggested: str | None = None) -> None:
        """Show `code`'s rules; `why` says how it came to be shown ("under the cursor" ...)."""
        self.border_title = f"{code.index} {code.label} — {why}"
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
        self.query_one("#rules-text", Static).update(Content("\n").join(lines))
        self.add_class("shown")
        self.scroll_home(animate=False)
