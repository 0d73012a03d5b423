"""Writing a project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA and QualCoder.

The .qdpx is a zip holding `project.qde` (QDA-XML 1.0, urn:QDA-XML:project:1.0)
and `sources/<guid>.txt`, one UTF-8 text per response. What goes where:

- coders -> `Users`; the codebook -> `CodeBook` (themes are parent codes that
  cannot be coded, their codes are children; see coder.refi.qdc)
- each response -> a `TextSource` named by its response id, text in `sources/`
- each response's attributes -> a `Case` (named by the response id) with one
  `VariableValue` per attribute and a `SourceRef` to its text; `Variables`
  declares each attribute (Integer, Float or Boolean when every value is one,
  else Text)
- each coding -> a `PlainTextSelection` (code-point offsets; a whole-response
  coding spans the whole text) holding one `Coding` by its coder
- memos -> `Notes`, referenced (`NoteRef`) from the project, the response's
  source, or the theme's or code's `Code`

GUIDs are derived from ids (uuid5), so exporting the same project twice gives
the same file. Suggestions and chart summaries are not exported (REFI has no
place for them); codings are human decisions only.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from coder import __version__
from coder.errors import CoderError
from coder.refi.qdc import PROJECT_NS, code_guid, codebook_to_xml, theme_guid
from coder.store import get_meta, tables
from coder.store.codebook import load_codebook
from coder.store.responses import iter_responses

_GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "coder:refi-qda:project")


def guid(kind: str, key: str) -> str:
    """A stable GUID for one object of a kind (user, source, case, variable, selection, note).

    The same value as str(uuid.uuid5(namespace, "kind:key")), formatted directly
    because building UUID objects dominates the export of large projects.
    """
    digest = bytearray(hashlib.sha1(_GUIDS.bytes + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _datetime(value) -> str | None:
    """An ISO 8601 timestamp as REFI wants it, or None when the value is not one."""
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return str(value)


def _tag(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _sub(parent: ET.Element, element_name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, _tag(element_name),
                            {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def variable_type(values: list) -> str:
    """The REFI typeOfVariable for a list of JSON attribute values (None = missing)."""
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "Boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "Float"
    return "Text"


_VALUE_ELEMENT = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
                  "Float": "FloatValue"}


def _value_text(value, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Float":
        return repr(float(value))
    return str(value)


def project_to_xml(conn, *, coder: str | None = None) -> tuple[ET.Element, dict[str, str]]:
    """The `Project` element and the source texts ({zip path: text}) for a project.

    `coder` exports only that coder's codings (and everyone's memos).
    """
    codebook = load_codebook(conn)
    responses = tables.responses_frame(conn)
    codings = tables.codings_frame(conn, coder=coder)
    memos = tables.memos_frame(conn)
    raw_attributes = {r.id: r.attributes for chunk in iter_responses(conn) for r in chunk}
    meta = get_meta(conn)
    people = sorted(set(codings["coder"]) | set(memos["coder"]))

    root = ET.Element(_tag("Project"), {"name": meta.get("name", "coder project"),
                                        "origin": f"coder {__version__}"})
    if people:
        users = _sub(root, "Users")
        for person in people:
            _sub(users, "User", guid=guid("user", person), name=person)
    book = codebook_to_xml(codebook, namespace=PROJECT_NS)
    root.append(book)
    notes = _notes(memos, codebook, responses)
    _attach_code_notes(book, notes)
    _write_cases(root, responses, raw_attributes)
    texts = _write_sources(root, responses, codings, notes)
    if not memos.empty:
        notes_el = _sub(root, "Notes")
        for memo in memos.itertuples():
            note = _sub(notes_el, "Note", guid=guid("note", str(memo.memo_id)),
                        name=f"{memo.target_type} memo {memo.target_id}".strip(),
                        creatingUser=guid("user", memo.coder),
                        creationDateTime=_datetime(memo.created_at),
                        modifiedDateTime=_datetime(memo.updated_at))
            _sub(note, "PlainTextContent", memo.text)
    for note_guid in notes.get(("project", ""), []):
        _sub(root, "NoteRef", targetGUID=note_guid)
    return root, texts


def _notes(memos: pd.DataFrame, codebook, responses: pd.DataFrame) -> dict[tuple, list[str]]:
    """(target kind, guid or id) -> note GUIDs; memos on missing targets go to the project."""
    known = {"theme": {t.id for t in codebook.themes}, "code": {c.id for c in codebook.codes},
             "response": set(responses["response_id"])}
    refs: dict[tuple, list[str]] = {}
    for memo in memos.itertuples():
        kind, target = memo.target_type, memo.target_id
        if kind == "theme" and target in known["theme"]:
            key = ("code", theme_guid(target))
        elif kind == "code" and target in known["code"]:
            key = ("code", code_guid(target))
        elif kind == "response" and target in known["response"]:
            key = ("response", target)
        else:
            key = ("project", "")
        refs.setdefault(key, []).append(guid("note", str(memo.memo_id)))
    return refs


def _attach_code_notes(book: ET.Element, notes: dict[tuple, list[str]]) -> None:
    """NoteRefs on theme and code elements (after Description, before child codes)."""
    for code_el in book.iter(_tag("Code")):
        refs = notes.get(("code", code_el.get("guid")), [])
        at = 1 if len(code_el) and code_el[0].tag == _tag("Description") else 0
        for n, note_guid in enumerate(refs):
            code_el.insert(at + n, ET.Element(_tag("NoteRef"), targetGUID=note_guid))


def _write_cases(root: ET.Element, responses: pd.DataFrame, raw: dict[str, dict]) -> None:
    names: dict[str, None] = {}
    for attrs in raw.values():
        names.update(dict.fromkeys(attrs))
    if not names:
        return
    kinds = {name: variable_type([attrs.get(name) for attrs in raw.values()]) for name in names}
    variables = _sub(root, "Variables")
    variable_guids = {name: guid("variable", name) for name in kinds}
    for name, kind in kinds.items():
        _sub(variables, "Variable", guid=variable_guids[name], name=name, typeOfVariable=kind)
    cases = _sub(root, "Cases")
    for rid in responses["response_id"]:
        case = _sub(cases, "Case", guid=guid("case", rid), name=rid)
        for name, value in raw.get(rid, {}).items():
            if value is None or value == "":
                continue
            holder = _sub(case, "VariableValue")
            _sub(holder, "VariableRef", targetGUID=variable_guids[name])
            _sub(holder, _VALUE_ELEMENT[kinds[name]], _value_text(value, kinds[name]))
        _sub(case, "SourceRef", targetGUID=guid("source", rid))


def _write_sources(root: ET.Element, responses: pd.DataFrame, codings: pd.DataFrame,
                   notes: dict[tuple, list[str]]) -> dict[str, str]:
    texts: dict[str, str] = {}
    by_response: dict[str, list[tuple]] = {}
    users = {person: guid("user", person) for person in set(codings["coder"])}
    for row in codings[["coding_id", "response_id", "code_id", "coder", "start", "end",
                        "created_at"]].itertuples(index=False, name=None):
        by_response.setdefault(row[1], []).append(row)
    sources = _sub(root, "Sources")
    for rid, text in zip(responses["response_id"], responses["text"]):
        source_guid = guid("source", rid)
        source = _sub(sources, "TextSource", guid=source_guid, name=rid,
                      plainTextPath=f"internal://{source_guid}.txt")
        texts[f"sources/{source_guid}.txt"] = text
        for coding_id, _, code_id, coder, start, end, created_at in by_response.get(rid, ()):
            start, end = (0, len(text)) if pd.isna(start) else (int(start), int(end))
            if end <= start:
                continue  # a whole-response coding of an empty text has nothing to select
            user, stamp = users[coder], _datetime(created_at)
            selection = _sub(source, "PlainTextSelection", guid=guid("selection", str(coding_id)),
                             name=text[start:end][:60], startPosition=start, endPosition=end,
                             creatingUser=user, creationDateTime=stamp)
            coding = _sub(selection, "Coding", guid=guid("coding", str(coding_id)),
                          creatingUser=user, creationDateTime=stamp)
            _sub(coding, "CodeRef", targetGUID=code_guid(code_id))
        for note_guid in notes.get(("response", rid), []):
            _sub(source, "NoteRef", targetGUID=note_guid)
    return texts


def write_qdpx(conn, path: Path | str, *, coder: str | None = None) -> str:
    """Write the project to a .qdpx file; return a one-line summary of what it holds.

    Written under a temporary name and moved into place, so a failure leaves
    no half-written file. Raises CoderError for a name not ending in .qdpx.
    """
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise CoderError(f"--out {path}: name the REFI-QDA project .qdpx")
    if not path.parent.exists():
        raise CoderError(f"--out {path}: folder {path.parent} does not exist (create it first)")
    root, texts = project_to_xml(conn, coder=coder)
    ET.indent(root)
    ET.register_namespace("", PROJECT_NS)
    # Serialising to str and encoding once is several times faster than encoding="utf-8".
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n'
           + ET.tostring(root, encoding="unicode")).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".qdpx", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", xml)
            for name, text in texts.items():
                archive.writestr(name, text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    count = lambda name: len(list(root.iter(_tag(name))))  # noqa: E731
    return (f"{len(texts)} sources, {count('PlainTextSelection')} coded selections, "
            f"{count('User')} users, {count('Note')} notes")
