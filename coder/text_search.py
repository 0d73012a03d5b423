"""Finding what a researcher types in response texts, as a person would expect.

A search ignores case in every script (SQLite's own `lower` folds only A-Z, so
"überstunden" missed "Überstunden") and the accents of Latin, Greek and Cyrillic
letters ("nino" finds "niño", "cafe" finds "café" typed with a combining accent).
Marks that change a letter elsewhere, such as the Japanese dakuten (が is not か),
are kept. `fold` gives the form both sides are compared in; `find` gives the
places in the original text, for highlighting.
"""

from __future__ import annotations

import re
import unicodedata

# The Combining Diacritical Marks block: the accents of Latin, Greek and Cyrillic letters.
_ACCENTS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """`text` with case folded and accents dropped, for comparing (see the module docstring)."""
    if text.isascii():
        return text.lower()
    # Decomposed, so that an accent is a character of its own; composed again after, so that a
    # mark kept stays part of its letter (が does not hold か).
    return unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", text).casefold()))


def find(query: str, text: str) -> list[tuple[int, int]]:
    """Where `query` occurs in `text` (folded alike), as (start, end) character offsets of
    `text`, not overlapping; an accent written as its own character goes with its letter."""
    wanted = fold(query)
    if not wanted:
        return []
    if text.isascii():
        folded, origin = text.lower(), None
    else:
        pieces = [fold(char) for char in text]
        folded = "".join(pieces)
        origin = [i for i, piece in enumerate(pieces) for _ in piece]   # folded position -> text offset
    spans, at = [], folded.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        if origin is None:
            spans.append((at, end))
        else:
            start, stop = origin[at], origin[end - 1] + 1
            while stop < len(text) and not fold(text[stop]):   # a combining accent after the match
                stop += 1
            spans.append((start, stop))
        at = folded.find(wanted, end)
    return spans
