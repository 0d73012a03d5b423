"""The rules of the code in question, under the response text, wherever focus is.

Which code is in question follows what the researcher last did: the code under
the cursor in the codebook panel, the highlighted suggestion, or the code just
applied or removed. Its definition, include and exclude rules, keywords, memo,
and why the latest suggestion run did not suggest it (when it did not) are shown
under a title line saying why this code is the one shown. Where the label and
the reason do not both fit that line (at 80 columns), it holds the code's index
and the reason, and the label heads the rules, wrapped at words.

Drawn with the line API, title line included, so that a code key repaints only
what changed: nothing when the same rules are shown for the same reason again,
the title line alone when only the reason changes, and rules drawn before come
from a cache. A box with a border title and a Static in it was drawn anew, all
its rows, on every code key: about 3 ms of the key's 15 on a 100,000-response
project.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.cells import cell_len

from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from coder.records import Code
from coder.tui.widgets.base_styles import KeepsBaseStyles
from coder.tui.widgets.title_line import DrawsTitleLine

KEPT_DRAWN = 64   # codes' rules kept drawn
SUGGESTED = "suggested"   # the reason shown for a code the suggestions panel highlights
NOTHING_SHOWN = "Highlight a code in the codebook to read its rules here."


class CodeRules(DrawsTitleLine, KeepsBaseStyles, Widget):
    """A code's definition and rules, with why it is the code shown."""

    TITLE_COMPONENTS = "code-rules"
    COMPONENT_CLASSES = {"code-rules--rule", "code-rules--title"}
    DEFAULT_CSS = """
    CodeRules { height: 40%; max-height: 12; display: none; }
    CodeRules.shown { display: block; }
    CodeRules > .code-rules--rule { color: $primary-muted; }
    CodeRules > .code-rules--title { color: $foreground; text-style: bold; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = ""
        self.why: str | None = None   # how the code shown came to be shown; None: no code shown
        self._shown: tuple | None = None
        self._body: list[Content] = []
        self._title_strip: Strip | None = None
        # Drawn rules by (code, memo, why not suggested, size), the most recent last: moving
        # between responses brings back the same few codes' rules (their top suggestions).
        self._drawn: OrderedDict[tuple, list[Strip]] = OrderedDict()

    @property
    def code(self) -> Code | None:
        """The code whose rules are shown, if any."""
        return self._shown[0] if self._shown is not None else None

    @property
    def body_text(self) -> str:
        """The rules as plain text, one paragraph a line (what the box shows, unwrapped)."""
        return "\n".join(line.plain for line in self._body)

    def show(self, code: Code, why: str, *, memo: str | None = None, not_suggested: str | None = None) -> None:
        """Show `code`'s rules; `why` says how it came to be shown ("under the cursor" ...)."""
        title = f"{code.index} {code.label} — {why}"
        self.why = why
        if self._shown == (code, memo, not_suggested):
            if title != self.title:   # the same rules again (the code toggled off and on)
                fitted = self._label_fits(self.size.width)
                self.title = title
                self._title_strip = None
                if fitted == self._label_fits(self.size.width):
                    self.refresh(Region(0, 0, self.size.width, 1))
                else:   # the label moves between the title and the rules
                    self.refresh()
            return
        self.title = title
        self._title_strip = None
        self._shown = (code, memo, not_suggested)
        self._body = self._paragraphs(code, memo, not_suggested)
        # A fixed-size box repainted in place: showing it is the only change of layout.
        self.refresh()
        self.add_class("shown")

    def show_nothing(self, title: str) -> None:
        """Show no code's rules, under `title`, with a hint how to read one; the box keeps its
        room (and stays hidden if it was)."""
        if self._shown is None and self.title == title:
            return
        self.title = title
        self.why = None
        self._title_strip = None
        self._shown = None
        self._body = [Content.styled(NOTHING_SHOWN, "dim")]
        self.refresh()

    @staticmethod
    def _paragraphs(code: Code, memo: str | None, not_suggested: str | None) -> list[Content]:
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
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._title_strip = None
        self._drawn.clear()

    def _label_fits(self, width: int) -> bool:
        """Whether the code's label and why it is shown fit the title line at `width` (they do
        when no code is shown)."""
        return self._shown is None or cell_len(self.title) <= width - 3

    def drawn_title(self, width: int) -> str:
        """The title, or where the label and the reason do not both fit (at 80 columns), the code's
        index and the reason: the label heads the rules then, wrapped, rather than cut."""
        if self._label_fits(width):
            return self.title
        return f"{self._shown[0].index} — {self.why}"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self.title_strip(width)
        body = self._body_lines(width)
        return body[y - 1] if y - 1 < len(body) else Strip.blank(width, self.base_styles()[0])


    def _body_lines(self, width: int) -> list[Strip]:
        """The rules shown, wrapped to `width` and drawn (once per code, memo and size)."""
        height = self.size.height
        in_title = self._label_fits(width)
        key = (self._shown, width, height, in_title)
        if key in self._drawn:
            self._drawn.move_to_end(key)
            return self._drawn[key]
        base, visual = self.base_styles()
        label = [] if in_title else [Content.styled(f"{self._shown[0].index} {self._shown[0].label}", "bold")]
        lines = [line for paragraph in label + self._body for line in paragraph.wrap(max(1, width - 2))]
        strips = [Strip(Content.assemble(" ", line).render_segments(visual)).adjust_cell_length(width, base)
                  for line in lines[:max(0, height - 1)]]
        self._drawn[key] = strips
        if len(self._drawn) > KEPT_DRAWN:
            self._drawn.popitem(last=False)
        return strips
