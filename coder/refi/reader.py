"""Reading a REFI-QDA project (.qdpx from NVivo, MAXQDA, ATLAS.ti, QualCoder or coder).

What maps to what:

- `User` -> coder name (its `name`, else its `id`, else "user-" + the first 8
  characters of its GUID); codings and notes without a known user belong to
  coder "imported"
- `CodeBook` -> themes and codes (coder.refi.qdc.codebook_from_xml: top-level
  codes with children are themes, deeper codes are flattened into their
  theme with index paths; top-level codes without children go to a theme
  "Ungrouped codes"). Codings on a theme's own code go to an extra code
  "<theme> (general)" with index "<theme index>.0", so no coding is lost.
- `TextSource` -> a response whose id is the source's `name` (its GUID when
  the name is empty or used twice), text from `PlainTextContent` or from
  `plainTextPath` (`internal://FILE` = `sources/FILE` inside the zip)
- `VariableValue`s of a `Case` -> attributes of each source the case refers
  to (`SourceRef`); `VariableValue`s on a source itself -> its attributes
- `PlainTextSelection` + `Coding` -> a coding with start/end code points (a
  selection of the whole text is a whole-response coding), coder = the
  Coding's creatingUser (else the selection's); `Coding` directly on a
  source -> a whole-response coding; empty selections are skipped
- `Note` -> a memo on the project, a response (NoteRef on a source or a
  selection), a theme or a code (NoteRef on a code); notes nobody refers to
  are project memos; several notes on one target by one coder are joined
"""

from __future__ import annotations

import dataclasses
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coder.codebook_merge import merge_codebook
from coder.errors import InputError
from coder.records import Code, Codebook
from coder.refi.qdc import codebook_and_guids_from_xml, normal_guid
from coder.store import create_project, now, transaction
from coder.store.codings import add_coding
from coder.store.memos import set_memo
from coder.store.responses import insert_responses

IMPORTED_CODER = "imported"


@dataclass
class QdpxContent:
    """A .qdpx read into coder's terms, ready to write into a new project."""

    name: str
    codebook: Codebook
    responses: list[tuple[str, str, dict]] = field(default_factory=list)
    codings: list[dict] = field(default_factory=list)
    memos: dict[tuple[str, str, str], str] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    skipped: int = 0

    def summary(self) -> str:
        """One line on what the import holds."""
        text = (f"{len(self.responses)} responses, {len(self.codebook.themes)} themes, "
                f"{len(self.codebook.codes)} codes, {len(self.codings)} codings by "
                f"{len({c['coder'] for c in self.codings})} coders, {len(self.memos)} memos")
        return text + (f" ({self.skipped} empty selections skipped)" if self.skipped else "")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _first_text(element: ET.Element, name: str) -> str | None:
    found = _kids(element, name)
    return (found[0].text or "") if found else None


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, file: str):
        self.archive = archive
        self.file = file
        self.names = set(archive.namelist())
        self.qde = self._qde_name()
        try:
            self.root = ET.fromstring(archive.read(self.qde))
        except ET.ParseError as exc:
            raise InputError(f"not valid XML ({exc})", file=f"{file}:{self.qde}",
                             line=exc.position[0]) from None
        if _local(self.root.tag) != "Project":
            raise InputError(f"the root element is {_local(self.root.tag)!r}, not Project",
                             file=f"{file}:{self.qde}")
        self.where = f"{file}:{self.qde}"

    def _qde_name(self) -> str:
        names = [n for n in self.names if n.lower().endswith(".qde")]
        if not names:
            raise InputError("no project.qde inside (is this a REFI-QDA .qdpx?)", file=self.file)
        return "project.qde" if "project.qde" in names else sorted(names, key=len)[0]

    def fail(self, reason: str, element: ET.Element, attribute: str | None = None):
        name = _local(element.tag)
        guid = element.get("guid")
        raise InputError(f"{name} {guid or ''}: {reason}".replace("  ", " "), file=self.where,
                         column=attribute)

    def users(self) -> dict[str, str]:
        people: dict[str, str] = {}
        for users in _kids(self.root, "Users"):
            for user in _kids(users, "User"):
                guid = user.get("guid", "")
                people[_guid(guid)] = (user.get("name") or user.get("id")
                                       or f"user-{_guid(guid)[:8]}")
        return people

    def text_of(self, source: ET.Element) -> str:
        content = _first_text(source, "PlainTextContent")
        if content is not None:
            return content
        path = source.get("plainTextPath")
        if not path:
            self.fail("has neither PlainTextContent nor plainTextPath", source)
        inner = path.split("://", 1)[1] if path.startswith("internal://") else posixpath.basename(
            path.replace("\\", "/"))
        for candidate in (f"sources/{inner}", f"Sources/{inner}", inner):
            if candidate in self.names:
                return self.archive.read(candidate).decode("utf-8-sig")
        self.fail(f"its text {path!r} is not inside the .qdpx", source, "plainTextPath")


def _guid(value: str | None) -> str:
    return normal_guid(value or "")


