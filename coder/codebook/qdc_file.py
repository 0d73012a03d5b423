"""REFI-QDA codebook files (.qdc): a `CodeBook` element (coder.codebook.qdc) in a file.

REFI's CodeBook has no field for the codebook's name, version and method: they
ride in a comment before the element, which other programs skip and
`read_qdc` reads. The comment also marks the file as coder's: only then (or
in a Description that ends in a block of them as coder writes it, `Index:` then `Id:`:
coder's file saved again by a program that dropped the comment) are the
labelled lines of its Descriptions (`Index: 1.1`, `Id: caseload` ...) read as
coder's fields; in a file from another program they are the researcher's
text, kept whole as the definition (coder.codebook.qdc_description).
Errors name the file and the line of the element at fault.
"""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable
from xml.parsers import expat

from coder.codebook.qdc import CODEBOOK_NS, check_namespace, codebook_from_xml, codebook_to_xml, local
from coder.codebook.refi_text import kept_returns, xml_safe
from coder.errors import InputError
from coder.records import Codebook


def write_qdc(codebook: Codebook, path: Path) -> None:
    """Write a REFI-QDA codebook file (.qdc, UTF-8)."""
    root = codebook_to_xml(codebook)
    ET.indent(root)
    # The default namespace (no prefix), as REFI's own examples write it. ElementTree's
    # `default_namespace` option rejects unqualified attributes, so register it instead.
    ET.register_namespace("", CODEBOOK_NS)
    declaration, _, body = ET.tostring(root, encoding="unicode", xml_declaration=True).partition("\n")
    # REFI's CodeBook has no name or version: they ride in a comment other programs skip.
    about = json.dumps({key: getattr(codebook, key) for key in _ABOUT}, ensure_ascii=False).replace("--", "-\\u002d")
    text = f"{declaration}\n<!-- {_ABOUT_MARK} {about} -->\n{body}"
    path.write_bytes(kept_returns(xml_safe(text)).encode("utf-8") + b"\n")


_ABOUT_MARK = "coder codebook:"
_ABOUT = ("name", "version", "method")


def _about(comments: list[str]) -> dict[str, str] | None:
    """The codebook's name, version and method from the comment `write_qdc` puts in; None without
    that comment (a file another program wrote)."""
    for comment in comments:
        text = comment.strip()
        if text.startswith(_ABOUT_MARK):
            try:
                found = json.loads(text[len(_ABOUT_MARK):])
            except ValueError:
                return {}
            return {key: found[key] for key in _ABOUT if isinstance(found, dict) and isinstance(found.get(key), str)}
    return None


def _parse_with_lines(data: bytes, file: str) -> tuple[ET.Element, dict[int, int], list[str]]:
    """Parse XML into ElementTree elements, remembering each element's line; and its comments."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    comments: list[str] = []
    parser = expat.ParserCreate(namespace_separator="}")
    clark = lambda name: "{" + name if "}" in name else name  # noqa: E731

    def start(name, attrs):
        element = builder.start(clark(name), {clark(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def external(context, base, system_id, public_id):
        raise InputError(f"not valid XML: it refers to an external entity ({system_id or public_id}), "
                         "which coder does not read", file=file, line=parser.CurrentLineNumber,
                         hint="a .qdc holds its text itself; export it again from the program that made it")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(clark(name))
    parser.CharacterDataHandler = builder.data
    parser.CommentHandler = comments.append
    parser.ExternalEntityRefHandler = external   # without it expat skips the reference silently
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(f"not valid XML: {expat.ErrorString(exc.code)}", file=file,
                         line=exc.lineno) from None
    return builder.close(), lines, comments


def read_qdc(path: Path, *, known_ids: Iterable[str] = ()) -> Codebook:
    """Read a REFI-QDA codebook file; InputError names the file, line and field.

    A CodeBook in a namespace other than REFI's (coder.codebook.qdc.check_namespace)
    or an external entity (nothing outside the file is read) is an InputError too.

    Descriptions' labelled lines are read only as coder wrote them (see the
    module docstring). `known_ids`: ids of the project's themes and codes; a Code without an `Id:`
    line whose GUID is the one coder gives one of them (`code_guid`) keeps that id.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    root, lines, comments = _parse_with_lines(data, str(path))
    if local(root.tag) == "CodeBook":   # another root is codebook_from_xml's to name
        check_namespace(root.tag, CODEBOOK_NS, file=str(path), line=lines.get(id(root)))
    about = _about(comments)
    codebook = codebook_from_xml(root, file=str(path), lines=lines, known_ids=known_ids,
                                 labelled_lines=about is not None)
    return dataclasses.replace(codebook, **about) if about else codebook
