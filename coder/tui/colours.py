"""Readable text colours in the UI: text on a code's colour, and theme colours checked by
WCAG contrast (the code colours themselves: coder.colours)."""

from __future__ import annotations

READABLE = 4.5   # WCAG AA contrast ratio for text


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour (ValueError if it is not one)."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours, from 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with `colour` (a #rrggbb hex).

    One of the two always reaches a contrast ratio of at least 4.58.
    """
    try:
        # Equal contrast with black and white where (L + 0.05)^2 = 1.05 * 0.05, at L = 0.179.
        return "#000000" if luminance(colour) > 0.179 else "#ffffff"
    except ValueError:
        return "#000000"


def readable_on(foreground: str, background: str) -> str:
    """`foreground` if it reads on `background` (both #rrggbb), else black or white, whichever reads."""
    return foreground if contrast(foreground, background) >= READABLE else text_on(background)


def muted_on(foreground: str, backgrounds: list[str], ratio: float = READABLE) -> str:
    """The most muted text colour that still reads: `foreground` mixed towards the first
    background as far as it keeps a contrast of `ratio` with every one of them (all #rrggbb);
    `foreground` itself where it cannot. For placeholders and inactive tabs, which themes
    draw at half strength (2.0-3.5:1)."""
    def mixed(share: float) -> str:
        pairs = zip(_channels(foreground), _channels(backgrounds[0]))
        return "#" + "".join(f"{round(f + (b - f) * share):02x}" for f, b in pairs)

    for step in range(10, -1, -1):
        candidate = mixed(step / 20)
        if all(contrast(candidate, background) >= ratio for background in backgrounds):
            return candidate
    return foreground


def _channels(colour: str) -> list[int]:
    return [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]


def chip_style(colour: str) -> str:
    """A Textual style string for text drawn on a code's colour."""
    return f"{text_on(colour)} on {colour}"
