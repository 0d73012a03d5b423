"""REFI-QDA codebooks: the `CodeBook` element (its `.qdc` files: coder.codebook.qdc_file).

Writing: each theme is a `Code` whose children are its codes, and theirs
their sub-codes. GUIDs are derived from the ids (uuid5), so the same
code always gets the same GUID and exports from the same codebook line up.
REFI has one free-text `Description` per code; coder writes the definition
there, followed by labelled lines for what REFI has no field for (`Index: 1.1`,
`Id: caseload` ...): coder.codebook.qdc_description.

Names and text as REFI clients need them: coder.codebook.refi_text (a
repeated label goes out as "Other (Support)" with a `Label:` line to read it
back; characters XML cannot hold are written as U+FFFD).

Nesting: a code's sub-codes (coder.records.Code.parent_id, any depth) are
written as `Code` elements inside it, and read back so. Each element's
isCodable is its record's `codable`: themes coder makes are "false", codes
"true", and what an imported codebook had is kept and written back.

Reading: any depth of nesting. Top-level codes with children become themes
(keeping their isCodable); their children become codes, and codes nested
deeper become sub-codes of their parent code, each with its own name, in
document order, with an index path (1.2.1). Top-level codes without children
become codes of a theme "Ungrouped codes" (id `ungrouped`). Coder's labelled
lines are read back as qdc_description tells; a code without an `Id:` line
whose GUID is one coder gave a project code keeps that code's id (`known_ids`),
and other ids are made from the names; indexes come from positions.
"""

from __future__ import annotations

import functools
import uuid
import xml.etree.ElementTree as ET
from typing import Iterable, Mapping

from coder.codebook.keys import usable_key
from coder.codebook.qdc_description import description_text, parse_description
from coder.codebook.refi_text import exported_names
from coder.codebook.rules import UniqueValues, check_color, check_id, unique_slug
from coder.colours import AUTOMATIC_COLOUR, code_colours
from coder.errors import CoderError, InputError
from coder.records import Code, Codebook, Theme

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
# The namespaces files are read in: QDA-XML 1.0's, and the draft 0:4 one ATLAS.ti still
# writes in its codebooks (QualCoder reads both, for projects too).
_READ_NAMESPACES = {CODEBOOK_NS: {CODEBOOK_NS, "urn:QDA-XML:codebook:0:4"},
                    PROJECT_NS: {PROJECT_NS, "urn:QDA-XML:project:0:4"}}
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "coder:refi-qda")
UNGROUPED_THEME_ID = "ungrouped"
def theme_guid(theme_id: str) -> str:
    """The REFI GUID of a theme, derived from its id."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"theme:{theme_id}"))


def code_guid(code_id: str) -> str:
    """The REFI GUID of a code, derived from its id (use it for CodeRef in projects)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"code:{code_id}"))


