"""The project.qde of a .qdpx, read as a stream, and the source files beside it.

`QdeFile.records` parses project.qde with ElementTree's iterparse and hands
over the elements under Project one at a time: each child of a section
(a `User`, `Case`, `TextSource`, `Note` ...) when its end tag is read, then
drops it from the tree, so memory holds one record, never the whole document.
Only the `CodeBook` (small, and read as one tree by coder.codebook.qdc) is kept whole.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Iterable, Iterator, NoReturn

from coder.errors import InputError
from coder.codebook.qdc import PROJECT_NS, check_namespace, local, normal_guid
from coder.refi.values import read_value

IMPORTED_CODER = "imported"
_KEPT_WHOLE = {"CodeBook"}
_HEX_GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID_TYPE = re.compile(rf"{_HEX_GUID}|\{{{_HEX_GUID}\}}")   # the schema's GUIDType
# What Python's zipfile raises for a member whose bytes are damaged (a failed CRC check,
# deflated data that does not inflate, a member cut short).
DAMAGED_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError)


def guid_of(value: str | None) -> str:
    """A GUID attribute as coder.codebook.qdc keys them (see normal_guid); "" for none."""
    return normal_guid(value or "")


def written_guid(value: str | None) -> str | None:
    """A GUID attribute as the file spells it, to write back on export; None unless the schema allows it."""
    value = (value or "").strip()
    return value if _GUID_TYPE.fullmatch(value) else None


def children(element: ET.Element) -> dict[str, list[ET.Element]]:
    """The element's children grouped by name (namespace dropped), each group in document order."""
    groups: dict[str, list[ET.Element]] = {}
    for child in element:
        groups.setdefault(local(child.tag), []).append(child)
    return groups


def first_text(groups: dict[str, list[ET.Element]], name: str) -> str | None:
    """The text of the first child called `name` ("" when empty), or None when there is none."""
    found = groups.get(name)
    return (found[0].text or "") if found else None


def author(people: dict[str, str], *elements: ET.Element, unlisted: set[str] | None = None) -> str:
    """The coder of the first element that names a user (else "imported"); a user the file's
    Users do not list is "imported" too, and their GUID goes into `unlisted`."""
    for element in elements:
        if element.get("creatingUser"):
            guid = guid_of(element.get("creatingUser"))
            if guid not in people and unlisted is not None:
                unlisted.add(guid)
            return people.get(guid, IMPORTED_CODER)
    return IMPORTED_CODER


def values(items: Iterable[ET.Element], variables: dict[str, str]) -> dict:
    """Attribute name -> value of a case's or source's VariableValue elements."""
    found = {}
    for item in items:
        ref = [child for child in item if local(child.tag) == "VariableRef"]
        name = variables.get(guid_of(ref[0].get("targetGUID"))) if ref else None
        for child in item:
            kind = local(child.tag)
            if kind.endswith("Value") and name:
                found[name] = read_value(kind, child.text or "")
    return found


class QdeFile:
    """project.qde inside an open .qdpx archive (see the module docstring)."""

    def __init__(self, archive: zipfile.ZipFile, file: str):
        self.archive = archive
        self.file = file
        self.names = set(archive.namelist())
        self.qde = self._qde_name()
        self.where = f"{file}:{self.qde}"
        self.project_name = ""
        self.origin = ""   # Project/@origin: the program that wrote the file

    def _qde_name(self) -> str:
        names = [n for n in self.names if n.lower().endswith(".qde")]
        if not names:
            raise InputError("no project.qde inside (is this a REFI-QDA .qdpx?)", file=self.file)
        return "project.qde" if "project.qde" in names else sorted(names, key=len)[0]

    def records(self) -> Iterator[tuple[str, ET.Element]]:
        """(parent name, element) for each element under Project's sections, in document order.

        A section's children come with the section's name ("Sources", TextSource),
        the sections themselves and the other children of Project with "Project"
        (a section arrives emptied, the CodeBook whole). Each element is dropped
        from the tree once the caller has had it: keep nothing but what you
        extract. Sets `project_name` from the root. InputError for bad XML
        anywhere in the file, else (once the whole file is parsed) for a root
        other than Project, then for one in a namespace other than REFI's
        (coder.codebook.qdc.check_namespace).
        """
        stack: list[ET.Element] = []
        root = root_tag = ""
        try:
            with self.archive.open(self.qde) as stream:
                for event, element in ET.iterparse(stream, events=("start", "end")):
                    if event == "start":
                        if not stack:
                            root_tag, root = element.tag, local(element.tag)
                            self.project_name = element.get("name", "")
                            self.origin = element.get("origin", "")
                        stack.append(element)
                        continue
                    stack.pop()
                    depth = len(stack)
                    if depth == 1 or (depth == 2 and local(stack[1].tag) not in _KEPT_WHOLE):
                        if root == "Project":
                            yield local(stack[-1].tag), element
                        del stack[-1][:]
        except ET.ParseError as exc:
            raise InputError(f"not valid XML ({exc})", file=self.where,
                             line=exc.position[0]) from None
        except DAMAGED_MEMBER as exc:
            self.damaged(self.qde, exc)
        if root != "Project":
            raise InputError(f"the root element is {root!r}, not Project", file=self.where)
        check_namespace(root_tag, PROJECT_NS, file=self.where)

    def damaged(self, member: str, exc: Exception) -> NoReturn:
        """Raise the InputError for a member of the archive whose bytes cannot be read back."""
        raise InputError(f"member {member!r} is damaged and cannot be read ({exc})", file=self.file,
                         hint="copy the file again, or export it again from the program that made it")

    def fail(self, reason: str, element: str, guid: str | None,
             attribute: str | None = None) -> NoReturn:
        """Raise the InputError for an element (its name and GUID attribute) of project.qde."""
        raise InputError(f"{element} {guid or ''}: {reason}".replace("  ", " "), file=self.where,
                         column=attribute)

    def shared_guid(self, element: str, guid: str | None) -> NoReturn:
        """Raise the InputError for an element whose GUID another element of its kind has too."""
        self.fail(f"another {element} has this GUID too (each needs its own)", element, guid, "guid")

    def text_of(self, source: ET.Element, groups: dict[str, list[ET.Element]]) -> str:
        """A source's text: its PlainTextContent (in `groups`, its children), else its file."""
        content = first_text(groups, "PlainTextContent")
        if content is not None:
            return content
        path = source.get("plainTextPath")
        if not path:
            self.fail("has neither PlainTextContent nor plainTextPath", local(source.tag),
                      source.get("guid"))
        return self.file_text(path, local(source.tag), source.get("guid"))

    def file_text(self, path: str, element: str, guid: str | None) -> str:
        """The text of a plainTextPath (`internal://FILE` is sources/FILE in the zip)."""
        inner = path.split("://", 1)[1] if path.startswith("internal://") else posixpath.basename(
            path.replace("\\", "/"))
        for candidate in (f"sources/{inner}", f"Sources/{inner}", inner):
            if candidate in self.names:
                try:
                    data = self.archive.read(candidate)
                except DAMAGED_MEMBER as exc:
                    self.damaged(candidate, exc)
                try:
                    return data.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    self.fail(f"its text {candidate!r} is not UTF-8 (byte {exc.start}: REFI-QDA source "
                              "texts are UTF-8)", element, guid, "plainTextPath")
        self.fail(f"its text {path!r} is not inside the .qdpx", element, guid, "plainTextPath")
