"""Colours for codes: the codebook's own, else a palette readable in light and dark themes.

Used by the UI and by exports to other tools, so a code has the same colour everywhere.
"""

from __future__ import annotations

from coder.records import Codebook

# Tableau 10: mid-tone colours that read with dark text in both Textual themes.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Code id -> colour (#rrggbb), the codebook's colour where it sets one."""
    return {code.id: code.color or PALETTE[i % len(PALETTE)] for i, code in enumerate(codebook.codes)}
