"""How the offsets of a source's selections count its text, as the selections' names tell.

REFI counts offsets in characters (code points) of the source text as written.
Some programs count otherwise: ATLAS.ti counts a `\r\n` as one character (QualCoder's
reader knows it by the Project's origin), and so do the `\r\n` texts QualCoder
writes for MAXQDA; programs that keep text as UTF-16 (MAXQDA among them) count
a character past U+FFFF, an emoji, as two. Their spans would land a character
further right for each such character before them. Most programs name a
selection by the text it selects, so a text is read the way under which more
of its selections' names start where their offsets say (`read_offsets`); ties
go to the standard's way.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

_PAST_BMP = re.compile("[\U00010000-\U0010FFFF]")   # two UTF-16 units each
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\t]")

@dataclass(frozen=True)
class Offsets:
    """A source's text as coder keeps it, and how to read the file's offsets into it."""

    text: str
    joined: bool = False              # each `\r\n` of the file's text is one `\n` here, as the offsets count it
    pairs: list[int] | None = None    # where offsets count UTF-16 units: the UTF-16 offset of each surrogate pair
    misnamed: int = 0                 # selections whose name is not the text where their offsets say

    def position(self, offset: int) -> int:
        """The code point offset into `text` of an offset as the file counts it (one inside a
        surrogate pair falls on the character's end; one past the end stays past it)."""
        return offset if self.pairs is None else offset - bisect_right(self.pairs, offset - 2)


def read_offsets(text: str, selections: Iterable, origin: str) -> Offsets:
    """How the offsets of `selections` (PlainTextSelection elements) count `text` (see the module
    docstring): with `\n` for each `\r\n` (always in ATLAS.ti's files), in UTF-16 units, both or
    neither, whichever makes more names fit."""
    selections = [(s.get("name") or "", s.get("startPosition")) for s in selections]
    named = [(name, int(start)) for name, start in selections if name.strip() and _whole_number(start)]
    texts = [text.replace("\r\n", "\n")] if "atlas" in origin.lower() and "\r\n" in text else [text]
    if texts[0] == text and "\r\n" in text:
        texts.append(text.replace("\r\n", "\n"))
    readings = [Offsets(candidate, candidate is not text) for candidate in texts]
    readings += [Offsets(r.text, r.joined, _surrogate_pairs(r.text)) for r in readings
                 if _PAST_BMP.search(r.text)]
    named = [(_LINE_BREAKS.sub(" ", name), start) for name, start in named]
    scored = [(sum(_names(r.text, r.position(start), name) for name, start in named), r) for r in readings]
    fitting, best = max(scored, key=lambda pair: pair[0])   # the first of the best: the standard's way
    return Offsets(best.text, best.joined, best.pairs, len(named) - fitting)


def _names(text: str, at: int, name: str) -> bool:
    """Whether `name` is the text at `at`, line breaks and tabs as spaces: an XML parser reads those
    in an attribute (a selection's name) as spaces, so a span over a line break never fit."""
    return _LINE_BREAKS.sub(" ", text[at:at + len(name) + name.count(" ")]).startswith(name)


def _whole_number(value: str | None) -> bool:
    return value is not None and value.strip().isdigit()


def _surrogate_pairs(text: str) -> list[int]:
    """The UTF-16 offset at which each character of `text` past U+FFFF starts (each one before
    it adds a unit)."""
    return [found.start() + n for n, found in enumerate(_PAST_BMP.finditer(text))]
