"""Colours for codes: the codebook's own, else a palette readable in light and dark themes.

Used by the UI and by exports to other tools, so a code has the same colour everywhere.
"""

from __future__ import annotations

from coder.codebook.rules import full_colour
from coder.records import Codebook

# Tableau 10 (mid-tone colours that read with dark text in both Textual themes), then ten more
# of Tableau 20 that differ from all of them: a codebook of 20 codes shows 20 colours (with ten,
# a usage test found 1.1, 4.1 and 6.3 alike). Charts of up to ten series use the first ten.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
           "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894",
           "#d37295", "#d4a6c8", "#d7b5a6", "#79706e", "#fabfd2"]


# A code's colour as coder.json (coder.refi.fields) records one the codebook does not set: project.qde
# gives every code the colour it is shown in, for other programs, and this keeps it picked on import.
AUTOMATIC_COLOUR = "automatic"


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Code id -> colour (#rrggbb), the codebook's colour where it sets one."""
    # full_colour: a project an older coder stored "#0f0" in.
    return {code.id: full_colour(code.color) if code.color else PALETTE[i % len(PALETTE)]
            for i, code in enumerate(codebook.codes)}
