"""Counts and times in messages ("1 theme", "2 themes", "0.04 s"), and text padded or cut to a
width in terminal cells."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


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


def shortened(text: str, width: int) -> str:
    """`text` as it is if it fits in `width` terminal cells, else cut to end in "..." within them
    (just cut, where the width leaves no room for the dots)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 3).rstrip() + "..." if width > 3 else set_cell_size(text, max(width, 0))