def codebook_to_xml(codebook: Codebook, *, namespace: str = CODEBOOK_NS, all_colours: bool = False,
                    footer: bool = True) -> ET.Element:
    """The `CodeBook` element for a codebook (retired themes and codes included).

    Use namespace=PROJECT_NS to place it inside a `.qdpx` project's `Project`.
    With `all_colours`, a code without a colour of its own gets the one coder
    shows it in (a project for another tool, which would otherwise pick random
    ones); without, only colours the codebook sets are written (a codebook file
    stays as the researcher wrote it). With footer=False a Description holds
    the definition alone, without coder's labelled lines (a .qdpx carries them
    beside project.qde, see coder.refi.fields). Raises CoderError for a
    codebook without themes (REFI needs at least one code).
    """
    if not codebook.themes:
        raise CoderError("the codebook is empty: REFI-QDA needs at least one code "
                         "(import a codebook first)")
    tag = lambda name: f"{{{namespace}}}{name}"  # noqa: E731 - a local shorthand
    colours = code_colours(codebook) if all_colours else {c.id: c.color for c in codebook.codes}
    names = exported_names(codebook)
    renamed = lambda record: record.label if names[record.id] != record.label else None  # noqa: E731
    children = codebook.tree()
    root = ET.Element(tag("CodeBook"))
    codes_el = ET.SubElement(root, tag("Codes"))

    def add_codes(parent_el: ET.Element, theme_id: str, parent_id: str | None) -> None:
        for code in children.get((theme_id, parent_id), ()):
            attrs = {"guid": code_guid(code.id), "name": names[code.id], "isCodable": _flag(code.codable)}
            if colours[code.id]:
                attrs["color"] = colours[code.id]
            code_el = ET.SubElement(parent_el, tag("Code"), attrs)
            text = description_text(code.definition, include=code.include, exclude=code.exclude,
                                    keywords=code.keywords, index=code.index, id_=code.id, key=code.key,
                                    retired=code.retired, label=renamed(code)) if footer else code.definition
            if text:
                ET.SubElement(code_el, tag("Description")).text = text
            add_codes(code_el, theme_id, code.id)

    for theme in codebook.themes:
        attrs = {"guid": theme_guid(theme.id), "name": names[theme.id], "isCodable": _flag(theme.codable)}
        if theme.color:
            attrs["color"] = theme.color
        theme_el = ET.SubElement(codes_el, tag("Code"), attrs)
        text = (description_text(theme.description, index=theme.index, id_=theme.id,
                                 retired=theme.retired, label=renamed(theme)) if footer else theme.description)
        if text:
            ET.SubElement(theme_el, tag("Description")).text = text
        add_codes(theme_el, theme.id, None)
    return root


def _flag(value: bool) -> str:
    return "true" if value else "false"


@functools.lru_cache(maxsize=1024)
def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def check_namespace(tag: str, expected: str, *, file: str, line: int | None = None) -> None:
    """InputError unless an element's tag (Clark notation) is in the namespace `expected`
    (CODEBOOK_NS or PROJECT_NS) or another one REFI programs write for it (see _READ_NAMESPACES)."""
    found = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    if found not in _READ_NAMESPACES[expected]:
        raise InputError(f"the {local(tag)} element is in namespace {found or '(none)'}, not {expected}",
                         file=file, line=line,
                         hint="export it again as REFI-QDA 1.0 from the program that made it")


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


MAX_CODE_DEPTH = 100   # NVivo's deepest trees seen are 6 levels; a sanity limit on hostile files


