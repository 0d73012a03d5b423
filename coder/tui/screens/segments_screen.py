"""The segments screen (F4): every coded segment of one code, to read its data together.

Framework analysis charts a theme by reading what was coded with each code
side by side. The screen lists one page of a code's codings (the span's text,
or the response's text shortened; its response and coder), shows the
highlighted one in full below, and Enter goes to that response on the coding
screen. It opens on the code highlighted in the coding screen's codebook panel.
Rows come from `coder.store.segments`, a page at a time, so a code with tens
of thousands of codings opens as fast as a small one.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Select, Static

from coder.store.browse import change_marker
from coder.store.codebook_read import load_codebook
from coder.store.codings import coders
from coder.store.segments import Segment, code_segments, count_segments
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.screens.side_screen import ALL_CODERS, SideScreen, chosen_coder, coder_options
from coder.tui.session import Session, UsesSession
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.key_bar import KeyBar
from coder.wording import shortened

PAGE = 200
FIXED_COLUMNS = 3  # response, coder, where: the text column takes the rest of the width


class SegmentTable(DataTable):
    """The segment rows; Enter (shown in the footer) goes to the row's response."""

    BINDINGS = [Binding("enter", "select_cursor", "Go to"), Binding("j", "cursor_down", "Next", show=False),
                Binding("k", "cursor_up", "Previous", show=False)]


def _where(segment: Segment) -> str:
    return "whole" if segment.start is None else f"{segment.start}–{segment.end}"


def _one_line(text: str, width: int) -> str:
    """`text` on one line, cut to `width` terminal cells with an ellipsis (a Chinese character
    takes two: cut by characters, the table cut it again, without the ellipsis)."""
    return shortened(" ".join(text.split()), width, "…")


