"""The first, light pass over project.qde: what must be known before any source is read.

Users, Variables, the CodeBook (with coder's own fields from `coder.json`,
see coder.refi.fields), every source's GUID and name (its file name when
it has none; a response id is the name only when no other source has it) and the NoteRefs of codes and of
the project. It parses the whole file, so bad XML anywhere is reported before
any other error; the sources themselves are read in the second pass
(coder.refi.sources).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from coder.errors import InputError
from coder.records import Codebook
from coder.codebook.qdc import codebook_and_guids_from_xml
from coder.refi.fields import read_coder_fields
from coder.refi.qde import QdeFile, guid_of, local, written_guid


@dataclass
class Skeleton:
    """The project around its sources (see the module docstring)."""

    name: str
    people: dict[str, str]          # user GUID -> coder name
    variables: dict[str, str]       # variable GUID -> attribute name
    codebook: Codebook
    theme_by_guid: dict[str, str]   # Code GUID -> theme id (top-level codes with children)
    code_by_guid: dict[str, str]    # Code GUID -> code id
    source_ids: dict[str, str]      # source GUID -> response id
    code_notes: list[tuple[str, tuple[str, str]]]   # (note GUID, ("theme" | "code", id))
    project_notes: list[str]        # note GUIDs the project refers to
    description: str = ""           # Project/Description (QualCoder keeps its project memo there)
    # (kind, key, GUID as the file spells it, None) of users, variables, sources, themes and codes:
    # rows for coder.store.exchange.keep_guids
    guids: list[tuple[str, str, str, None]] = field(default_factory=list)


def read_skeleton(qde: QdeFile) -> Skeleton:
    """Read the skeleton; InputError for bad XML, a root other than Project or a bad CodeBook."""
    people: dict[str, str] = {}
    variables: dict[str, str] = {}
    sources: list[tuple[str, str]] = []
    project_notes: list[str] = []
    description = ""
    written: dict[str, str] = {}    # GUID as coder keys it -> as the file spells it
    book = None
    for section, element in qde.records():
        tag = local(element.tag)
        if section == "Users" and tag == "User":
            guid = _remember(written, element)
            people[guid] = element.get("name") or element.get("id") or _unnamed_user(guid, people)
        elif section == "Variables" and tag == "Variable":
            variables[_remember(written, element)] = element.get("name", "")
        elif section == "Sources" and tag == "TextSource":
            sources.append((_remember(written, element),
                            (element.get("name") or "").strip() or _file_stem(element.get("plainTextPath"))))
        elif section == "Project" and tag == "CodeBook" and book is None:
            book = element
        elif section == "Project" and tag == "NoteRef":
            project_notes.append(guid_of(element.get("targetGUID")))
        elif section == "Project" and tag == "Description":
            description = element.text or ""
    if book is None:
        raise InputError("the project has no CodeBook (nothing to code with)", file=qde.where)
    fields = read_coder_fields(qde)
    # Labelled lines in Descriptions are coder's only in a file coder wrote before it had coder.json.
    coder_made = qde.origin.startswith("coder ")
    codebook, ids = codebook_and_guids_from_xml(book, file=qde.where, name=qde.project_name,
                                                fields=fields.codes, labelled_lines=coder_made)
    codebook = dataclasses.replace(codebook, **fields.codebook)
    twice = next((guid for guid, n in Counter(guid for guid, _ in sources).items() if n > 1), None)
    if twice is not None:
        qde.fail("another TextSource has this GUID too (each source needs its own)", "TextSource", twice, "guid")
    theme_ids = {t.id for t in codebook.themes}
    themes = {g: i for g, i in ids.items() if i in theme_ids}
    codes = {g: i for g, i in ids.items() if i not in theme_ids}
    code_notes = []
    for code_el in book.iter():
        code_guid = _remember(written, code_el) if local(code_el.tag) == "Code" else ""
        target = (("theme", themes[code_guid]) if code_guid in themes
                  else ("code", codes[code_guid]) if code_guid in codes else None)
        if target:
            code_notes.extend((guid_of(ref.get("targetGUID")), target) for ref in code_el
                              if local(ref.tag) == "NoteRef")
    source_ids = _source_ids(sources)
    found = [("user", people), ("variable", variables), ("source", source_ids), ("theme", themes),
             ("code", codes)]
    guids = [(kind, key, written[guid], None) for kind, keys in found for guid, key in keys.items()
             if key and guid in written]
    return Skeleton(qde.project_name, people, variables, codebook, themes, codes,
                    source_ids, code_notes, project_notes, description, guids)


def _remember(written: dict[str, str], element) -> str:
    """The element's GUID as coder keys it; notes how the file spells it when the schema allows it."""
    guid, spelt = guid_of(element.get("guid")), written_guid(element.get("guid"))
    if spelt:
        written.setdefault(guid, spelt)
    return guid


def _file_stem(path: str | None) -> str:
    """A source's file name without its folder and extension (qc names sources only so)."""
    name = (path or "").split("://", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].strip() if "." in name else name.strip()


def _source_ids(sources: list[tuple[str, str]]) -> dict[str, str]:
    """Source GUID -> response id: the source's name, or its GUID when that is empty or shared."""
    names = Counter(name for _, name in sources)
    return {guid: name if name and names[name] == 1 else guid for guid, name in sources}


def _unnamed_user(guid: str, people: dict[str, str]) -> str:
    """A coder name for a User with neither name nor id: "user-" and the first 8 characters of
    its GUID, or the whole GUID where another such user already has that name (two coders'
    codings must not become one's)."""
    short = f"user-{guid[:8]}"
    return short if short not in people.values() else f"user-{guid}"