def _general_codes(codebook: Codebook, coded_themes: set[str]) -> tuple[Codebook, dict[str, str]]:
    """Add a "<theme> (general)" code to each theme coded directly; theme id -> that code's id."""
    taken = {t.id for t in codebook.themes} | {c.id for c in codebook.codes}
    extra: list[Code] = []
    general: dict[str, str] = {}
    for theme in codebook.themes:
        if theme.id not in coded_themes:
            continue
        code_id, n = f"{theme.id}-general", 2
        while code_id in taken:
            code_id, n = f"{theme.id}-general-{n}", n + 1
        taken.add(code_id)
        general[theme.id] = code_id
        extra.append(Code(code_id, theme.id, f"{theme.index}.0", f"{theme.label} (general)",
                          definition="Codings on the theme itself in the imported project",
                          position=-1))
    codes = sorted([*extra, *codebook.codes], key=lambda c: [t.id for t in codebook.themes].index(
        c.theme_id))
    return dataclasses.replace(codebook, codes=tuple(codes)), general


def _values(holder: ET.Element, variables: dict[str, str]) -> dict:
    """Attribute name -> value of the VariableValue children of a case or source."""
    values = {}
    for item in _kids(holder, "VariableValue"):
        ref = _kids(item, "VariableRef")
        name = variables.get(_guid(ref[0].get("targetGUID"))) if ref else None
        for child in item:
            if _local(child.tag).endswith("Value") and name:
                text = (child.text or "").strip()
                kind = _local(child.tag)
                values[name] = (int(text) if kind == "IntegerValue" and text.lstrip("-").isdigit()
                                else text.lower() == "true" if kind == "BooleanValue" else text)
    return values


def read_qdpx(path: Path | str) -> QdpxContent:
    """Read a .qdpx into coder's terms (see the module docstring); nothing is written.

    Raises InputError naming the file (and element or attribute) for a file
    that is not a REFI-QDA project or refers to things it does not hold.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except zipfile.BadZipFile:
        raise InputError("not a .qdpx (a REFI-QDA project is a zip file)", file=str(path)) from None
    with archive:
        reader = _Reader(archive, str(path))
        return _content(reader)


def _content(reader: _Reader) -> QdpxContent:
    root = reader.root
    people = reader.users()
    books = _kids(root, "CodeBook")
    if not books:
        raise InputError("the project has no CodeBook (nothing to code with)", file=reader.where)
    codebook, ids = codebook_and_guids_from_xml(books[0], file=reader.where,
                                                name=root.get("name", ""))
    theme_ids = {t.id for t in codebook.themes}
    theme_by_guid = {g: i for g, i in ids.items() if i in theme_ids}
    code_by_guid = {g: i for g, i in ids.items() if i not in theme_ids}
    content = QdpxContent(root.get("name", ""), codebook, users=sorted(set(people.values())))
    note_targets: dict[str, tuple[str, str]] = {}
    raw_codings = _read_sources(reader, content, people, note_targets)
    _resolve_codings(reader, content, raw_codings, code_by_guid, theme_by_guid)
    for code_el in books[0].iter():
        code_guid = _guid(code_el.get("guid")) if _local(code_el.tag) == "Code" else ""
        target = (("theme", theme_by_guid[code_guid]) if code_guid in theme_by_guid
                  else ("code", code_by_guid[code_guid]) if code_guid in code_by_guid else None)
        for ref in _kids(code_el, "NoteRef") if target else []:
            note_targets.setdefault(_guid(ref.get("targetGUID")), target)
    for ref in _kids(root, "NoteRef"):
        note_targets.setdefault(_guid(ref.get("targetGUID")), ("project", ""))
    _read_notes(reader, content, people, note_targets)
    return content


def _author(people: dict[str, str], *elements: ET.Element) -> str:
    """The coder of the first element that names a user (else "imported")."""
    for element in elements:
        if element.get("creatingUser"):
            return people.get(_guid(element.get("creatingUser")), IMPORTED_CODER)
    return IMPORTED_CODER


def _source_ids(sources: list[ET.Element]) -> dict[str, str]:
    """Source GUID -> response id: the source's name, or its GUID when that is empty or shared."""
    names = Counter((s.get("name") or "").strip() for s in sources)
    ids = {}
    for source in sources:
        name = (source.get("name") or "").strip()
        guid = _guid(source.get("guid"))
        ids[guid] = name if name and names[name] == 1 else guid
    return ids


