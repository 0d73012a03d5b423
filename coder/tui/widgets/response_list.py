"""The response list: a virtual list drawn line by line (ScrollView + render_line).

It holds only the ordered ids; the rows it draws (snippet, status, codes) are
fetched a page at a time when they scroll into view and cached, so opening and
scrolling 100,000+ responses costs the same as 100.
"""

from __future__ import annotations

from typing import Callable

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.store.browse import RowSummary
from coder.tui.colours import readable_on
from coder.tui.widgets.base_styles import KeepsBaseStyles

PAGE = 100
ID_WIDTH = 20   # the most cells an id takes (Qualtrics ids have 17); longer ones are shortened in the middle


class ResponseList(KeepsBaseStyles, ScrollView, can_focus=True):
    """Ordered response ids with a cursor; posts `Highlighted` when the cursor moves."""

    COMPONENT_CLASSES = {"response-list--cursor", "response-list--coded", "response-list--uncoded",
                         "response-list--suggested", "response-list--codes"}
    DEFAULT_CSS = """
    ResponseList { background: $surface; overflow-x: hidden; height: 1fr; }
    ResponseList > .response-list--cursor { background: $block-cursor-blurred-background; color: auto 100%; }
    ResponseList:focus > .response-list--cursor { background: $block-cursor-background; color: $cursor-text; }
    /* In the terminal's own colours (ANSI themes) the blurred cursor's background is the terminal's,
       and `auto` text on it was bright white, unseen on a light terminal: reverse video reads on any. */
    ResponseList:ansi > .response-list--cursor { background: ansi_default; color: ansi_default;
                                                    text-style: reverse; }
    ResponseList:ansi:focus > .response-list--cursor { background: $block-cursor-background;
                                                          color: $cursor-text; text-style: none; }
    ResponseList > .response-list--coded { color: $success; }
    ResponseList > .response-list--uncoded { color: $text-muted; }
    ResponseList > .response-list--suggested { color: $warning; }
    ResponseList > .response-list--codes { color: $accent; text-style: bold; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved onto a response (None when the list is empty)."""

        def __init__(self, response_id: str | None) -> None:
            super().__init__()
            self.response_id = response_id

    def __init__(self, fetch: Callable[[list[str]], dict[str, RowSummary]],
                 code_labels: Callable[[tuple[str, ...]], str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._fetch = fetch
        self._code_labels = code_labels
        self.ids: list[str] = []
        self.cursor = 0
        self._pages: dict[int, list[RowSummary | None]] = {}
        self._strips: dict[int, Strip] = {}
        self._id_width = 6
        self._queued_for: dict[str, str] = {}

    @property
    def current(self) -> str | None:
        """The id under the cursor."""
        return self.ids[self.cursor] if self.ids else None

    def set_ids(self, ids: list[str], keep: str | None = None, queued_for: dict[str, str] | None = None) -> None:
        """Show these ids; keep the cursor on `keep` if it is among them. `queued_for` marks the rows
        of a queue with the code each is queued for ("4.2?"), shown while the response has no code."""
        self.ids = ids
        self._queued_for = queued_for or {}
        self._pages.clear()
        self._strips.clear()
        self._id_width = min(ID_WIDTH, max(map(len, ids[:10_000]), default=2))
        self.virtual_size = Size(self.size.width, len(ids))
        index = 0
        if keep is not None:
            try:
                index = ids.index(keep)
            except ValueError:
                index = 0
        self.cursor = -1
        self.move_to(index, force=True)
        # The list cannot scroll past its old length until laid out again: a search that found one
        # response, cleared, left the cursor on it out of view.
        self.call_after_refresh(self.show_cursor)
        self.refresh()

    def queued_label(self, rid: str) -> str:
        """The code a queued row is marked with ("4.2?"; "" where it is not queued)."""
        return self._queued_for.get(rid, "")

    def set_queued_label(self, rid: str, label: str) -> None:
        """Mark a queued row anew (drawn when the row is next invalidated)."""
        self._queued_for[rid] = label

    def invalidate(self, response_ids: list[str] | None = None) -> None:
        """Forget cached rows (all of them), or fetch these rows again now and redraw just them.

        One response coded costs one row's query and one line redrawn, not a page
        of a hundred rows fetched again and the whole list repainted.
        """
        if response_ids is None:
            self._strips.clear()
            self._pages.clear()
            self.refresh()
            return
        cached = [rid for rid in response_ids
                  if any(r is not None and r.id == rid for rows in self._pages.values() for r in rows)]
        found = self._fetch(cached) if cached else {}
        top = round(self.scroll_offset.y)
        for page, rows in self._pages.items():
            for at, row in enumerate(rows):
                if row is not None and row.id in found:
                    rows[at] = found[row.id]
                    index = page * PAGE + at
                    self._strips.pop(index, None)
                    self.refresh(Region(0, index - top, self.size.width, 1))

    def move_to(self, index: int, *, force: bool = False) -> None:
        """Put the cursor on row `index` (clamped), scroll it into view, post Highlighted."""
        if not self.ids:
            self.cursor = 0
            self.post_message(self.Highlighted(None))
            return
        index = max(0, min(index, len(self.ids) - 1))
        if index == self.cursor and not force:
            return
        old, self.cursor = self.cursor, index
        self._refresh_row(old)
        self._refresh_row(index)
        self.show_cursor()
        self.post_message(self.Highlighted(self.ids[index]))

    def show_cursor(self) -> None:
        """Scroll the cursor's row into view, if it is out of it (call again once laid out: before
        that the list cannot scroll)."""
        top = round(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if not top <= self.cursor < top + height:
            # Leaving the view scrolls the cursor to its middle, so the rows ahead show and the
            # next half page of steps repaints two rows instead of the whole list each time.
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        self._strips.pop(index, None)
        if index >= 0:
            self.refresh(Region(0, index - round(self.scroll_offset.y), self.size.width, 1))

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        self.move_to(index if index >= 0 else len(self.ids) - 1)

    def on_click(self, event) -> None:
        self.move_to(event.y + round(self.scroll_offset.y))

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(self.ids))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _row(self, index: int) -> RowSummary | None:
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            ids = self.ids[page * PAGE:(page + 1) * PAGE]
            found = self._fetch(ids)
            rows = self._pages[page] = [found.get(rid) for rid in ids]
        return rows[index - page * PAGE]

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self.size.width
        base = self.base_styles()[0]
        if index >= len(self.ids):
            return Strip.blank(width, base)
        if index in self._strips:
            return self._strips[index]
        row = self._row(index)
        if index == self.cursor:
            base = base + self.component_style("response-list--cursor")
        strip = Strip(self._segments(row, self.ids[index], base)).adjust_cell_length(width, base)
        if len(self._strips) > 2 * PAGE:
            self._strips.clear()  # keep only about a screenful or two
        self._strips[index] = strip
        return strip

    def _segments(self, row: RowSummary | None, rid: str, base: Style) -> list[Segment]:
        if row is None:
            return [Segment(f"  {rid}", base)]
        if row.code_ids:
            glyph, cls = "●", "response-list--coded"
        elif row.suggested:
            glyph, cls = "◆", "response-list--suggested"
        else:
            glyph, cls = "○", "response-list--uncoded"
        status_style = base + Style(color=_readable(self.component_style(cls).color, base.bgcolor))
        codes = self._code_labels(row.code_ids)
        width = min(self._id_width, max(8, (self.size.width - 4) // 2))
        parts = [Segment(glyph, status_style), Segment("✎" if row.memo else " ", base),
                 Segment(f"{shortened_id(rid, width):<{width}} ", base)]
        if codes:
            codes_style = base + Style(color=_readable(self.component_style("response-list--codes").color,
                                                       base.bgcolor), bold=True)
            parts.append(Segment(codes + " ", codes_style))
        elif rid in self._queued_for:
            parts.append(Segment(self._queued_for[rid] + " ", status_style))
        parts.append(Segment(row.snippet, base))
        return parts


def shortened_id(rid: str, width: int) -> str:
    """`rid` in at most `width` cells: a longer one keeps its start and its last characters around
    "…" (survey tools' ids, such as Qualtrics' R_2f46ec7c74fb1d3, differ anywhere, often at the end)."""
    if len(rid) <= width:
        return rid
    tail = min(4, max(1, (width - 1) // 3))
    return rid[:width - 1 - tail] + "…" + rid[-tail:]


def _readable(colour: Color | None, background: Color | None) -> Color | None:
    """`colour`, or black or white where it would not read on `background` (the cursor row's
    blue under a green, amber or grey mark); as it is where either is the terminal's own colour,
    and the row's own text colour (None) on an ANSI cursor row (green on white was 1.7:1)."""
    if colour is None or background is None:
        return colour
    if background.is_system_defined:   # an ANSI theme's cursor row: its own text colour reads there, a mark's may not
        return None
    if colour.is_default or colour.is_system_defined or background.is_default:
        return colour   # the terminal's own colours (an ANSI theme): its palette decides, as the theme's do
    hexes = [c.get_truecolor().hex for c in (colour, background)]
    return Color.parse(readable_on(*hexes))
