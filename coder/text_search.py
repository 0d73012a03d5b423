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
    folded = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", text).casefold()))
    return folded.replace("ı", "i")   # Turkish: KIZ and kız, İ and i, one word whichever i was typed


def find(query: str, text: str) -> list[tuple[int, int]]:
    """Where `query` occurs in `text` (folded alike), as (start, end) character offsets of
    `text`, not overlapping; a letter and the marks written after it (a combining accent, a
    dakuten) are found, and marked, together."""
    wanted = fold(query)
    if not wanted:
        return []
    if text.isascii():
        folded, groups, origin = text.lower(), None, None
    else:
        groups = _letters(text)
        pieces = [fold(text[a:b]) for a, b in groups]
        folded = "".join(pieces)
        origin = [k for k, piece in enumerate(pieces) for _ in piece]   # folded position -> its letter
    spans, at = [], folded.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        spans.append((at, end) if groups is None else (groups[origin[at]][0], groups[origin[end - 1]][1]))
        at = folded.find(wanted, end)
    return spans


def _letters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each character of `text` with the combining marks that follow it."""
    groups, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            groups.append((start, i))
            start = i
    return groups
