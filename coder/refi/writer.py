"""Writing a project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA and QualCoder.

The .qdpx is a zip holding `project.qde` (QDA-XML 1.0, urn:QDA-XML:project:1.0),
`sources/<guid>.txt` (one UTF-8 text per response and per memo) and
`coder.json` (what REFI has no place for: the codebook's name, version and
method, each code's id, index, rules, keywords and retirement, the
attributes of responses whose values the variables cannot hold as they are,
each coding's origin and the samples; see coder.refi.fields). What goes
where in project.qde:

- coders (who coded, wrote memos, or are known without either, such as the
  users of an imported file) -> `Users`, but for "imported" when it only wrote
  memos (those a file gave no user: its Note has none again); the codebook -> `CodeBook` (themes
  are parent codes that cannot be coded, their codes are children; see
  coder.codebook.qdc)
- each response -> a `TextSource` named by its response id, text in `sources/`,
  made by the first user at the project's creation time
- each response's attributes -> `VariableValue`s of its `TextSource` (the
  schema allows them there; MAXQDA writes file variables so), one per
  attribute, each declared in `Variables` (typed as coder.refi.values says:
  Integer, Float or Boolean when every value is one, else Text, a list as its
  JSON text); and a `Case` named by the response id with a
  `SourceRef` to its text and no values of its own. QualCoder ignores a named
  Case's SourceRef, takes its values as case attributes and then shows the
  same variables on no file, so values on both would leave it with cases
  without texts and no usable attribute; nameless Cases (its and Quirkos' way
  to give a file values) next to the source's values would make it store each
  value twice and stop on its unique constraint.
- each coding -> a `PlainTextSelection` (code-point offsets; a whole-response
  coding spans the whole text) holding one `Coding` by its coder. A selection
  imported with several coders' Codings is written once per coder, the first
  keeping its GUID: QualCoder takes a coding's owner from its selection, and
  keeps one coding per code, span and owner; a kept GUID is written once in
  the file (coder.refi.guids.unshared; a span of its own gets a GUID of its own)
- text: characters XML cannot hold are written as U+FFFD (coder.codebook.refi_text.xml_safe),
  a carriage return as `&#13;` (a parser reads a raw one in element text as part of a
  line break `\n`, so a memo with `\r\n` would come back changed; ElementTree writes
  attributes so already); the source and note files keep the text as it is
- dates: as xs:dateTime wants them (coder.refi.stamps)
- memos -> `Notes` with their text also in a file (QualCoder keeps a Note
  only so), referenced (`NoteRef`) from the project or the response's
  source; the project's and a source's memos also as its `Description`
  (where QualCoder reads them; coder.refi.memos). Each Note has a name of its
  own that says what it is on and by whom (see note_name): QualCoder turns
  Notes into journals named so and stops on a name used twice, and
  coder.refi.reader finds the target again from the name where nothing
  refers to the Note. A theme's or code's memo has no NoteRef, only its name
  (so it takes that name even where an imported Note had another):
  QualCoder releases before its sub-code rework drop a `Code` that holds
  anything but a Description (and its codings with it), and make a nameless
  code of a NoteRef under a theme
- line endings: a response's text is written with `\n` for each `\r\n` and
  lone `\r`, and its spans' offsets are moved to match (coder.refi.line_endings).
  REFI counts offsets in characters of the source text as written, and
  clients read text files with universal newlines (QualCoder turns `\r\n`
  into line breaks of its own and every span after it moves), so only `\n`
  reads back as written. A text that had `\r\n` comes back with `\n`.

Elements imported from a .qdpx keep their GUIDs (and selections their names);
other GUIDs are derived from ids, so exporting the same project twice gives
the same file (coder.refi.guids). Suggestions and chart summaries are not
exported (REFI has no place for them); codings are human decisions only.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import quoteattr

import pandas as pd

from coder import __version__
from coder.codebook.qdc import PROJECT_NS, codebook_to_xml
from coder.codebook.refi_text import exported_names, kept_returns, xml_safe
from coder.export.kinds import check_output
from coder.files import replacing
from coder.refi.fields import CODER_FIELDS, coder_fields
from coder.refi.guids import ExportGuids, guid
from coder.refi.line_endings import WrittenText
from coder.refi.memos import joined, note_name
from coder.refi.qde import IMPORTED_CODER
from coder.refi.stamps import xs_datetime as _datetime
from coder.refi.values import VALUE_ELEMENT, exact, present, value_kind, value_text, variable_type
from coder.store import get_meta, tables
from coder.store.codebook_read import load_codebook
from coder.store.exchange import coding_key, known_coders
from coder.store.responses import count_responses, existing_ids, iter_responses
from coder.store.samples import drawn_samples
from coder.wording import counted


def _sub(parent: ET.Element, element_name: str, text: str | None = None, **attrs) -> ET.Element:
    """A child element with the given attributes (None values left out) and text."""
    element = ET.SubElement(parent, element_name,
                            {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _element(element_name: str, **attrs) -> ET.Element:
    return ET.Element(element_name, {k: str(v) for k, v in attrs.items() if v is not None})


class _ProjectWriter:
    """Streams project.qde: small pieces built with ElementTree, written one at a time.

    Elements are built without a namespace and written inside the root, whose
    default namespace (urn:QDA-XML:project:1.0) they take, so memory stays flat
    however many responses the project has.
    """

    def __init__(self, conn, out, coder: str | None):
        self.conn = conn
        self.out = out
        self.codings = tables.codings_frame(conn, coder=coder)
        self.memos = tables.memos_frame(conn)
        self.codebook = load_codebook(conn)
        self.book = codebook_to_xml(self.codebook, namespace=PROJECT_NS, all_colours=True,
                                    footer=False)   # raises when empty; coder's fields: coder.json
        self.guids = ExportGuids(conn, self.codebook)
        self.guids.apply_to(self.book)
        # "imported" wrote the memos a file gave no user (a project's or a case's Description): no
        # user of the file unless it coded or is known (it would come back as a coder of the project)
        people = (set(self.codings["coder"]) | set(known_coders(conn))
                  | (set(self.memos["coder"]) - {IMPORTED_CODER}))
        self.users = {p: self.guids.of("user", p) for p in sorted(people)}
        # coder records no owner of a response: the first user stands for the team that imported
        # them (without one, QualCoder and others make up an owner of their own)
        self.owner = next(iter(self.users.values()), None)
        self.counts = {"sources": 0, "selections": 0, "notes": len(self.memos)}
        self.types: dict[str, str] = {}   # attribute -> REFI variable type (set by write_cases)
        self.exact_attributes: dict[str, dict] = {}   # source GUID -> attributes (see coder.refi.fields)
        self.origins: dict[str, str] = {}   # Coding GUID -> origin, of codings not imported (coder.refi.fields)
        self.kept_selections: set[str] = set()   # kept selection GUIDs written: each once in the file
        self.created: str | None = None

    def piece(self, element: ET.Element) -> None:
        ET.indent(element, space="  ", level=1)
        self.out.write("  " + kept_returns(xml_safe(ET.tostring(element, encoding="unicode"))) + "\n")

    def write(self) -> dict[str, int]:
        meta = get_meta(self.conn)
        self.created = _datetime(meta.get("created_at"))   # when the project (and so its sources) began
        self.out.write('<?xml version="1.0" encoding="utf-8"?>\n'
                       f'<Project xmlns="{PROJECT_NS}" name={xml_safe(quoteattr(meta.get("name", "coder")))} '
                       f'origin={quoteattr(f"coder {__version__}")}>\n')
        if self.users:
            users = _element("Users")
            for person, user_guid in self.users.items():
                _sub(users, "User", guid=user_guid, name=person)
            self.piece(users)
        notes = _note_targets(self.memos, self.codebook, self.conn)
        ET.register_namespace("", PROJECT_NS)
        self.piece(self.book)
        self.write_cases()
        self.write_sources(notes)
        if not self.memos.empty:
            self.write_notes()
        project_memos = notes.get(("project", ""), [])
        if project_memos:   # QualCoder reads the project memo here (and keeps the Notes as journals)
            description = _element("Description")
            description.text = joined((m.coder, m.text) for m in project_memos)
            self.piece(description)
        for memo in project_memos:
            self.piece(_element("NoteRef", targetGUID=self.guids.note(memo)[0]))
        self.out.write("</Project>\n")
        return self.counts

    def write_cases(self) -> None:
        kinds: dict[str, set[str]] = {}
        for chunk in iter_responses(self.conn):
            for response in chunk:
                for name, value in response.attributes.items():
                    kinds.setdefault(name, set())
                    if present(value):
                        kinds[name].add(value_kind(value))
        if not kinds:
            return
        self.types = {name: variable_type(found) for name, found in kinds.items()}
        variables = _element("Variables")
        for name, kind in self.types.items():
            _sub(variables, "Variable", guid=self.guids.of("variable", name), name=name, typeOfVariable=kind)
        self.piece(variables)
        self.out.write("  <Cases>\n")
        for chunk in iter_responses(self.conn):
            for response in chunk:
                # The values are the source's own (see the module docstring): a case names its text.
                case = _element("Case", guid=guid("case", response.id), name=response.id)
                _sub(case, "SourceRef", targetGUID=self.guids.of("source", response.id))
                self.piece(case)
        self.out.write("  </Cases>\n")

    def values(self, parent: ET.Element, attributes: dict) -> None:
        """A VariableValue under `parent` for each attribute that has a value."""
        for name, value in attributes.items():
            if present(value):
                holder = _sub(parent, "VariableValue")
                _sub(holder, "VariableRef", targetGUID=self.guids.of("variable", name))
                _sub(holder, VALUE_ELEMENT[self.types[name]], value_text(value, self.types[name]))

    def write_sources(self, notes: dict[tuple, list]) -> None:
        if not count_responses(self.conn):
            return   # an empty Sources is not valid REFI: a project with a codebook only has none
        by_response: dict[str, list[tuple]] = {}
        for row in self.codings[["coding_id", "response_id", "code_id", "coder", "start", "end",
                                 "created_at", "origin"]].itertuples(index=False, name=None):
            by_response.setdefault(row[1], []).append(row)
        self.out.write("  <Sources>\n")
        for chunk in iter_responses(self.conn):
            for response in chunk:
                self.piece(self.source(response, by_response.get(response.id, ()),
                                       notes.get(("response", response.id), [])))
                self.counts["sources"] += 1
        self.out.write("  </Sources>\n")

    def source(self, response, codings, memos: list) -> ET.Element:
        rid, written = response.id, WrittenText(response.text)
        text = written.text
        source_guid = self.guids.of("source", rid)
        source = _element("TextSource", guid=source_guid, name=rid, plainTextPath=f"internal://{source_guid}.txt",
                          creatingUser=self.owner, creationDateTime=self.created)
        if memos:   # where QualCoder reads a source's memo
            _sub(source, "Description", joined((m.coder, m.text) for m in memos))
        shared: dict[tuple, ET.Element] = {}   # (kept GUID, coder, span) -> the selection its codings share
        for coding_id, _, code_id, coder, start, end, created_at, origin in codings:
            whole = pd.isna(start)
            start, end = (0, len(response.text)) if whole else (int(start), int(end))
            if end <= start:
                continue  # a whole-response coding of an empty text has nothing to select
            key = (coding_key(rid, code_id, coder, None if whole else start, None if whole else end)
                   if self.guids.keyed else None)
            start, end = written.offset(start), written.offset(end)
            if end <= start:
                continue  # a span of one \r\n's \r alone: nothing of it is written
            kept = self.guids.selection(key)
            user, stamp = self.users[coder], _datetime(created_at)
            selection = shared.get((kept[0], coder, start, end)) if kept else None
            if selection is None:
                first = kept is not None and kept[0] not in self.kept_selections
                selection = _sub(source, "PlainTextSelection",
                                 guid=kept[0] if first else guid("selection", str(coding_id)),
                                 name=kept[1] if kept else text[start:end][:60], startPosition=start,
                                 endPosition=end, creatingUser=user, creationDateTime=stamp)
                if kept:
                    shared[kept[0], coder, start, end] = selection
                    self.kept_selections.add(kept[0])
                self.counts["selections"] += 1
            coding_guid = self.guids.of("coding", key, guid("coding", str(coding_id)))
            coding = _sub(selection, "Coding", creatingUser=user, creationDateTime=stamp, guid=coding_guid)
            _sub(coding, "CodeRef", targetGUID=self.guids.codes[code_id])
            if origin != "imported":
                self.origins[coding_guid] = origin
        for memo in memos:
            _sub(source, "NoteRef", targetGUID=self.guids.note(memo)[0])
        self.values(source, response.attributes)
        if not all(exact(value, self.types[name]) for name, value in response.attributes.items()):
            self.exact_attributes[source_guid] = response.attributes   # coder.json has them as they are
        return source

    def write_notes(self) -> None:
        notes = _element("Notes")
        names = exported_names(self.codebook)   # as the CodeBook has them: one theme or code each
        labels = {"theme": {t.id: names[t.id] for t in self.codebook.themes},
                  "code": {c.id: names[c.id] for c in self.codebook.codes}}
        taken: set[str] = set()
        for memo in self.memos.itertuples():
            note_guid, kept = self.guids.note(memo)
            # No NoteRef leads back to a theme or code, only the name does: theirs is always note_name's.
            name = kept if kept and memo.target_type not in labels else note_name(
                memo.target_type, labels.get(memo.target_type, {}).get(memo.target_id, memo.target_id), memo.coder)
            unique, n = name, 2
            while unique in taken:   # two codes of one label; a kept name again (see coder.refi.memos)
                unique, n = f"{name} #{n}", n + 1
            taken.add(unique)
            note = _sub(notes, "Note", guid=note_guid, name=unique,
                        plainTextPath=f"internal://{note_guid}.txt", creatingUser=self.users.get(memo.coder),
                        creationDateTime=_datetime(memo.created_at),
                        modifiedDateTime=_datetime(memo.updated_at))
            _sub(note, "PlainTextContent", memo.text)
        self.piece(notes)

    def fields(self) -> str:
        """The text of coder.json (coder.refi.fields), once project.qde is written."""
        samples = [(info, [(self.guids.of("source", rid), stratum) for rid, stratum in rows])
                   for info, rows in drawn_samples(self.conn)]
        return coder_fields(self.codebook, self.guids.themes, self.guids.codes, attributes=self.exact_attributes,
                            origins=self.origins, samples=samples)

    def note_files(self) -> Iterator[tuple[str, str]]:
        """(archive name, text) of every memo: clients such as QualCoder keep a Note only with its file."""
        for memo in self.memos.itertuples():
            yield f"sources/{self.guids.note(memo)[0]}.txt", memo.text


def _note_targets(memos: pd.DataFrame, codebook, conn) -> dict[tuple, list]:
    """("response", id) or ("project", "") -> the memos (memos_frame rows) referred to from there;
    memos on missing targets go to the project. A theme's or code's memo is found by its Note's
    name alone (see the module docstring)."""
    known = {"theme": {t.id for t in codebook.themes}, "code": {c.id for c in codebook.codes},
             "response": existing_ids(conn, memos.loc[memos["target_type"] == "response",
                                                      "target_id"])}
    refs: dict[tuple, list] = {}
    for memo in memos.itertuples():
        kind, target = memo.target_type, memo.target_id
        if kind in ("theme", "code") and target in known[kind]:
            continue
        key = ("response", target) if kind == "response" and target in known["response"] else ("project", "")
        refs.setdefault(key, []).append(memo)
    return refs


def write_qdpx(conn, path: Path | str, *, coder: str | None = None) -> str:
    """Write the project to a .qdpx file; return a one-line summary of what it holds.

    `coder` exports only that coder's codings (and everyone's memos). Streamed
    (memory stays flat) and written under a temporary name, then moved into
    place (with the mode the umask gives new files), so a failure leaves no
    half-written file. Raises CoderError for a name not ending in .qdpx, a
    project without a codebook or a folder that cannot be written.
    """
    path = Path(path)
    check_output("qdpx", path)
    project = _ProjectWriter(conn, None, coder)  # reads and checks all before a file exists
    with replacing(path, ".qdpx") as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("project.qde", "w") as raw:
            project.out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            counts = project.write()
            project.out.detach()  # flushes; the archive entry is closed by `with`
        for chunk in iter_responses(conn):
            for response in chunk:
                archive.writestr(f"sources/{project.guids.of('source', response.id)}.txt",
                                 WrittenText(response.text).text.encode("utf-8"))
        for name, text in project.note_files():
            archive.writestr(name, text.encode("utf-8"))
        archive.writestr(CODER_FIELDS, project.fields().encode("utf-8"))
    return (f"{counted(counts['sources'], 'source')}, {counted(counts['selections'], 'coded selection')}, "
            f"{counted(len(project.users), 'user')}, {counted(counts['notes'], 'note')}")
