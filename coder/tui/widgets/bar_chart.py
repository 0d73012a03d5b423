"""Text bar charts: bars of block characters scaled to the space the widget has.

`bar_text` draws one bar (eighth-block precision); `BarChart` draws labelled
groups of bars, e.g. the percent of responses per theme, one bar per
attribute value, and redraws itself to its width when the terminal is resized.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from coder.colours import PALETTE
from coder.wording import shorten

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


def bar_text(value: float, maximum: float, width: int) -> str:
    """A bar of `value` out of `maximum` drawn in `width` cells (empty for 0, NaN or no room)."""
    if width <= 0 or maximum <= 0 or not value or math.isnan(value):
        return ""
    eighths = round(max(0.0, min(value / maximum, 1.0)) * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


@dataclass(frozen=True)
class BarGroup:
    """One labelled category with one value per series (e.g. a theme: % per setting)."""

    label: str
    values: tuple[float, ...]
    bold: bool = False


class BarChart(Widget):
    """Horizontal bars: a label column, then per series a bar and its value.

    With more than one series, each group shows one line per series, named in
    a legend line at the top.
    """

    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(self, *, unit: str = "%", **kwargs) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.series: list[str] = []
        self.groups: list[BarGroup] = []
        self.empty_text = "Nothing to chart."

    def show(self, series: list[str], groups: list[BarGroup], empty_text: str | None = None) -> None:
        """Chart `groups`, whose values are in the order of `series` (names for the legend)."""
        self.series = list(series)
        self.groups = list(groups)
        if empty_text is not None:
            self.empty_text = empty_text
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Text]:
        values = [v for g in self.groups for v in g.values if not math.isnan(v)]
        if not self.groups or not values:
            return [Text(self.empty_text, style="italic")]
        many = len(self.series) > 1
        lines: list[Text] = []
        if many:
            legend = Text("Legend: ")
            for i, name in enumerate(self.series):
                legend.append(FULL * 2, style=PALETTE[i % len(PALETTE)])
                legend.append(f" {name}  ")
            lines += [legend, Text("")]
        label_width = min(max(len(g.label) for g in self.groups), max(12, width // 3))
        name_width = min(max(len(s) for s in self.series), 16) if many else 0
        value_width = len(f"{max(values):.1f}{self.unit}") + 1
        bar_width = max(1, width - label_width - (name_width + 1 if many else 0) - value_width - 2)
        maximum = max(values)
        for group in self.groups:
            for i, value in enumerate(group.values):
                label = group.label if i == 0 else ""
                line = Text(_fit(label, label_width), style="bold" if group.bold else "")
                line.append(" ")
                if many:
                    line.append(_fit(self.series[i], name_width) + " ", style="dim")
                shown = "" if math.isnan(value) else f"{value:.1f}{self.unit}"
                line.append(bar_text(value, maximum, bar_width),
                            style=PALETTE[i % len(PALETTE)])
                line.append(f" {shown}")
                lines.append(line)
        return lines

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width or 80))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))


def _fit(text: str, width: int) -> str:
    """`text` padded, or shortened after a whole word, to exactly `width` cells."""
    return shorten(text, max(1, width)).ljust(width)
