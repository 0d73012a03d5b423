"""Counts and times in messages ("1 theme", "2 themes", "0.04 s"), and text padded or cut to a
width in terminal cells."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

_FIRST_WORD = re.compile(r"\s*(\d[\d.]*\s+)?\S*")   # a label's index, if any, and its first word


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one ("1 code", "0 codes", "3 codings"); `plural` for a noun
    that does not just take an s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def seconds(t: float) -> str:
    """A duration as messages give it: to a tenth of a second, to a hundredth under one second
    ("0.0 s" said nothing of a run that took 40 ms)."""
    return f"{t:,.2f} s" if t < 0.995 else f"{t:,.1f} s"


def fitted(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal cells: a Chinese character or an emoji takes two,
    so padding by characters put every column after it out of line."""
    return set_cell_size(text, width) if cell_len(text) != width else text


def shortened(text: str, width: int, ellipsis: str = "...") -> str:
    """`text` as it is if it fits in `width` terminal cells, else cut to end in `ellipsis` within them
    (just cut, where the width leaves no room for it)."""
    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    return set_cell_size(text, room).rstrip() + ellipsis if room > 0 else set_cell_size(text, max(width, 0))


def shorten(text: str, room: int) -> str:
    """`text` cut to `room` cells after a whole word, with "…" (whole when room is 0 or enough).
    Only where no more than the first word would be left ("1.2 Staff…" is cut so, "3.2
    Administrative" is not, to "3.2…") is a word cut, the first that does not fit."""
    if not room or cell_len(text) <= room:
        return text
    fitting = set_cell_size(text, room - 1)
    first = _FIRST_WORD.match(text).end()
    cut = fitting.rfind(" ") if len(fitting) < len(text) and text[len(fitting)] != " " else len(fitting)
    if cut < first:
        cut = len(fitting)
    return fitting[:cut].rstrip(" ,;:-—") + "…"