class _Importer:
    """Turns a tree of REFI codes into themes and codes, keeping ids and indexes unique."""

    def __init__(self, file: str, lines: dict[int, int], known_ids: Iterable[str],
                 fields: Mapping[str, dict], labelled_lines: bool = True):
        self.file = file
        self.labelled_lines = labelled_lines
        self.lines = lines
        self.fields = fields
        self.known_guids = {guid(i): i for i in known_ids for guid in (code_guid, theme_guid)}
        self.ids = UniqueValues("id", file)
        self.indexes = UniqueValues("index", file)
        self.parsed: dict[int, dict] = {}
        self.guids: dict[str, str] = {}

    def line(self, element: ET.Element) -> int | None:
        return self.lines.get(id(element))

    def unnamed(self, element: ET.Element, code_el: ET.Element) -> InputError:
        """The error for a Code without a name, naming its GUID and the code it is under."""
        parent = next((p for p in element.iter() if any(child is code_el for child in p)), None)
        under = (f" under {parent.get('name').strip()!r}" if parent is not None and local(parent.tag) == "Code"
                 and (parent.get("name") or "").strip() else "")
        guid = (code_el.get("guid") or "").strip()
        return InputError(f"the Code{f' {guid}' if guid else ''}{under} has no name", file=self.file,
                          line=self.line(code_el), column="name",
                          hint="name it in the program that made the file and export again")

    def check_depth(self, element: ET.Element) -> None:
        """One line, not a RecursionError, for codes nested deeper than `MAX_CODE_DEPTH`."""
        stack = [(child, 1) for child in _children(element, "Code")]
        while stack:
            code_el, depth = stack.pop()
            if depth > MAX_CODE_DEPTH:
                raise InputError(f"codes nest more than {MAX_CODE_DEPTH} levels deep", file=self.file,
                                 line=self.line(code_el),
                                 hint="QDA programs nest a handful of levels; check how the file was made")
            stack.extend((child, depth + 1) for child in _children(code_el, "Code"))

    def prepare(self, element: ET.Element) -> None:
        """Parse every description and claim the ids written in them, before making new ones."""
        self.check_depth(element)
        guids: set[str] = set()
        for code_el in element.iter():
            if local(code_el.tag) != "Code":
                continue
            if not (code_el.get("name") or "").strip():
                raise self.unnamed(element, code_el)
            guid = normal_guid(code_el.get("guid") or "")
            if guid in guids:   # codings naming it could not tell the two codes apart
                raise InputError(f"Code {code_el.get('guid').strip()}: another Code has this GUID too",
                                 file=self.file, line=self.line(code_el), column="guid",
                                 hint="each code needs its own GUID; export the file again from the program that made it")
            if guid:
                guids.add(guid)
            description = _children(code_el, "Description")
            text = description[0].text or "" if description else ""
            extra = self.fields.get(normal_guid(code_el.get("guid") or ""))
            info = (parse_description(text, coder_file=self.labelled_lines) if extra is None
                    else {"include": [], "exclude": [], "definition": text, **extra})
            if info.get("id"):
                check_id(info["id"], file=self.file, line=self.line(code_el), field="Id")
                self.ids.claim(info["id"], self.line(code_el), "Id")
            self.parsed[id(code_el)] = info
        for code_el in element.iter():  # then codes coder exported once, by their GUID
            info = self.parsed.get(id(code_el))
            known = self.known_guids.get(normal_guid(code_el.get("guid") or ""))
            if info is not None and not info.get("id") and known and known not in self.ids.seen:
                info["id"] = self.ids.claim(known, self.line(code_el), "guid")

    def ident(self, element: ET.Element, label: str) -> str:
        info = self.parsed[id(element)]
        if not info.get("id"):
            info["id"] = self.ids.claim(unique_slug(label, set(self.ids.seen)), None, "name")
        if element.get("guid"):
            self.guids[normal_guid(element.get("guid"))] = info["id"]
        return info["id"]

    def index(self, element: ET.Element, default: str) -> str:
        return self.indexes.claim(self.parsed[id(element)].get("index") or default,
                                  self.line(element), "Index")

    def code(self, element: ET.Element, theme: Theme, index: str, position: int,
             parent_id: str | None = None) -> Code:
        info = self.parsed[id(element)]
        label = info.get("label") or element.get("name").strip()
        return Code(self.ident(element, label), theme.id, self.index(element, index), label,
                    definition=info["definition"], include=tuple(info["include"]),
                    exclude=tuple(info["exclude"]),
                    keywords=tuple(k.strip() for k in info.get("keywords", "").split(";") if k.strip()),
                    color=None if info.get("color") == AUTOMATIC_COLOUR else check_color(
                        element.get("color"), file=self.file, line=self.line(element)),
                    position=position, retired=info.get("retired", "").lower() == "yes",
                    parent_id=parent_id, codable=_codable(element, True), key=usable_key(info.get("key")))

    def nest(self, element: ET.Element, theme: Theme) -> list[Code]:
        """The codes under a theme's element, at every depth, in document order (parents first).

        Each keeps its own name and its parent's id; its index extends its parent's
        (1.2 -> 1.2.1) unless the file gave one.
        """
        out: list[Code] = []
        stack = [(child, None, f"{theme.index}.{n}")
                 for n, child in reversed(list(enumerate(_children(element, "Code"), start=1)))]
        while stack:
            code_el, parent_id, index = stack.pop()
            code = self.code(code_el, theme, index, len(out), parent_id)
            out.append(code)
            stack.extend((child, code.id, f"{code.index}.{n}")
                         for n, child in reversed(list(enumerate(_children(code_el, "Code"), start=1))))
        return out


