"""The response view: attributes, codes applied to the whole response as coloured chips,
the full text with coded spans in their code's colour and the evidence of the suggestion
in question underlined (`underline`), and memo and chart notes.

Drawn with the line API (ScrollView + render_line) over lines wrapped here (by
`coder.tui.wrapping`, in terminal cells), so showing another response repaints
this widget only and never re-lays-out the screen (that keeps a keypress cheap). Each text line knows the offset in the
response it starts at, so text selected with the mouse maps back to code-point
offsets (`selected_span`) and a code key can code just that span. Sentences can
be selected from the keyboard too (`step_sentence`).
"""

from __future__ import annotations

from rich.color import ColorType
from rich.style import Style as RichStyle
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style

from coder.records import Code, Coding, Response
from coder.tui.chips import code_chips, packed_chips
from coder.tui.colours import chip_style, text_on
from coder.tui.widgets.base_styles import KeepsBaseStyles
from coder.tui.wrapping import sentence_ranges, wrap_ranges

# Characters drawn as a space: control characters that would upset the terminal
# and line breaks other than "\n" (one for one, so offsets stay offsets).
_BLANKS = {ord(c): " " for c in "\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}

SPAN_QUOTE = 60   # characters of a coded span quoted in the legend under the text
SEARCH_MATCH = "bold reverse"   # how words found by the search are drawn
MEMO_MARK = "✎ memo"
# Ends the attributes line when it is folded, longest first: "+N more" and the key that shows them.
MORE_HINTS = ("  +{n} more, press .", "  +{n} more (.)", " +{n} (.)")
FOLDED_ONE = " (.)"   # the one attribute is cut: the key shows it whole
ATTRIBUTE_ROOM = 12   # cells kept for attributes when choosing the wording


class ResponseView(KeepsBaseStyles, ScrollView, can_focus=False):
    """One response in full, scrollable."""

    DEFAULT_CSS = "ResponseView { height: 1fr; overflow-x: hidden; padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.response_id: str | None = None
        self.text = ""
        # The queued call and the chips, if any (the id line is `_id_lines`): a line, or chips
        self._header: list[Content | list[Content]] = []
        self._memo_mark = False
        self._attributes: list[str] = []   # "name: value", the response's non-empty attributes
        self._body = Content("")
        self._unlined = Content("")   # the text with its codings and search matches: `_body` less the underlines
        self._evidence: list[tuple[int, int]] = []
        self._notes: list[Content] = []
        # Per drawn line: its content and, for lines of the text, the offset it starts at.
        self._lines: list[tuple[Content, int | None]] = []
        self._width = 0
        self._strips: dict[int, Strip] = {}
        self._sentences: list[tuple[int, int]] | None = None   # of the text, made on first use
        self._chosen: tuple[int, int] | None = None   # the first and last sentence selected by key
        self.details = False   # the attributes line in full, or folded to one line

    def show(self, response: Response | None, codings: list[Coding], codes: dict[str, Code],
             colours: dict[str, str], evidence: list[tuple[int, int]], memo: str | None,
             charts: dict[str, str], own_coder: str,
             nothing: str = "No response matches the filter.", matches: list[tuple[int, int]] = (),
             queued: str | None = None, others_memos: dict[str, str] | None = None) -> None:
        """Draw a response with its codings (already limited to what the coder may see),
        or, for no response, the `nothing` message; `queued` says what the coding queue
        lists it for; `others_memos` (coder -> text) are other coders' memos on it, shown
        with their names when everyone's coding is. Sentences selected by key stay selected while the same response is
        shown again (after coding them)."""
        keep = response is not None and response.id == self.response_id and response.text == self.text
        self.clear_selection_here(keep_sentences=keep, redraw=False)
        drawn = len(self._lines)
        if response is None:
            self.response_id, self.text = None, ""
            self._header, self._notes = [Content(nothing)], []
            self._body = self._unlined = Content("")
            self._evidence = []
        else:
            self.response_id, self.text = response.id, response.text
            self._memo_mark = bool(memo)
            self._attributes = [f"{k}: {v}" for k, v in response.attributes.items() if v not in ("", None)]
            chips = code_chips(codings, codes, colours, own_coder)
            self._header = ([Content.styled(queued, "italic")] if queued else []) + ([chips] if chips else [])
            body = Content(response.text.translate(_BLANKS))
            for coding in codings:
                if coding.start is not None and coding.code_id in colours:
                    body = body.stylize(chip_style(colours[coding.code_id]), coding.start, coding.end)
            for start, end in matches:   # reversed: readable on any colour, as the text itself is
                body = body.stylize(SEARCH_MATCH, start, end)
            self._unlined, self._evidence = body, evidence
            self._body = _underlined(body, evidence)
            notes = [f"memo: {memo}"] if memo else []
            notes += [f"memo [{who}]: {text}" for who, text in (others_memos or {}).items()]
            notes += [f"chart {theme}: {summary}" for theme, summary in charts.items()]
            self._notes = self._span_legend(response.text, codings, codes, colours, own_coder) + \
                [Content.styled(line, "italic") for line in notes]
        self._layout_lines()
        if self.scroll_offset.y and not keep:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
        else:
            if keep and self._chosen is not None:   # a new chip line may have pushed the selection down
                self._scroll_to_offset(self._chosen_span()[1] - 1)
            if self.scroll_offset.y:   # the same response again, scrolled: stay where the reader is
                self.refresh()
            else:  # repaint only the rows drawn before or now, not the whole height
                self.refresh(Region(0, 0, self.size.width, max(drawn, len(self._lines))))

    def underline(self, evidence: list[tuple[int, int]]) -> None:
        """Underline these spans of the text (the evidence of another suggestion) instead of those
        before, scrolling as little as needed to show the first of them."""
        if evidence == self._evidence:
            return
        self._evidence = evidence
        self._body = _underlined(self._unlined, evidence)
        self._layout_lines()
        self.refresh()
        if evidence:   # on a small screen the text shows a few lines: the evidence may be below them
            self._scroll_to_offset(min(start for start, _ in evidence))

    @staticmethod
    def _span_legend(text: str, codings: list[Coding], codes: dict[str, Code], colours: dict[str, str],
                     own_coder: str) -> list[Content]:
        """One line per coded span, in text order: its code by index and label (not by colour
        alone), who coded it if not the coder, and the start of the text it covers."""
        lines = []
        for coding in sorted((c for c in codings if c.start is not None and c.code_id in codes),
                             key=lambda c: (c.start, c.end)):
            code = codes[coding.code_id]
            covered = " ".join(text[coding.start:coding.end].split())
            covered = covered if len(covered) <= SPAN_QUOTE else covered[:SPAN_QUOTE - 1] + "…"
            who = "" if coding.coder == own_coder else f" [{coding.coder}]"
            lines.append(Content.assemble((f" {code.index} ", chip_style(colours.get(code.id, "#777777"))),
                                          f" {code.label}{who}: “{covered}”"))
        return lines

    def _layout_lines(self) -> None:
        # Wrapped to the width the scrollbar will leave, whether or not it shows yet: lines
        # wrapped before a scrollbar appeared would run 2 cells under it (Textual sends no
        # resize when only the scrollbar comes or goes).
        height = self.scrollable_content_region.height
        width = max(1, self.scrollable_content_region.width + self.scrollbar_gutter.right)
        lines = self._wrapped(width)
        bar = self.styles.scrollbar_size_vertical
        if len(lines) > height and bar and width > bar:
            width -= bar
            lines = self._wrapped(width)
        self._width = width
        self._lines = lines
        self._strips.clear()
        size = Size(width, len(lines))
        if size.width == self.virtual_size.width and max(size.height, self.virtual_size.height) <= height:
            # Fits before and after: no scrollbar change, so skip the layout pass
            # a change of virtual size would cost the whole screen.
            self.set_reactive(ResponseView.virtual_size, size)
        else:
            self.virtual_size = size

    def _wrapped(self, width: int) -> list[tuple[Content, int | None]]:
        """Every line drawn at `width` cells: its content and, for lines of the text, its start offset."""
        lines: list[tuple[Content, int | None]] = []
        for part in self._id_lines(width) + self._header:
            lines += [(line, None) for line in (packed_chips(part, width) if isinstance(part, list) else part.wrap(width))]
        body = self._body
        if self._chosen is not None:
            start, end = self._chosen_span()
            body = body.stylize(self._selection_style(), start, end)
        lines += [(body[start:end], start) for start, end in wrap_ranges(body.plain, width)]
        for note in self._notes:
            lines += [(line, None) for line in note.wrap(width)]
        return lines

    def _id_lines(self, width: int) -> list[Content]:
        """The response id, its memo mark and its attributes: in full, or folded to one line
        with the attributes that fit and how many more the `.` key shows."""
        if self.response_id is None:
            return []
        head = Content.assemble((self.response_id, "bold"), (f"  {MEMO_MARK}", "bold") if self._memo_mark else "",
                                "  ")
        full = head + Content.styled(" · ".join(self._attributes), "dim")
        if self.details or full.cell_length <= width:
            return [full]
        # The longest wording of "N more" that leaves room for some attributes.
        room = width - head.cell_length
        wording = next((w for w in MORE_HINTS if room - len(w.format(n=len(self._attributes))) >= ATTRIBUTE_ROOM),
                       MORE_HINTS[-1])
        for shown in range(len(self._attributes) - 1, 0, -1):   # as many whole attributes as fit
            hint = Content.styled(wording.format(n=len(self._attributes) - shown), "dim")
            attributes = Content.styled(" · ".join(self._attributes[:shown]), "dim")
            if attributes.cell_length <= room - hint.cell_length:
                return [head + attributes + hint]
        hidden = len(self._attributes) - 1   # not one fits whole: the first, cut
        hint = Content.styled(wording.format(n=hidden) if hidden else FOLDED_ONE, "dim")
        if room - hint.cell_length > 1:
            return [head + Content.styled(self._attributes[0], "dim").truncate(room - hint.cell_length, ellipsis=True)
                    + hint]
        return [head + Content.styled(wording.format(n=len(self._attributes)), "dim")]   # no room for any: all counted

    def toggle_details(self) -> None:
        """Show the attributes line in full, or fold it to one line again."""
        self.details = not self.details
        self._layout_lines()
        if self.details:   # the attributes head the text: scrolled down, they unfolded out of sight
            self.scroll_home(animate=False, immediate=True)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        if self.scrollable_content_region.width != self._width:
            self._layout_lines()
            self.refresh()
        if self._chosen is not None:   # the panel below grew or shrank: keep the selection in sight
            self.call_after_refresh(self._scroll_to_offset, self._chosen_span()[1] - 1)

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self._width
        base, visual = self.base_styles()
        if index >= len(self._lines):
            return Strip.blank(width, base)
        selection = self.text_selection
        span = selection.get_span(index) if selection is not None else None
        if span is None and index in self._strips:
            return self._strips[index]
        content, _ = self._lines[index]
        if span is not None:
            start, end = span
            end = len(content) if end == -1 else end
            content = content.stylize(self._selection_style(), start, end)
        strip = Strip(content.render_segments(visual)).apply_offsets(0, index)
        strip = strip.adjust_cell_length(width, base)
        if span is None:
            self._strips[index] = strip
        return strip

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        """The drawn lines: plain text and, for lines of the response text, their start offset."""
        return [(line.plain, offset) for line, offset in self._lines]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(plain for plain, _ in self.rows)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()

    def _selection_style(self) -> Style:
        """The theme's selection background, with black or white text, whichever reads on it.

        The theme's own selection style sets no text colour, so selected text kept its
        colour, which some themes and terminals (256 colours) draw as the background.
        In an ANSI theme or a terminal of 16 colours, reverse video: the colours become
        the nearest of the terminal's 16, which only it knows, and textual-light's
        selection came out black on white beside black on bright white (1.26:1 in xterm's
        palette), ansi-light's white on cyan (2.0:1).
        """
        background = self.screen.get_component_rich_style("screen--selection").bgcolor
        few_colours = self.app.console.color_system in ("standard", "windows")   # as CoderApp.suit_terminal
        if background is None or background.type != ColorType.TRUECOLOR or few_colours:
            return Style.from_rich_style(RichStyle(reverse=True))
        hex_colour = background.get_truecolor().hex
        return Style.from_rich_style(RichStyle(color=text_on(hex_colour), bgcolor=hex_colour))

    def clear_selection_here(self, keep_sentences: bool = False, redraw: bool = True) -> bool:
        """Drop a selection in this view (mouse, and unless `keep_sentences` keyboard); True if there was one.

        `redraw=False` leaves the redraw to the caller (`show`, which draws anew).
        """
        had = self.text_selection is not None or (self._chosen is not None and not keep_sentences)
        if self.text_selection is not None:
            selections = dict(self.screen.selections)
            selections.pop(self, None)
            self.screen.selections = selections
        if not keep_sentences:
            self._sentences = None
            if self._chosen is not None:
                self._chosen = None
                if redraw:
                    self._layout_lines()
                    self.refresh()
        return had

    def step_sentence(self, delta: int, extend: bool = False) -> None:
        """Select the next (`delta` 1) or previous (-1) sentence of the text; with `extend`,
        add the sentence after (or before) the selection to it. The first step selects
        the first (or last) sentence."""
        if self._sentences is None:
            self._sentences = sentence_ranges(self.text)
        last_index = len(self._sentences) - 1
        if last_index < 0:
            return
        if self._chosen is None:
            first = last = 0 if delta > 0 else last_index
        elif extend:
            first, last = self._chosen
            first, last = (first, min(last + 1, last_index)) if delta > 0 else (max(first - 1, 0), last)
        else:
            first = last = min(max((self._chosen[1] + 1) if delta > 0 else (self._chosen[0] - 1), 0), last_index)
        self._chosen = (first, last)
        self._layout_lines()
        self.refresh()
        # Show the sentence the key reached: the last one going forward, the first going back.
        self._scroll_to_offset(self._sentences[last][1] - 1 if delta > 0 else self._sentences[first][0])

    def _chosen_span(self) -> tuple[int, int]:
        first, last = self._chosen
        return self._sentences[first][0], self._sentences[last][1]

    def _scroll_to_offset(self, offset: int) -> None:
        """Scroll as little as needed to show the line holding text offset `offset`."""
        line = max((i for i, (_, start) in enumerate(self._lines) if start is not None and start <= offset),
                   default=0)
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=True)

    def selected_span(self) -> tuple[int, int] | None:
        """The selected part of the response text as (start, end) offsets, or None.

        A mouse selection counts first, then sentences selected by key. Parts of a
        mouse selection outside the text (attributes, notes) are ignored; spaces
        at either end are trimmed. All of the text is no span (None): the code
        then goes on the whole response.
        """
        span = self._selected_part()
        if span is not None and span == (len(self.text) - len(self.text.lstrip()), len(self.text.rstrip())):
            return None
        return span

    def has_selection(self) -> bool:
        """Whether any of the response text is selected (by mouse or by key)."""
        return self._selected_part() is not None

    def _selected_part(self) -> tuple[int, int] | None:
        selection = self.text_selection
        text_rows = [i for i, (_, offset) in enumerate(self._lines) if offset is not None]
        if selection is None and self._chosen is not None:
            return self._chosen_span()
        if selection is None or not text_rows or not self.text:
            return None

        def offset(point, default: int) -> int:
            if point is None:
                return default
            if point.y < text_rows[0]:
                return 0
            if point.y > text_rows[-1]:
                return len(self.text)
            line, start = self._lines[point.y]
            return start + min(point.x, len(line))

        start, end = offset(selection.start, 0), offset(selection.end, len(self.text))
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None


def _underlined(body: Content, spans: list[tuple[int, int]]) -> Content:
    """`body` with these spans underlined (over the styles it has: an underline adds to any)."""
    for start, end in spans:
        body = body.stylize("underline", start, end)
    return body