def _read_sources(reader: _Reader, content: QdpxContent, people: dict[str, str],
                  note_targets: dict[str, tuple[str, str]]) -> list[dict]:
    """Fill in the responses (with case and source attributes); return the raw codings."""
    root = reader.root
    variables = {_guid(v.get("guid")): v.get("name", "") for vs in _kids(root, "Variables")
                 for v in _kids(vs, "Variable")}
    sources = [s for group in _kids(root, "Sources") for s in _kids(group, "TextSource")]
    source_ids = _source_ids(sources)
    attributes: dict[str, dict] = {rid: {} for rid in source_ids.values()}
    for case in (c for cases in _kids(root, "Cases") for c in _kids(cases, "Case")):
        values = _values(case, variables)
        for ref in _kids(case, "SourceRef"):
            if _guid(ref.get("targetGUID")) in source_ids:
                attributes[source_ids[_guid(ref.get("targetGUID"))]].update(values)
    raw: list[dict] = []
    for source in sources:
        rid = source_ids[_guid(source.get("guid"))]
        text = reader.text_of(source)
        attributes[rid].update(_values(source, variables))
        content.responses.append((rid, text, attributes[rid]))
        for ref in _kids(source, "NoteRef"):
            note_targets.setdefault(_guid(ref.get("targetGUID")), ("response", rid))
        raw.extend({"response_id": rid, "coding": coding, "start": None, "end": None,
                    "coder": _author(people, coding)} for coding in _kids(source, "Coding"))
        for selection in _kids(source, "PlainTextSelection"):
            start, end = _span(reader, selection, len(text))
            for ref in _kids(selection, "NoteRef"):
                note_targets.setdefault(_guid(ref.get("targetGUID")), ("response", rid))
            if start == end:
                content.skipped += 1
                continue
            whole = start == 0 and end == len(text)
            raw.extend({"response_id": rid, "coding": coding, "start": None if whole else start,
                        "end": None if whole else end, "coder": _author(people, coding, selection),
                        "created": selection.get("creationDateTime")}
                       for coding in _kids(selection, "Coding"))
    return raw


def _read_notes(reader: _Reader, content: QdpxContent, people: dict[str, str],
                note_targets: dict[str, tuple[str, str]]) -> None:
    """Notes -> memos on their targets (project when nothing refers to them)."""
    for note in (n for notes in _kids(reader.root, "Notes") for n in _kids(notes, "Note")):
        kind, target = note_targets.get(_guid(note.get("guid")), ("project", ""))
        text = _first_text(note, "PlainTextContent")
        if text is None and note.get("plainTextPath"):
            text = reader.text_of(note)
        if text and text.strip():
            key = (kind, target, _author(people, note))
            content.memos[key] = f"{content.memos[key]}\n\n{text}" if key in content.memos else text


def _span(reader: _Reader, selection: ET.Element, length: int) -> tuple[int, int]:
    try:
        start = int(selection.get("startPosition", ""))
        end = int(selection.get("endPosition", ""))
    except ValueError:
        reader.fail("startPosition and endPosition must be whole numbers", selection,
                    "startPosition")
    if not 0 <= start <= end <= length:
        reader.fail(f"span {start}-{end} is outside its text of {length} characters", selection,
                    "endPosition")
    return start, end


def _resolve_codings(reader: _Reader, content: QdpxContent, raw: list[dict],
                     code_by_guid: dict[str, str], theme_by_guid: dict[str, str]) -> None:
    """Turn CodeRefs into code ids (theme refs into "(general)" codes), dropping duplicates."""
    refs = []
    for item in raw:
        ref = _kids(item["coding"], "CodeRef")
        target = _guid(ref[0].get("targetGUID")) if ref else ""
        if target not in code_by_guid and target not in theme_by_guid:
            reader.fail(f"refers to code {target or '(none)'}, which the CodeBook does not have",
                        item["coding"], "CodeRef")
        refs.append(target)
    coded_themes = {theme_by_guid[t] for t in refs if t in theme_by_guid}
    if coded_themes:
        content.codebook, general = _general_codes(content.codebook, coded_themes)
        code_by_guid = {**code_by_guid, **{g: general[t] for g, t in theme_by_guid.items()
                                           if t in general}}
    seen = set()
    for item, target in zip(raw, refs):
        key = (item["response_id"], code_by_guid[target], item["coder"], item["start"], item["end"])
        if key in seen:
            continue
        seen.add(key)
        stamp = item["coding"].get("creationDateTime") or item.get("created") or now()
        content.codings.append({"response_id": key[0], "code_id": key[1], "coder": key[2],
                                "start": key[3], "end": key[4], "created_at": stamp})


def import_qdpx(path: Path | str, project: Path | str, *,
                coder: str = IMPORTED_CODER) -> QdpxContent:
    """Create a new project from a .qdpx; return what was imported.

    Everything is read and checked first, then written in the creating
    transaction: a bad file leaves no project behind. `coder` is the name the
    codebook changes are logged under.
    """
    content = read_qdpx(path)

    def fill(conn) -> None:
        with transaction(conn):
            merge_codebook(conn, content.codebook, coder, source=str(path))
            insert_responses(conn, content.responses, source=str(path))
            for c in content.codings:
                add_coding(conn, c["response_id"], c["code_id"], c["coder"], start=c["start"],
                           end=c["end"], origin="imported", created_at=c["created_at"])
            for (kind, target, who), text in content.memos.items():
                set_memo(conn, kind, target, who, text)

    create_project(project, name=content.name or None, setup=fill).close()
    return content
