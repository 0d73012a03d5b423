"""A REFI-QDA project's Notes and Descriptions as coder's memos (one per target and coder).

A Note goes to each target that refers to it (a source, a selection or coding on one, a code,
the project), else to the target its name gives (coder.refi.memos.parse_note_name), else to
the project; a memo from a span or a coding starts by quoting the span. Several notes by one
coder on one target are joined into that coder's memo there, and counted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coder.codebook.refi_text import exported_names
from coder.records import Codebook
from coder.refi.memos import joined, parse_note_name, split
from coder.refi.qde import IMPORTED_CODER, QdeFile, guid_of, written_guid
from coder.refi.skeleton import Skeleton
from coder.refi.sources import RawNote, SourcesRead, quoted
from coder.refi.stamps import xs_datetime
from coder.store.exchange import memo_key

if TYPE_CHECKING:
    from coder.refi.reader import QdpxContent


def read_notes(qde: QdeFile, content: QdpxContent, read: SourcesRead, skeleton: Skeleton) -> None:
    """Notes -> memos on their targets (where their names say when nothing refers to them, else
    the project); the project's Description, and those of sources and coded selections, are
    memos too, unless one only repeats the notes on its target (see the module docstring).

    A note several targets refer to (a source and a code, say) is a memo on each: sources and
    selections first, then codes, then the project. The first keeps the Note's GUID (an
    export writes each memo as a Note of its own, and a GUID may be used once).
    """
    for note_guid, target in [*skeleton.code_notes, *((g, ("project", "")) for g in skeleton.project_notes)]:
        read.refer(note_guid, target)
    targets = read.note_targets
    content.dangling_note_refs = len(set(targets) - {guid_of(note.guid) for note in read.notes})
    named_targets = _NamedTargets(skeleton.codebook, set(skeleton.source_ids.values()))
    on_target: dict[tuple[str, str], list[tuple[str, str]]] = {}   # (kind, target) -> (coder, text)
    # the texts notes with a span of their own are on (QualCoder's annotations)
    texts = {rid: text for rid, text, _ in content.responses} if any(note.span for note in read.notes) else {}
    for note in read.notes:
        text = note.text
        if text is None and note.path:
            text = qde.file_text(note.path, "Note", note.guid)
        if not text or not text.strip():
            continue
        who = note.author
        places = targets.get(guid_of(note.guid))
        if not places:
            place, named_coder = named_targets.of(note.name)
            places = [place]
            if who == IMPORTED_CODER and named_coder:
                who = named_coder
        spelt = written_guid(note.guid)
        created, modified = xs_datetime(note.created), xs_datetime(note.modified) or xs_datetime(note.created)
        for n, place in enumerate(places):
            key = (*place, who)
            if spelt and n == 0 and key not in content.memos:
                content.guids.append(("note", memo_key(*key), spelt, note.name))
            first = content.memo_times.get(key, (None, None))[0] if key in content.memos else None
            content.memo_times[key] = (first or created, modified)
            anchor = _anchor(read, note, place, texts)
            content.span_memos += bool(anchor)   # a memo on a coding of the whole text quotes nothing
            on_target.setdefault(place, []).append((who, (anchor or "") + text))
            _add_memo(content, key, (anchor or "") + text)
    users = set(content.users)
    for kind, target, who, text, on_span in [("project", "", IMPORTED_CODER, skeleton.description, False),
                                             *(("response", *description) for description in read.descriptions)]:
        notes = on_target.get((kind, target), [])
        if not text.strip() or text.strip() in {joined(notes).strip(), *(t.strip() for _, t in notes)}:
            continue   # what coder wrote from the notes, or a note again (QualCoder's project memo)
        for part_coder, part in split(text, users) or [(who, text)]:
            if (part_coder, part.strip()) not in {(c, t.strip()) for c, t in notes}:
                content.span_memos += on_span
                _add_memo(content, (kind, target, part_coder), part)


class _NamedTargets:
    """Where a note nobody refers to goes by its name (coder.refi.memos.parse_note_name):
    themes, codes and responses looked up by label or id, built once per file."""

    def __init__(self, codebook: Codebook, responses: set[str]) -> None:
        self.responses = responses
        names = exported_names(codebook)   # a label two codes share is written under other names
        self.items = {kind: ({**{item.label: item.id for item in items}, **{names[item.id]: item.id for item in items}},
                             {item.id: item.id for item in items})
                      for kind, items in (("theme", codebook.themes), ("code", codebook.codes))}

    def of(self, name: str | None) -> tuple[tuple[str, str], str | None]:
        """((kind, target), coder or None); the project when the name gives no target the
        project holds."""
        named = parse_note_name(name)
        if named is None:
            return ("project", ""), None
        bare = re.sub(r"_\d+$", "", named.name)   # QualCoder may add "_123" to a name
        for value in dict.fromkeys((named.name, bare)) if named.kind != "project" else ():
            if named.kind == "response":
                if value in self.responses:
                    return ("response", value), named.coder
                continue
            by_label, by_id = self.items[named.kind]
            for found in ((by_label, by_id) if named.labelled else (by_id, by_label)):
                if value in found:
                    return (named.kind, found[value]), named.coder
        return ("project", ""), named.coder


def _anchor(read: SourcesRead, note: RawNote, place: tuple[str, str], texts: dict[str, str]) -> str | None:
    """How a note's memo on `place` starts where the note is on a span or a coding there (the
    span `quoted`; "" for a coding of the whole text), else None: from the selection, coding or
    Link that refers to it, else from the span inside the note (QualCoder's annotations)."""
    anchor = read.anchors.get((guid_of(note.guid), place))
    if anchor is None and note.span and place[0] == "response":
        start, end = note.span
        text = texts[place[1]]
        anchor = "" if end > len(text) or (start, end) == (0, len(text)) else quoted(text, start, end)
    return anchor


def _add_memo(content: QdpxContent, key: tuple[str, str, str], text: str | None) -> None:
    """Add a memo's text (after the memo already on that target by that coder, if any: counted)."""
    if not text or not text.strip():
        return
    content.joined_memos += key in content.memos
    content.memos[key] = f"{content.memos[key]}\n\n{text}" if key in content.memos else text
