"""The response view: attributes, the full text with coded spans in their code's colour
and suggestion evidence underlined, whole-response codes as chips, memo and chart notes.

Text selected with the mouse in the text maps back to code-point offsets
(`selected_span`), so a code key can code just that span.
"""

from __future__ import annotations

import re

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from coder.records import Code, Coding, Response
from coder.tui.colours import chip_style

# Line breaks other than "\n" that str.splitlines() honours, mapped to "\n"
# one for one so that offsets in the shown text are offsets in the response.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def display_text(text: str) -> str:
    """The response text with every line break as a lone "\n", same length as `text`."""
    return _BREAKS.sub(lambda m: " \n" if m.group() == "\r\n" else "\n", text)


class ResponseText(Static):
    """The response text itself; selectable."""

    DEFAULT_CSS = "ResponseText { padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = ""

    def show(self, text: str, content: Content) -> None:
        self.text = display_text(text)
        self.update(content)

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as (start, end) offsets into the response, or None."""
        selection = self.text_selection
        if selection is None or not self.text:
            return None
        lines = self.text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)

        def offset(point, default: int) -> int:
            if point is None:
                return default
            row = min(point.y, len(lines) - 1)
            return starts[row] + min(point.x, len(lines[row]))

        start, end = offset(selection.start, 0), offset(selection.end, len(self.text))
        # Selections often run over surrounding spaces; a span is the words in it.
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None


class ResponseView(VerticalScroll):
    """One response in full."""

    DEFAULT_CSS = """
    ResponseView { height: 1fr; }
    ResponseView #meta { color: $text-muted; padding: 0 1; }
    ResponseView #chips { padding: 0 1; }
    ResponseView #notes { color: $text-muted; padding: 0 1; text-style: italic; }
    """

    def _set(self, selector: str, content) -> None:
        """Update a part only when it changes: every update costs a layout pass."""
        widget = self.query_one(selector, Static)
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            widget.update(content)

    def compose(self):
        self._shown: dict[str, object] = {}
        yield Static(id="meta")
        yield Static(id="chips")
        yield ResponseText(id="text")
        yield Static(id="notes")

    @property
    def text_widget(self) -> ResponseText:
        return self.query_one(ResponseText)

    def show(self, response: Response | None, codings: list[Coding], codes: dict[str, Code],
             colours: dict[str, str], evidence: list[tuple[int, int]], memo: str | None,
             charts: dict[str, str], own_coder: str) -> None:
        """Draw a response with its codings (already limited to what the coder may see)."""
        if response is None:
            self._set("#meta", Content("No response matches the filter."))
            self._set("#chips", Content(""))
            self.text_widget.show("", Content(""))
            self._set("#notes", Content(""))
            return
        attrs = " · ".join(f"{k}: {v}" for k, v in response.attributes.items() if v not in ("", None))
        self._set("#meta", Content.assemble((response.id, "bold"), "  ", attrs,
                                     ("  ✎ memo", "bold") if memo else ""))
        self._set("#chips", self._chips(codings, codes, colours, own_coder))
        content = Content(display_text(response.text))
        for start, end in evidence:
            content = content.stylize("underline", start, end)
        for coding in codings:
            if coding.start is not None and coding.code_id in colours:
                content = content.stylize(chip_style(colours[coding.code_id]), coding.start, coding.end)
        self.text_widget.show(response.text, content)
        lines = [f"memo: {memo}"] if memo else []
        lines += [f"chart {codes_theme}: {summary}" for codes_theme, summary in charts.items()]
        self._set("#notes", Content("\n".join(lines)))
        if self.scroll_y:
            self.scroll_home(animate=False)

    @staticmethod
    def _chips(codings: list[Coding], codes: dict[str, Code], colours: dict[str, str],
               own_coder: str) -> Content:
        parts: list = []
        seen: set[tuple[str, str]] = set()
        for coding in codings:
            code = codes.get(coding.code_id)
            key = (coding.code_id, coding.coder)
            if code is None or key in seen:
                continue
            seen.add(key)
            span = "" if coding.start is None else "~"
            who = "" if coding.coder == own_coder else f" ({coding.coder})"
            parts += [(f" {code.index}{span} {code.label}{who} ", chip_style(colours[code.id])), " "]
        return Content.assemble(*parts) if parts else Content("")
