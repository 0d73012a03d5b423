"""Text on a code's colour in the UI (the colours themselves: coder.colours)."""

from __future__ import annotations


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (a #rrggbb hex)."""
    try:
        r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#000000"
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 110 else "#ffffff"


def chip_style(colour: str) -> str:
    """A Textual style string for text drawn on a code's colour."""
    return f"{text_on(colour)} on {colour}"
