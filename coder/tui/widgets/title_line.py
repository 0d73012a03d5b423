"""A panel's title drawn as its first line, "─ Title ─────", for line-API widgets.

A border title repaints the whole widget when it changes; a title drawn as a
line repaints that line alone.
"""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.style import Style

RULE = "─"


def title_line(title: str, width: int, *, rule: Style, title_style: Style, base_styles: tuple) -> Strip:
    """`title` between rules, cut to `width`, on the widget's (rich, visual) base styles."""
    base, visual = base_styles
    text = Content(title).truncate(max(1, width - 3), ellipsis=True)
    line = Content.assemble((f"{RULE} ", rule), text.stylize(title_style),
                            (" " + RULE * max(0, width - text.cell_length - 3), rule))
    return Strip(line.render_segments(visual)).adjust_cell_length(width, base)
