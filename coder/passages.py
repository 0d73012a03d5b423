"""Keeping coded passages on their words when a response's text is replaced.

A span coding is a passage of the text (code-point offsets). When an import
replaces a response's text (`coder import --on-duplicate replace`: a corrected
transcript, a re-export of the survey), each passage stays where its words
still are, moves to where they now are when they appear exactly once in the
new text, and otherwise cannot be placed: the import is then refused, since
dropping the coding or guessing a place would lose or falsify a decision.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from coder.records import Coding
from coder.store.codings import move_passage, passages_of
from coder.store.responses import texts_of

SHOWN_EXCERPT = 40   # characters of a passage quoted in a message


@dataclass(frozen=True)
class LostPassage:
    """A coded passage whose words the new text does not hold once."""

    coding: Coding
    excerpt: str

    def describe(self) -> str:
        quoted = self.excerpt if len(self.excerpt) <= SHOWN_EXCERPT else self.excerpt[:SHOWN_EXCERPT - 1] + "…"
        return f"response {self.coding.response_id!r}: {self.coding.coder}'s {self.coding.code_id} passage {quoted!r}"


@dataclass(frozen=True)
class CarriedPassages:
    """What replacing texts did to their coded passages."""

    moved: int
    lost: list[LostPassage]


def new_start(excerpt: str, start: int, text: str) -> int | None:
    """Where a passage `excerpt` (at `start` in the old text) is in `text`: the same place if its
    words are still there, else its only occurrence; None if it is not there, or there more than once."""
    if text[start:start + len(excerpt)] == excerpt:
        return start
    first = text.find(excerpt)
    if first < 0 or text.find(excerpt, first + 1) >= 0:
        return None
    return first


def carry_passages(conn: sqlite3.Connection, old_texts: dict[str, str]) -> CarriedPassages:
    """Move the span codings of responses whose text has just been replaced (`old_texts`: their
    texts before) to where their words now are. Codings that cannot be placed are left as they
    were and listed: the caller refuses the change (its transaction is rolled back)."""
    new_texts = texts_of(conn, list(old_texts))
    moved, lost = 0, []
    for coding in passages_of(conn, list(old_texts)):
        old, new = old_texts[coding.response_id], new_texts[coding.response_id]
        excerpt = old[coding.start:coding.end]
        start = new_start(excerpt, coding.start, new) if excerpt else None
        if start is None:
            lost.append(LostPassage(coding, excerpt))
        elif start != coding.start:
            move_passage(conn, coding, start, start + len(excerpt))
            moved += 1
    return CarriedPassages(moved, lost)
