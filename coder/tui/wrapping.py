"""A response's text cut into sentences and into lines of a width in terminal cells.

Both give (start, end) offsets into the text, so what is drawn or selected maps
back to code-point offsets (spans are stored so).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from rich.cells import get_character_cell_size

# A sentence ends after . ! ? or … (and any closing quotes or brackets) before a space, after the full
# stops of Chinese and Japanese (。！？, which no space follows) or the Arabic question mark, or at a line break.
_SENTENCE_END = re.compile(r"[.!?…؟]+[\"')\]’”]*(?=\s)|[。！？]+[」』）”’]*|\n")


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, without the spaces around it."""
    ranges, start = [], 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            first = start + len(piece) - len(piece.lstrip())
            ranges.append((first, start + len(piece.rstrip())))
        start = end
    return ranges


def wrap_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line when `text` is word-wrapped to `width` terminal cells.

    Line breaks end a line (the "\\n" itself is in no range); a long word is
    cut at the width. Spaces at a wrap point stay at the end of their line.
    Characters are measured in cells, so a line of wide characters (CJK,
    most emoji: two cells each) fits the width as a line of letters does.
    """
    width = max(1, width)
    cells = None if text.isascii() else list(accumulate(map(get_character_cell_size, text), initial=0))
    ranges: list[tuple[int, int]] = []
    start = 0
    for paragraph in text.split("\n"):
        at, end = start, start + len(paragraph)
        while True:
            # The furthest point the line can reach within the width (at least one character).
            limit = at + width if cells is None else bisect_right(cells, cells[at] + width, at, end + 1) - 1
            limit = max(limit, at + 1)
            if limit >= end:
                break
            cut = text.rfind(" ", at, limit + 1)
            cut = cut + 1 if cut > at else limit
            ranges.append((at, cut))
            at = cut
        ranges.append((at, end))
        start = end + 1
    return ranges
