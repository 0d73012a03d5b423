"""Text on a code's colour in the UI (the colours themselves: coder.colours)."""

from __future__ import annotations


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with `colour` (a #rrggbb hex).

    By WCAG 2 relative luminance: one of the two always reaches a contrast
    ratio of at least 4.58 (the WCAG AA level for text is 4.5).
    """
    try:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return "#000000"
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Equal contrast with black and white where (L + 0.05)^2 = 1.05 * 0.05, at L = 0.179.
    return "#000000" if luminance > 0.179 else "#ffffff"


def chip_style(colour: str) -> str:
    """A Textual style string for text drawn on a code's colour."""
    return f"{text_on(colour)} on {colour}"
