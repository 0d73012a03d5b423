"""The second pass over project.qde: cases, sources and notes, one element at a time.

Each `TextSource` becomes a response (text, attributes) and its codings become
plain rows while it is read; nothing of the XML is kept. What can only be
settled once everything is read is kept as data for coder.refi.reader: the
case attributes (a Case may come after its source), the CodeRef GUIDs
(mapped to codes there), the notes (their targets may be referred to later)
and the first Coding whose CodeRef the CodeBook lacks (reported only once
every text and span is checked; see coder.refi.reader for the order of errors).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from coder.refi.offsets import read_offsets
from coder.refi.qde import QdeFile, author, children, first_text, guid_of, local, values, written_guid
from coder.refi.skeleton import Skeleton
from coder.refi.stamps import xs_datetime

SET_ATTRIBUTE = "set"   # the attribute holding the sets a source is in ("a; b" for several)
CASE_ATTRIBUTE = "case"   # the attribute holding the name of the case a source is in


@dataclass(slots=True)
class RawCoding:
    """A Coding as read: its CodeRef GUID is mapped to a code once all are known."""

    response_id: str
    code_ref: str
    coder: str
    start: int | None
    end: int | None
    created: str | None
    guid: str | None                              # the Coding's GUID, as the file spells it
    selection: tuple[str, str | None] | None      # its PlainTextSelection's GUID (so spelt) and name


@dataclass(slots=True)
class RawNote:
    """A Note as read; a text in a file (`path`) is read after the codings are checked."""

    guid: str | None
    name: str | None
    author: str
    text: str | None
    path: str | None
    created: str | None = None    # creationDateTime, modifiedDateTime as the file has them
    modified: str | None = None
    span: tuple[int, int] | None = None   # its own PlainTextSelection (QualCoder's annotations): start, end


@dataclass
class SourcesRead:
    """What the second pass found (see the module docstring)."""

    responses: list[tuple[str, str, dict]] = field(default_factory=list)
    codings: list[RawCoding] = field(default_factory=list)
    notes: list[RawNote] = field(default_factory=list)
    # note GUID -> the targets that refer to it, ("response", id) ..., each once, in the order found
    note_targets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (note GUID, target) -> how its memo starts (`quoted` span; "" for a coding of the whole text) where
    # the note hangs on a selection or a coding in that target: coder keeps memos on responses
    anchors: dict[tuple[str, tuple[str, str]], str] = field(default_factory=dict)
    # Descriptions of cases, sources and coded selections: (response id, author, text, on a span),
    # read as response memos (a span's quoted)
    descriptions: list[tuple[str, str, str, bool]] = field(default_factory=list)
    # what coder has no place for: "set description" -> how many the file has
    left_out: Counter = field(default_factory=Counter)
    skipped: int = 0
    unlinked: int = 0   # SourceRefs of cases that name no source
    # selections ending past their text (response id, selection GUID, its Codings): left out, see _span
    past_end: list[tuple[str, str | None, int]] = field(default_factory=list)
    bad_coding: tuple[str | None, str] | None = None   # (Coding guid, its CodeRef GUID)
    # Sources that are not text (pictures, PDFs, audio, video), by kind: [sources, their Codings]
    not_text: dict[str, list[int]] = field(default_factory=dict)
    unlisted_users: set[str] = field(default_factory=set)   # creatingUser GUIDs the file's Users lack
    # texts whose offsets count each \r\n as one character, or in UTF-16 units (coder.refi.offsets);
    # selections whose names are not their text however the offsets count
    joined_line_breaks: int = 0
    utf16_texts: int = 0
    misnamed: int = 0

    def refer(self, note_guid: str, target: tuple[str, str], anchor: str | None = None) -> None:
        """Note that `target` (("response", id), ("code", id) ...) refers to a note; `anchor`, for
        a reference from a selection or coding in it, how the memo starts (see anchors)."""
        targets = self.note_targets.setdefault(note_guid, [])
        if target not in targets:
            targets.append(target)
            if anchor is not None:
                self.anchors[note_guid, target] = anchor


# The REFI-QDA source elements coder does not import (it codes text), and what to call them.
NOT_TEXT_SOURCES = {"PictureSource": "picture", "PDFSource": "PDF", "AudioSource": "audio",
                    "VideoSource": "video"}


def read_sources(qde: QdeFile, skeleton: Skeleton) -> SourcesRead:
    """Read cases, sources and notes; InputError for a missing text or a bad span.

    A response's attributes are its cases' values (in document order), then
    the source's own VariableValues, which win; those coder.json gives (a file
    coder wrote, see coder.refi.fields) replace them all.
    """
    return _SecondPass(qde, skeleton).run()


class _SecondPass:
    def __init__(self, qde: QdeFile, skeleton: Skeleton):
        self.qde = qde
        self.skeleton = skeleton
        self.read = SourcesRead()
        self.texts: list[tuple[str, str]] = []
        self.attributes: dict[str, dict] = {}    # response id -> the source's own values
        self.case_values: dict[str, dict] = {}   # response id -> its cases' values
        self.sets: dict[str, list[str]] = {}     # response id -> the names of the sets it is in
        # selection GUID -> its response and `quoted` span (for Links)
        self.selection_sources: dict[str, tuple[str, str]] = {}
        self.seen: dict[str, set[str]] = {"PlainTextSelection": set(), "Coding": set(), "Note": set()}

    def run(self) -> SourcesRead:
        for section, element in self.qde.records():
            tag = local(element.tag)
            if section == "Cases" and tag == "Case":
                self.case(element)
            elif section == "Sources" and tag == "TextSource":
                self.source(element)
            elif section == "Sources" and tag in NOT_TEXT_SOURCES:
                counts = self.read.not_text.setdefault(NOT_TEXT_SOURCES[tag], [0, 0])
                counts[0] += 1
                counts[1] += sum(1 for part in element.iter() if local(part.tag) == "Coding")
            elif section == "Sets" and tag == "Set":
                self.set(element)
            elif section == "Links" and tag == "Link":
                self.link(element)
            elif section == "Notes" and tag == "Note":
                self.note(element)
        for rid, found in self.case_values.items():
            if CASE_ATTRIBUTE in found and found[CASE_ATTRIBUTE] == rid:
                del found[CASE_ATTRIBUTE]   # a case named as its source (coder's own) tells nothing
            found.update(self.attributes[rid])
            self.attributes[rid] = found
        for rid, names in self.sets.items():
            if rid in self.attributes:   # a variable of that name wins
                self.attributes[rid].setdefault(SET_ATTRIBUTE, "; ".join(dict.fromkeys(names)))
        exact = self.skeleton.exact_attributes
        self.read.responses = [(rid, text, exact.get(rid, self.attributes[rid])) for rid, text in self.texts]
        return self.read

    def note(self, note: ET.Element) -> None:
        """Keep a Note (its text, or the file that has it, is read later), with the span of the
        PlainTextSelection inside it, where QualCoder keeps what an annotation is on."""
        self.once(note)
        groups = children(note)
        marked = groups.get("PlainTextSelection")
        self.read.notes.append(RawNote(note.get("guid"), note.get("name"),
                                       author(self.skeleton.people, note, unlisted=self.read.unlisted_users),
                                       first_text(groups, "PlainTextContent"), note.get("plainTextPath"),
                                       note.get("creationDateTime"), note.get("modifiedDateTime"),
                                       _span(self.qde, marked[0]) if marked else None))

    def once(self, element: ET.Element) -> None:
        """InputError for a selection, coding or note whose GUID one of its kind had before:
        coder keeps GUIDs and writes them back, and a GUID names one element (as for users,
        sources and codes, coder.refi.skeleton)."""
        guid, kind = guid_of(element.get("guid")), local(element.tag)
        if guid in self.seen[kind]:
            self.qde.shared_guid(kind, element.get("guid"))
        if guid:
            self.seen[kind].add(guid)

    def case(self, case: ET.Element) -> None:
        """Add a case's values, and its name as the attribute `case`, to those of each source it
        refers to; its Description is a memo on each of them."""
        groups = children(case)
        found = values(groups.get("VariableValue", ()), self.skeleton.variables)
        name = (case.get("name") or "").strip()
        memo = first_text(groups, "Description") or ""
        for ref in groups.get("SourceRef", ()):
            rid = self.skeleton.source_ids.get(guid_of(ref.get("targetGUID")))
            if rid is None:
                self.read.unlinked += 1
                continue
            values_here = self.case_values.setdefault(rid, {})
            if name:
                values_here.setdefault(CASE_ATTRIBUTE, name)
            values_here.update(found)
            if memo.strip():
                self.read.descriptions.append((rid, author(self.skeleton.people, case,
                                                           unlisted=self.read.unlisted_users), memo, False))

    def link(self, link: ET.Element) -> None:
        """A Link between a Note and a coded selection or a source (NVivo's annotations): the
        note is a memo on that response (quoting the selection's span)."""
        ends = [guid_of(link.get("originGUID")), guid_of(link.get("targetGUID"))]
        for here, other in (ends, ends[::-1]):
            rid, quote = self.selection_sources.get(here) or (self.skeleton.source_ids.get(here), None)
            if rid is not None and other:
                self.read.refer(other, ("response", rid), quote)

    def set(self, group: ET.Element) -> None:
        """Note a set's name on each source it holds (MAXQDA document sets, ATLAS.ti groups); its
        Description is left out (counted)."""
        name, groups = (group.get("name") or "").strip(), children(group)
        self.read.left_out["set description"] += bool((first_text(groups, "Description") or "").strip())
        for member in groups.get("MemberSource", ()) if name else ():
            rid = self.skeleton.source_ids.get(guid_of(member.get("targetGUID")))
            if rid is not None:
                self.sets.setdefault(rid, []).append(sys.intern(name))

    def source(self, source: ET.Element) -> None:
        """One TextSource: its text, own values, NoteRefs and codings (empty selections counted)."""
        groups = children(source)
        rid = self.skeleton.source_ids[guid_of(source.get("guid"))]
        offsets = read_offsets(self.qde.text_of(source, groups), groups.get("PlainTextSelection", ()),
                               self.qde.origin)
        text = offsets.text
        self.read.joined_line_breaks += offsets.joined
        self.read.utf16_texts += offsets.pairs is not None
        self.read.misnamed += offsets.misnamed
        self.texts.append((rid, text))
        self.attributes.setdefault(rid, {}).update(
            values(groups.get("VariableValue", ()), self.skeleton.variables))
        people, read = self.skeleton.people, self.read
        if (first_text(groups, "Description") or "").strip():
            read.descriptions.append((rid, author(people, source, unlisted=read.unlisted_users),
                                      first_text(groups, "Description"), False))
        for ref in groups.get("NoteRef", ()):
            read.refer(guid_of(ref.get("targetGUID")), ("response", rid))
        for coding in groups.get("Coding", ()):
            self.coding(coding, rid, None, None, author(people, coding, unlisted=read.unlisted_users),
                        coding.get("creationDateTime"), None, "")
        for selection in groups.get("PlainTextSelection", ()):
            self.once(selection)
            start, end = map(offsets.position, _span(self.qde, selection))
            parts = children(selection)
            past_end = end > len(text)   # see _span: its codings are left out, its memos kept
            whole = start == 0 and end == len(text)   # a coding of the whole response, as coder keeps it
            quote = "" if past_end or whole else quoted(text, start, end)   # how a memo on the span starts
            if selection.get("guid"):
                self.selection_sources[guid_of(selection.get("guid"))] = (rid, quote)
            if past_end:
                read.past_end.append((rid, selection.get("guid"), len(parts.get("Coding", ()))))
            if (first_text(parts, "Description") or "").strip():
                read.descriptions.append((rid, author(people, selection, unlisted=read.unlisted_users),
                                          quote + first_text(parts, "Description"), bool(quote)))
            for ref in parts.get("NoteRef", ()):
                read.refer(guid_of(ref.get("targetGUID")), ("response", rid), quote)
            if past_end:
                continue
            if start == end:
                read.skipped += 1
                continue
            spelt = written_guid(selection.get("guid"))
            for coding in parts.get("Coding", ()):
                self.coding(coding, rid, None if whole else start, None if whole else end,
                            author(people, coding, selection, unlisted=read.unlisted_users),
                            coding.get("creationDateTime") or selection.get("creationDateTime"),
                            (spelt, selection.get("name")) if spelt else None, quote)

    def coding(self, coding: ET.Element, rid: str, start: int | None, end: int | None,
               coder: str, created: str | None, selection: tuple[str, str | None] | None, quote: str) -> None:
        """Keep a Coding's row; remember the first whose CodeRef the CodeBook lacks. A Note it
        refers to is a memo on its response starting with `quote`, its `quoted` span ("" for a
        coding of the whole text): coder keeps memos on responses, not on codings."""
        self.once(coding)
        ref = next((child for child in coding if local(child.tag) == "CodeRef"), None)
        for note in (child for child in coding if local(child.tag) == "NoteRef"):
            self.read.refer(guid_of(note.get("targetGUID")), ("response", rid), quote)
        target = guid_of(ref.get("targetGUID")) if ref is not None else ""
        if (self.read.bad_coding is None and target not in self.skeleton.code_by_guid
                and target not in self.skeleton.theme_by_guid):
            self.read.bad_coding = (coding.get("guid"), target)
        # CodeRef GUIDs and time stamps repeat: one string for each, not one per coding
        created = xs_datetime(created) if created else None
        self.read.codings.append(RawCoding(rid, sys.intern(target), coder, start, end,
                                           sys.intern(created) if created else created,
                                           written_guid(coding.get("guid")), selection))


def quoted(text: str, start: int, end: int) -> str:
    """How a memo on a span of `text` starts: the span in quotes (`“stressed”: `)."""
    return f"“{text[start:end]}”: "


def _span(qde: QdeFile, selection: ET.Element) -> tuple[int, int]:
    """A selection's start and end as the file has them; InputError unless 0 <= start <= end.

    An end past the text is not checked here: the caller leaves the selection out: QualCoder reads texts with universal
    newlines, so a text that had `\r\n` is shorter in its exports than the
    spans it kept. Moving such a span would guess which characters were meant;
    refusing the file would lose everything else in it.
    """
    try:
        start = int(selection.get("startPosition", ""))
        end = int(selection.get("endPosition", ""))
    except ValueError:
        qde.fail("startPosition and endPosition must be whole numbers", local(selection.tag),
                 selection.get("guid"), "startPosition")
    if not 0 <= start <= end:
        why = "it starts below 0" if start < 0 else "it starts after its end"
        qde.fail(f"span {start}-{end} is not a span of its text ({why})",
                 local(selection.tag), selection.get("guid"), "startPosition" if start < 0 else "endPosition")
    return start, end
