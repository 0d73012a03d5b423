"""A panel's title drawn as its first line, "─ Title ─────", for line-API widgets.

A border title repaints the whole widget when it changes; a title drawn as a
line repaints that line alone.
"""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.style import Style

from coder.wording import shorten

RULE = "─"


def title_line(title: str, width: int, *, rule: Style, title_style: Style, base_styles: tuple) -> Strip:
    """`title` between rules, shortened after a word to fit `width`, on the widget's (rich, visual)
    base styles."""
    base, visual = base_styles
    text = Content(shorten(title, max(1, width - 3)))
    line = Content.assemble((f"{RULE} ", rule), text.stylize(title_style),
                            (" " + RULE * max(0, width - text.cell_length - 3), rule))
    return Strip(line.render_segments(visual)).adjust_cell_length(width, base)


class DrawsTitleLine:
    """Mixin for a `KeepsBaseStyles` widget whose first line is `self.title`, drawn with its
    component classes `<TITLE_COMPONENTS>--rule` and `<TITLE_COMPONENTS>--title`. The drawn
    line is kept in `_title_strip` until the width changes or the widget sets it to None
    (a new title, a change of style). A widget may draw another title where `self.title` does
    not fit (`drawn_title`)."""

    TITLE_COMPONENTS = ""
    _title_strip: Strip | None = None

    def title_strip(self, width: int) -> Strip:
        """The title line at `width` cells."""
        if self._title_strip is None or self._title_strip.cell_length != width:
            self._title_strip = title_line(
                self.drawn_title(width), width, base_styles=self.base_styles(),
                rule=Style.from_rich_style(self.component_style(f"{self.TITLE_COMPONENTS}--rule")),
                title_style=Style.from_rich_style(self.component_style(f"{self.TITLE_COMPONENTS}--title")))
        return self._title_strip

    def drawn_title(self, width: int) -> str:
        """The title drawn at `width` cells: `self.title` (shortened if it must be)."""
        return self.title
