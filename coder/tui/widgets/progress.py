"""The progress line: who is coding, coded / total, and per theme; the active filter."""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from coder.records import Codebook
from coder.tui.widgets.base_styles import KeepsBaseStyles


class ProgressLine(KeepsBaseStyles, Widget):
    """One line at the top of the coding screen (fixed height: updates need no layout pass).

    Where the whole line does not fit (80 columns with a filter or auto-advance on),
    the list's size and filter come before the per-theme counts, which are cut first.
    Drawn with the line API and repainted only when its text changes: a code key
    changes it, and a Static's update cost a keypress about 0.5 ms more.
    """

    DEFAULT_CSS = "ProgressLine { height: 1; background: $panel; color: $foreground; padding: 0 1; }"

    _shown: tuple | None = None
    _drawn: tuple | None = None   # what was drawn, and at which width
    _strip: Strip | None = None

    @property
    def text(self) -> str:
        """The line as drawn (plain text)."""
        return "".join(segment.text for segment in self._strip) if self._strip else ""

    def show(self, coder: str, everyone: bool, coded: int, total: int, per_theme: dict[str, int],
             codebook: Codebook, listed: int, filter_text: str, auto_advance: bool = False) -> None:
        themes = " ".join(f"{t.index}:{per_theme.get(t.id, 0)}" for t in codebook.themes if not t.retired)
        who = f"{coder} (showing everyone)" if everyone else coder
        listing = f"list {listed:,}" + (f" [{filter_text}]" if filter_text else "")
        self._shown = (who, auto_advance, coded, total, themes, listing)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = None   # the theme changed: draw the line in its colours
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width
        if self._shown is None or (self._shown, width) == self._drawn:
            return  # an unchanged line is not repainted
        self._drawn = (self._shown, width)
        base, visual = self.base_styles()
        self._strip = Strip(self._line(width).render_segments(visual)).adjust_cell_length(width, base)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        return self._strip if self._strip is not None and y == 0 else Strip.blank(self.content_region.width,
                                                                                   self.base_styles()[0])

    def _line(self, width: int) -> Content:
        who, auto_advance, coded, total, themes, listing = self._shown
        pct = 100.0 * coded / total if total else 0.0
        full = Content.assemble((who, "bold"), ("  auto-advance" if auto_advance else "", "bold"),
                                f"  coded {coded:,}/{total:,} ({pct:.0f}%)", f"  │ themes {themes}", f"  │ {listing}")
        if not width or full.cell_length <= width:
            return full
        short = Content.assemble((who, "bold"), ("  auto" if auto_advance else "", "bold"),
                                 f"  coded {coded:,}/{total:,}", f"  │ {listing}")
        room = width - short.cell_length - len("  │ themes ")
        return Content.assemble(short, f"  │ themes {_whole_counts(themes, room)}" if room > 1 else "").truncate(
            width, ellipsis=True)


def _whole_counts(themes: str, room: int) -> str:
    """As many whole "index:count" entries of `themes` as fit in `room` cells, then "…": a count
    cut short ("6…" for "6:12") would read as another figure."""
    shown = ""
    for entry in themes.split(" "):
        candidate = f"{shown} {entry}".strip()
        if len(candidate) + len(" …") > room and candidate != themes:
            return f"{shown} …".strip()
        shown = candidate
    return shown
