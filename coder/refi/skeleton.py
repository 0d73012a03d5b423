"""The first, light pass over project.qde: what must be known before any source is read.

Users, Variables, the CodeBook (with coder's own fields from `coder.json`,
see coder.refi.fields, which also has the attributes of responses project.qde
cannot hold as they are, the codings' origins and the samples), every source's GUID and name (its file name when
it has none) and the NoteRefs of codes and of the project. Two users or two
sources of one name are told apart as "name" and "name (2)": two people's
codings must not become one coder's, and a response id must be unique. What
coder has no place for (a variable's Description, a user's id beside its name)
is counted for the summary. It
parses the whole file, so bad XML anywhere is reported before any other error; the sources themselves are read in the second pass
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
from coder.refi.qde import QdeFile, children, first_text, guid_of, local, written_guid
from coder.store.samples import SampleInfo


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
    shared_names: dict[str, int] = field(default_factory=dict)   # "user" / "source" -> how many renamed
    # (kind, key, GUID as the file spells it, None) of users, variables, sources, themes and codes:
    # rows for coder.store.exchange.keep_guids
    guids: list[tuple[str, str, str, None]] = field(default_factory=list)
    # from coder.json (coder.refi.fields): response id -> its attributes, whole (they win over
    # project.qde's); Coding GUID (guid_of) -> origin; samples with (response id, stratum) rows
    exact_attributes: dict[str, dict] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    samples: list[tuple[SampleInfo, list[tuple[str, str | None]]]] = field(default_factory=list)
    # what coder has no place for: "variable description", "user id" (a user's id besides its name) -> how many
    left_out: Counter = field(default_factory=Counter)


def read_skeleton(qde: QdeFile) -> Skeleton:
    """Read the skeleton; InputError for bad XML, a root other than Project or a bad CodeBook."""
    users: list[tuple[str, str]] = []
    variables: dict[str, str] = {}
    variable_guids: list[str] = []   # in file order, to find one used twice
    left_out: Counter = Counter()
    sources: list[tuple[str, str]] = []
    project_notes: list[str] = []
    description = ""
    written: dict[str, str] = {}    # GUID as coder keys it -> as the file spells it
    book = None
    for section, element in qde.records():
        tag = local(element.tag)
        if section == "Users" and tag == "User":
            guid = _remember(written, element)
            name, ident = (element.get("name") or "").strip(), (element.get("id") or "").strip()
            users.append((guid, name or ident))
            left_out["user id"] += bool(name and ident and ident != name)
        elif section == "Variables" and tag == "Variable":
            variable_guids.append(_remember(written, element))
            variables[variable_guids[-1]] = element.get("name", "")
            left_out["variable description"] += bool((first_text(children(element), "Description") or "").strip())
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
    for kind, guids in (("User", [guid for guid, _ in users]), ("Variable", variable_guids),
                        ("TextSource", [guid for guid, _ in sources])):
        twice = next((guid for guid, n in Counter(guids).items() if n > 1), None)
        if twice is not None:
            qde.shared_guid(kind, twice)
    people, source_ids = _distinct_names(users, _unnamed_user), _distinct_names(sources)
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
    found = [("user", people), ("variable", variables), ("source", source_ids), ("theme", themes),
             ("code", codes)]
    guids = [(kind, key, written[guid], None) for kind, keys in found for guid, key in keys.items()
             if key and guid in written]
    shared = {kind: sum(bool(name) and names[guid] != name for guid, name in listed)
              for kind, listed, names in (("user", users, people), ("source", sources, source_ids))}
    exact = {source_ids[guid]: values for guid, values in fields.attributes.items() if guid in source_ids}
    samples = [(info, [(source_ids[guid], stratum) for guid, stratum in rows if guid in source_ids])
               for info, rows in fields.samples]
    return Skeleton(qde.project_name, people, variables, codebook, themes, codes, source_ids, code_notes,
                    project_notes, description, {k: n for k, n in shared.items() if n}, guids, exact,
                    fields.origins, samples, left_out)


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


def _distinct_names(named: list[tuple[str, str]], unnamed=lambda guid, used: guid) -> dict[str, str]:
    """GUID -> name, in file order. A name taken already becomes "name (2)" (or the first such
    number no element of the file is named); an empty name is `unnamed(guid, names used so far)`."""
    given = {name for _, name in named}
    used: set[str] = set()
    found: dict[str, str] = {}
    for guid, name in named:
        unique, n = name or unnamed(guid, used), 2
        while name and (unique in used or (unique != name and unique in given)):
            unique, n = f"{name} ({n})", n + 1
        used.add(unique)
        found[guid] = unique
    return found


def _unnamed_user(guid: str, used: set[str]) -> str:
    """A coder name for a User with neither name nor id: "user-" and the first 8 characters of
    its GUID, or the whole GUID where another such user already has that name (two coders'
    codings must not become one's)."""
    short = f"user-{guid[:8]}"
    return short if short not in used else f"user-{guid}"
