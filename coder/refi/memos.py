"""Memos where REFI-QDA clients read them: one text for all the memos on one target.

REFI keeps memos as `Note`s, but QualCoder reads a project's memo from the
project's `Description` and a source's from the source's. coder writes both
(coder.refi.writer) and, reading a file back, takes a Description that only
repeats the notes on its target as no memo of its own (coder.refi.reader).
A Description in the joined form comes back as the memos of each coder when
every name in it is a known user (split).

A Note's name says what the memo is on and by whom (note_name): QualCoder
keeps the Notes it cannot place as journals under their names, stops on a
name used twice, and writes them back without their NoteRefs; the name then
leads back to the target (parse_note_name).
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

MEMO_KINDS = ("project", "response", "theme", "code")
# note_name's form (a label may hold quotes: the last `" (` ends it), then the older
# "{kind} memo {id}"; either with a suffix that made it unique (coder's " #2", QualCoder's "_123")
_NEW_NAME = re.compile(r'(project|response|theme|code) memo(?: "(.*)")? \(([^"]*)\)(?: #\d+|_\d+)?', re.S)
_OLD_NAME = re.compile(r"(project|response|theme|code) memo(?: (.+))?", re.S)


def joined(memos: Iterable[tuple[str, str]]) -> str:
    """(coder, text) pairs as one text: a lone memo as it is, several as "[coder] text" paragraphs."""
    memos = list(memos)
    if len(memos) == 1:
        return memos[0][1]
    return "\n\n".join(f"[{coder}] {text}" for coder, text in memos)


def split(text: str, coders: Iterable[str]) -> list[tuple[str, str]] | None:
    """A text in joined's several-memo form as (coder, text) pairs; None unless every
    "[name] " that opens it or a paragraph of it names one of `coders`, and the first does."""
    names = "|".join(re.escape(c) for c in sorted(set(coders), key=len, reverse=True) if c)
    if not names or not text.startswith("["):
        return None
    marks = list(re.finditer(rf"(?:^|\n\n)\[({names})\] ", text))
    if not marks or marks[0].start() != 0:
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(m.group(1), text[m.end():end]) for m, end in zip(marks, ends)]


def note_name(kind: str, label: str, coder: str) -> str:
    """A Note's name: what the memo is on (its kind, the label or id of its target) and its coder.

    `code memo "Caseload size and allocation" (bob)`, `project memo (alice)`.
    """
    return f'{kind} memo "{label}" ({coder})' if kind != "project" else f"project memo ({coder})"


class NamedTarget(NamedTuple):
    """What a Note's name says its memo is on (see note_name)."""

    kind: str
    name: str            # a label (or, for a response, its id) from note_name; an id from the older
                         # form, perhaps with QualCoder's "_123" (see coder.refi.reader)
    coder: str | None    # None in the older form
    labelled: bool       # note_name's form: `name` is a label first, an id second


def parse_note_name(name: str | None) -> NamedTarget | None:
    """The target a Note's name gives (note_name's form or the older "{kind} memo {id}"), else None."""
    name = (name or "").strip()
    found = _NEW_NAME.fullmatch(name)
    if found:
        return NamedTarget(found.group(1), found.group(2) or "", found.group(3), True)
    found = _OLD_NAME.fullmatch(name)
    if found:
        return NamedTarget(found.group(1), found.group(2) or "", None, False)
    return None
