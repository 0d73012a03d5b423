"""A response's text as a .qdpx's source file holds it: `\n` for each `\r\n` and lone `\r`.

REFI counts offsets in characters of the source text as written, and the other
programs read sources with universal newlines, so only `\n` reads back as
written (coder.refi.writer). `WrittenText` maps offsets both ways, for the
writer and for merging a copy that went through a .qdpx (coder.merge).
"""

from __future__ import annotations

from bisect import bisect_left


class WrittenText:
    """A response's text as written to its source file (`\n` line endings) and its offsets there.

    Each `\r\n` becomes `\n` and each lone `\r` `\n` (see the module
    docstring); `offset` maps a code point offset into the stored text to one
    into the written text (a boundary inside a `\r\n` falls on its `\n`).
    """

    __slots__ = ("text", "_pairs")

    def __init__(self, text: str):
        self._pairs: list[int] = []   # where each \r\n starts in the stored text
        if "\r" in text:
            at = text.find("\r\n")
            while at != -1:
                self._pairs.append(at)
                at = text.find("\r\n", at + 2)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text

    def offset(self, position: int) -> int:
        return position - bisect_left(self._pairs, position) if self._pairs else position

    def stored_offset(self, written: int) -> int:
        """The offset into the stored text of `written`, an offset into the written text (the
        inverse of `offset`: a span read back from the file lands on the stored text)."""
        position = written
        for start in self._pairs:
            if start >= position:
                break
            position += 1
        return position