def codebook_from_xml(element: ET.Element, *, file: str = "", lines: dict[int, int] | None = None,
                      name: str = "", known_ids: Iterable[str] = (), labelled_lines: bool = True) -> Codebook:
    """Read a `CodeBook` element (from a .qdc, or from inside a .qdpx project).

    `lines` maps id(element) to its source line, for error messages (read_qdc
    supplies it). Nesting of any depth is accepted; see the module docstring.
    REFI codebooks carry no name or version: `name` is used as given (default
    empty, which leaves a project's codebook name unchanged on import).
    `known_ids` as for `read_qdc`; `labelled_lines` as for `codebook_and_guids_from_xml`.
    """
    return codebook_and_guids_from_xml(element, file=file, lines=lines, name=name,
                                       known_ids=known_ids, labelled_lines=labelled_lines)[0]


def normal_guid(guid: str) -> str:
    """A GUID as the keys of `codebook_and_guids_from_xml` hold it: lower case, no braces."""
    return guid.strip().strip("{}").lower()


def codebook_and_guids_from_xml(element: ET.Element, *, file: str = "",
                                lines: dict[int, int] | None = None,
                                name: str = "",
                                known_ids: Iterable[str] = (),
                                fields: Mapping[str, dict] | None = None,
                                labelled_lines: bool = True) -> tuple[Codebook, dict[str, str]]:
    """`codebook_from_xml`, plus a map from each Code's GUID to the id it became.

    The map (keys made by `normal_guid`) resolves a project's CodeRef GUIDs to
    code ids; a GUID mapped to a theme id was a top-level code with children.
    `fields` maps a Code's GUID (normal_guid) to what a Description's labelled
    lines would give (id, index, include, exclude, keywords as "a; b", retired
    as "yes"): coder's own fields carried beside a .qdpx (coder.refi.fields).
    A Code that has them takes its whole Description, as it is, as its definition;
    so does, with labelled_lines=False (a project or codebook another program
    wrote: lines like "Index: ..." there are the researcher's own text), every
    Code whose Description does not end in coder's labelled lines (see
    coder.codebook.qdc_description: coder's file saved again by another program).
    """
    importer = _Importer(file, lines or {}, known_ids, fields or {}, labelled_lines)
    if local(element.tag) != "CodeBook":
        raise InputError(f"expected a CodeBook element, found {local(element.tag)!r}", file=file,
                         line=importer.line(element))
    codes_el = _children(element, "Codes")
    if not codes_el:
        raise InputError("the CodeBook has no Codes element", file=file, line=importer.line(element))
    importer.prepare(codes_el[0])
    themes: list[Theme] = []
    codes: list[Code] = []
    ungrouped: list[ET.Element] = []
    for top in _children(codes_el[0], "Code"):
        if not _children(top, "Code"):
            ungrouped.append(top)
            continue
        theme = _make_theme(importer, top, importer.parsed[id(top)].get("label") or top.get("name").strip(),
                            len(themes))
        themes.append(theme)
        codes.extend(importer.nest(top, theme))
    if ungrouped:
        theme = Theme(importer.ids.claim(unique_slug(UNGROUPED_THEME_ID, set(importer.ids.seen)),
                                         None, "name"),
                      importer.indexes.claim(str(len(themes) + 1), None, "Index"),
                      "Ungrouped codes", "Top-level codes of the imported codebook", len(themes))
        themes.append(theme)
        codes.extend(importer.code(el, theme, f"{theme.index}.{n}", n - 1)
                     for n, el in enumerate(ungrouped, start=1))
    return Codebook(name=name, themes=tuple(themes), codes=tuple(codes)), importer.guids


def _make_theme(importer: _Importer, element: ET.Element, label: str, position: int) -> Theme:
    info = importer.parsed[id(element)]
    return Theme(importer.ident(element, label), importer.index(element, str(position + 1)), label,
                 info["definition"], position, info.get("retired", "").lower() == "yes",
                 _codable(element, False),
                 check_color(element.get("color"), file=importer.file, line=importer.line(element)))


def _codable(element: ET.Element, default: bool) -> bool:
    """A Code's isCodable as the file has it (`default` where it has none)."""
    value = (element.get("isCodable") or "").strip().lower()
    return value in ("true", "1") if value else default