class SegmentsScreen(UsesSession, SideScreen):
    """One code's segments, a page at a time, for a chosen coder (or all)."""

    DEFAULT_CSS = """
    SegmentsScreen #heading { height: auto; background: $panel; color: $foreground; padding: 0 1; }
    SegmentsScreen #choices { height: 1; margin: 1 0; }
    SegmentsScreen #choices Label { padding: 0 1; width: auto; }
    SegmentsScreen #code { width: 2fr; max-width: 60; }
    SegmentsScreen #coder { width: 1fr; max-width: 24; }
    SegmentsScreen SegmentTable { height: 2fr; }
    SegmentsScreen #reading { height: 1fr; min-height: 4; border-top: solid $primary-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("c", "choose('code')", "Code", tooltip="choose the code whose segments are listed"),
        Binding("o", "choose('coder')", "Coder", tooltip="choose whose segments: one coder's or everyone's"),
        # Named in the heading when there is another page (the footer has no room at 80 columns).
        Binding("n", "page(1)", "Next page", show=False),
        Binding("p", "page(-1)", "Previous page", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.codebook = load_codebook(session.conn)
        self.first = 0
        self.total = 0
        self.page: list[Segment] = []
        self._names = coders(session.conn)   # who has coded, as the coder choice offers them
        self._coder_choice = session.coder if session.coder in self._names else ALL_CODERS   # the choice made
        self._opened_on: str | None = None   # the coding screen's highlighted code at the last open
        self._marker: tuple = ()             # the project as last read (change_marker)

    def compose(self):
        if not self.codebook.codes:
            yield Static("No codes yet: add some on the codebook screen (F2).", id="heading")
            yield KeyBar()
            return
        names = self._names
        yield Static(id="heading")
        with Horizontal(id="choices"):
            yield Label("Code")
            yield Select([(f"{c.index} {c.label}" + (" (retired)" if c.retired else ""), c.id)
                          for c in self.codebook.codes],
                         value=self._first_code(), allow_blank=False, id="code", compact=True)
            yield Label("Coder")
            yield Select(coder_options(names), allow_blank=False,
                         value=self._coder_choice if self._coder_choice in names else ALL_CODERS, id="coder",
                         compact=True)
        yield SegmentTable(id="segments", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="reading"):
            yield Static(id="reading-text")
        yield KeyBar()  # ctrl+p still works; ? lists it

    def _coding_screen(self) -> CodingScreen:
        return next(s for s in self.app.screen_stack if isinstance(s, CodingScreen))

    def _first_code(self) -> str:
        """The code highlighted in the coding screen's codebook panel, else the first code."""
        highlighted = self._highlighted_code()
        if highlighted is not None:
            return highlighted
        return next((c.id for c in self.codebook.codes if not c.retired), self.codebook.codes[0].id)

    def on_mount(self) -> None:
        self._opened_on = self._highlighted_code()
        if self.codebook.codes:
            self.query_one(SegmentTable).focus()
            self.load()

    async def on_screen_resume(self) -> None:
        """Opened again (the screen is kept, see CoderApp.action_open_screen): follow the code now
        highlighted on the coding screen, and read again what changed meanwhile."""
        highlighted = self._highlighted_code()
        codebook = load_codebook(self.conn)
        if codebook != self.codebook or coders(self.conn) != self._names:
            self.codebook, self._names, self.first = codebook, coders(self.conn), 0
            if self.query("#coder"):   # kept: a coder new to the list put it back to your own
                self._coder_choice = self.query_one("#coder", Select).value
            await self.recompose()   # new codes or coders to choose from (or the first code)
            self.on_mount()
        elif highlighted != self._opened_on and highlighted is not None:
            self._opened_on = highlighted
            self.query_one("#code", Select).value = highlighted   # its Changed loads the page
        elif self.codebook.codes and change_marker(self.conn) != self._marker:
            self.load()

    def _highlighted_code(self) -> str | None:
        return self._coding_screen().query_one(CodebookPanel).highlighted_code

    @property
    def code_id(self) -> str:
        return self.query_one("#code", Select).value

    @property
    def chosen_coder(self) -> str | None:
        """Whose segments are listed (None: everyone's)."""
        return chosen_coder(self.query_one("#coder", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.first = 0
        self.load()
        self.query_one(SegmentTable).focus()   # back to reading, the choice made

    def load(self) -> None:
        """Read the current page of the chosen code's segments and draw it."""
        self._marker = change_marker(self.conn)
        self.total = count_segments(self.conn, self.code_id, self.chosen_coder)
        self.first = min(self.first, max(self.total - 1, 0) // PAGE * PAGE)
        self.page = code_segments(self.conn, self.code_id, self.chosen_coder,
                                  offset=self.first, limit=PAGE)
        self._draw()
        self.refresh_bindings()

    def _draw(self) -> None:
        code = next(c for c in self.codebook.codes if c.id == self.code_id)
        who = self.chosen_coder or "all coders"
        shown = (f"{self.first + 1:,}–{self.first + len(self.page):,} of {self.total:,} segments"
                 if self.total else "no segments yet")
        pages = " · ".join(name for name, delta in (("n: next page", 1), ("p: previous page", -1))
                           if self.check_action("page", (delta,)))
        self.query_one("#heading", Static).update(Text.assemble(
            (f"{code.index} {code.label}", "bold"), f"  │  {shown}  │  {who}",
            (f"  │  {pages}" if pages else "", "bold")))
        table = self.query_one(SegmentTable)
        table.clear(columns=True)
        id_width = max([len("Response")] + [len(s.response_id) for s in self.page])
        coder_width = max([len("Coder")] + [len(s.coder) for s in self.page])
        where_width = max([len("Where")] + [len(_where(s)) for s in self.page])
        text_width = max(self.size.width - id_width - coder_width - where_width
                         - 2 * (FIXED_COLUMNS + 1) - 2, 20)
        table.add_column("Response", width=id_width)
        table.add_column("Coder", width=coder_width)
        table.add_column("Where", width=where_width)
        table.add_column("Text", width=text_width)
        for index, segment in enumerate(self.page):
            table.add_row(segment.response_id, segment.coder, _where(segment),
                          _one_line(segment.text, text_width), key=str(index))
        self._show_reading()

    def on_resize(self) -> None:
        if self.is_mounted and self.query(SegmentTable):
            self._draw()

    def _highlighted(self) -> Segment | None:
        row = self.query_one(SegmentTable).cursor_row
        return self.page[row] if 0 <= row < len(self.page) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_reading()

    def _show_reading(self) -> None:
        segment = self._highlighted()
        text = self.query_one("#reading-text", Static)
        if segment is None:
            text.update("Nothing coded with this code yet" +
                        ("" if self.chosen_coder is None else " by this coder (o: choose another)") + ".")
            return
        where = ("whole response" if segment.start is None
                 else f"characters {segment.start}–{segment.end}")
        text.update(Text.assemble((f"{segment.response_id}", "bold"), f" · {segment.coder} · {where}\n",
                                  segment.text, ("…" if segment.shortened else "")))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        segment = self._highlighted()
        if segment is None:
            return
        coding = self._coding_screen()
        self.app.pop_screen()
        coding.go_to(segment.response_id)

    # ----- keys

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Next and previous page only when there is such a page (hidden in the footer otherwise)."""
        if action == "page":
            target = self.first + parameters[0] * PAGE
            return 0 <= target < self.total
        return True

    def action_page(self, delta: int) -> None:
        self.first += delta * PAGE
        self.load()
