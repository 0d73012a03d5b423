"""Colours for codes: the codebook's own, else a palette readable in light and dark themes."""

from __future__ import annotations

from coder.records import Codebook

# Tableau 10: mid-tone colours that read with dark text in both Textual themes.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Code id -> background colour (hex), the codebook's colour where it sets one."""
    return {code.id: code.color or PALETTE[i % len(PALETTE)] for i, code in enumerate(codebook.codes)}


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
