"""Memos where REFI-QDA clients read them: one text for all the memos on one target.

REFI keeps memos as `Note`s, but QualCoder reads a project's memo from the
project's `Description` and a source's from the source's. coder writes both
(coder.refi.writer) and, reading a file back, takes a Description that only
repeats the notes on its target as no memo of its own (coder.refi.reader).
"""

from __future__ import annotations

from typing import Iterable


def joined(memos: Iterable[tuple[str, str]]) -> str:
    """(coder, text) pairs as one text: a lone memo as it is, several as "[coder] text" paragraphs."""
    memos = list(memos)
    if len(memos) == 1:
        return memos[0][1]
    return "\n\n".join(f"[{coder}] {text}" for coder, text in memos)
