"""The chips above a response's text: one per code and coder applied to it, packed into lines."""

from __future__ import annotations

from textual.content import Content

from coder.records import Code, Coding
from coder.tui.colours import chip_style


def code_chips(codings: list[Coding], codes: dict[str, Code], colours: dict[str, str],
               own_coder: str) -> list[Content] | None:
    """One chip per code and coder, in order of first coding ("1.2~ Label (bob)": "~" only when
    every coding of it is a span, as in the tree; the coder named unless it is `own_coder`);
    None without any."""
    spans_only: dict[tuple[str, str], bool] = {}
    for coding in codings:
        if coding.code_id in codes:
            key = (coding.code_id, coding.coder)
            spans_only[key] = spans_only.get(key, True) and coding.start is not None
    chips = []
    for (code_id, coder), span in spans_only.items():
        code = codes[code_id]
        who = "" if coder == own_coder else f" ({coder})"
        chips.append(Content.styled(f" {code.index}{'~' if span else ''} {code.label}{who} ",
                                    chip_style(colours[code.id])))
    return chips or None


def packed_chips(chips: list[Content], width: int) -> list[Content]:
    """Chips in lines of `width` cells, a space between two, each whole on one line (a chip wider
    than a line cut with "…": its code is named in full in the codebook panel): wrapped as words,
    "1.3 Time pressure and working" ended one line and "hours" began the next."""
    lines: list[Content] = []
    line: list[Content] = []
    for chip in chips:
        if line and sum(c.cell_length + 1 for c in line) + chip.cell_length > width:
            lines.append(Content(" ").join(line))
            line = []
        line.append(chip.truncate(width, ellipsis=True) if chip.cell_length > width else chip)
    if line:
        lines.append(Content(" ").join(line))
    return lines
