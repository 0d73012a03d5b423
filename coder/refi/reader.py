"""Reading a REFI-QDA project (.qdpx from NVivo, MAXQDA, ATLAS.ti, QualCoder or coder).

What maps to what:

- `User` -> coder name (its `name`, else its `id`, else "user-" + the first 8
  characters of its GUID, or all of it where two such users share those; a name
  another user has already is told apart as "name (2)"), a coder of the project
  even without codings;
  codings and notes without a known user belong to coder "imported"
- `CodeBook` -> themes and codes (coder.codebook.qdc.codebook_from_xml: top-level
  codes with children are themes keeping their isCodable, deeper codes are
  codes and sub-codes of them with their own names, parents and isCodable;
  top-level codes without children go to a theme
  "Ungrouped codes"). Codings on a theme's own code go to an extra code
  "<theme> (general)" with index "<theme index>.0", so no coding is lost.
- `TextSource` -> a response whose id is the source's `name` (its GUID when
  the name is empty, "name (2)" for the second source of one name), text from `PlainTextContent` or from
  `plainTextPath` (`internal://FILE` = `sources/FILE` inside the zip); a
  text whose `\r\n` the offsets count as one character (ATLAS.ti's) is kept
  with `\n`, and one whose offsets count UTF-16 units has them read so
  (coder.refi.offsets: the selections' names tell; those that match their
  text either way are counted)
- `VariableValue`s of a `Case` -> attributes of each source the case refers
  to (`SourceRef`); `VariableValue`s on a source itself -> its attributes
- `Set` -> attribute `set` of each source it holds (`MemberSource`): the set's
  name, several joined by "; " (MAXQDA's document sets, ATLAS.ti's document
  groups); a variable named `set` wins
- a `Set`'s or `Variable`'s Description, a `User`'s id beside its name ->
  left out (coder has no place for them), counted in the summary
- `PlainTextSelection` + `Coding` -> a coding with start/end code points (a
  selection of the whole text is a whole-response coding), coder = the
  Coding's creatingUser (else the selection's); `Coding` directly on a
  source -> a whole-response coding; empty selections are skipped
- `Case` -> its name the attribute `case` of its sources (not when it is the
  source's own name), its Description a memo on each
- `Note` -> a memo on the project, a response (NoteRef on a source, a
  selection or a coding, or a `Link` between the note and one: NVivo's
  annotations; one on a selection or coding, or with a span of its own as
  QualCoder's annotations have, starts with the quoted span), a
  theme or a code (NoteRef on a code), a memo on each target when several
  refer to it; a note nobody refers to goes where its name says (coder's
  `code memo "Label" (coder)`, the label as the file writes it when two
  codes share one, and older `code memo ID`, which QualCoder writes back
  without NoteRefs; see
  coder.refi.memos), else to the project (coder.refi.note_memos); several notes on one target by one
  coder are joined (the summary counts memos filed on a response and joined); `creationDateTime`/`modifiedDateTime` -> the memo's
  created and updated times (of the first and last note joined), in the
  xs:dateTime form (coder.refi.stamps; so are codings' times)
- `Project/Description` and `TextSource/Description` -> memos of the project
  and the response, unless they only repeat the notes there (coder writes
  both; QualCoder keeps the project memo in both); one in coder's joined
  "[coder] text" form whose names are all users -> each coder's memo
- a `PlainTextSelection` ending past its text (QualCoder's exports of texts
  that had `\r\n`: it reads them shorter) -> its codings left out and
  counted in the summary, the rest of the file imported
- `coder.json` (coder's own fields, see coder.refi.fields) -> the codebook's
  name, version and method, each code's id, index, rules, keywords and
  retirement; the attributes of responses project.qde cannot hold as they
  are, each coding's origin (else "imported") and the samples; without it
  the codebook takes the project's name
- the GUIDs of users, variables, sources, codes, notes (the first of those
  joined, with its name), codings and selections (with their names) -> kept
  (coder.store.exchange), and written back by an export

project.qde is read as a stream in two passes (coder.refi.qde): first what
must be known before any source (coder.refi.skeleton), then the cases,
sources and notes one element at a time (coder.refi.sources), so memory holds
what is extracted (texts, attributes, codings), not the XML tree. The order
of the sections does not matter. Of several errors the first of these is
reported: bad XML, a root other than Project, the CodeBook (missing, then a
`coder.json` coder did not write, then a bad CodeBook, then two users,
variables or sources of one GUID), a source's missing text or bad span, or a
selection, coding or note whose GUID one before it had (in document order), a CodeRef to a code
the CodeBook lacks, a note's missing text file.
"""

from __future__ import annotations

import dataclasses
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from coder.codebook.merge import merge_codebook
from coder.errors import InputError
from coder.importers.archive import ArchiveKind, ZipLimits, check_zip_members, starts_like_zip
from coder.records import Code, Codebook, Coding
from coder.refi.note_memos import read_notes
from coder.refi.qde import IMPORTED_CODER, QdeFile, guid_of
from coder.refi.skeleton import Skeleton, read_skeleton
from coder.refi.sources import SourcesRead, read_sources
from coder.store import create_project, now, transaction
from coder.store.codings import add_new_codings
from coder.store.exchange import add_coders, coding_key, keep_guids, stamp_memos
from coder.store.memos import set_memo
from coder.store.responses import insert_responses
from coder.store.samples import SampleInfo, save_sample
from coder.wording import counted


@dataclass
class QdpxContent:
    """A .qdpx read into coder's terms, ready to write into a new project."""

    name: str
    codebook: Codebook
    responses: list[tuple[str, str, dict]] = field(default_factory=list)
    codings: list[dict] = field(default_factory=list)
    memos: dict[tuple[str, str, str], str] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    guids: list[tuple[str, str, str, str | None]] = field(default_factory=list)   # see keep_guids
    memo_times: dict[tuple[str, str, str], tuple[str | None, str | None]] = field(default_factory=dict)
    skipped: int = 0
    unlinked: int = 0   # a Case's SourceRefs to no source in the project (their values go nowhere)
    past_end: list[tuple[str, str | None, int]] = field(default_factory=list)   # see SourcesRead
    not_text: dict[str, list[int]] = field(default_factory=dict)                # see SourcesRead
    unlisted_users: set[str] = field(default_factory=set)                      # see SourcesRead
    dangling_note_refs: int = 0   # NoteRefs to notes the file does not hold
    joined_line_breaks: int = 0   # see SourcesRead
    utf16_texts: int = 0          # see SourcesRead
    misnamed: int = 0             # see SourcesRead
    span_memos: int = 0     # memos on a span or a coding (notes, selections' Descriptions) filed on their response
    joined_memos: int = 0   # notes and Descriptions added to a memo by the same coder on the same target
    left_out: dict[str, int] = field(default_factory=dict)   # see Skeleton and SourcesRead
    shared_names: dict[str, int] = field(default_factory=dict)   # see Skeleton
    samples: list[tuple[SampleInfo, list[tuple[str, str | None]]]] = field(default_factory=list)   # see Skeleton

    def summary(self) -> str:
        """One line on what the import holds, and what it could not place."""
        coders = {c["coder"] for c in self.codings}
        idle = len(set(self.users) - coders)
        text = (f"{counted(len(self.responses), 'response')}, {counted(len(self.codebook.themes), 'theme')}, "
                f"{counted(len(self.codebook.codes), 'code')}, {counted(len(self.codings), 'coding')} by "
                f"{counted(len(coders), 'coder')}" + f" (and {idle} without codings)" * bool(idle)
                + f", {counted(len(self.memos), 'memo')}"
                + f", {counted(len(self.samples), 'sample')}" * bool(self.samples))
        notes = ([f"{self.skipped} empty selections skipped"] * bool(self.skipped)
                 + [f"{counted(self.unlinked, 'case link')} to sources the project does not hold left out"]
                 * bool(self.unlinked) + [self._past_end()] * bool(self.past_end)
                 + [self._not_text()] * bool(self.not_text)
                 + [f"{counted(len(self.unlisted_users), 'user')} the file's Users "
                    f"do not list recorded as {IMPORTED_CODER!r}"] * bool(self.unlisted_users)
                 + [f"{counted(self.dangling_note_refs, 'link')} to notes the file "
                    "does not hold left out"] * bool(self.dangling_note_refs)
                 + [f"{counted(n, kind)} named as another {kind} told apart as \"name (2)\""
                    for kind, n in self.shared_names.items()]
                 + [f"{counted(self.joined_line_breaks, 'text')} with each \\r\\n as one line break (\\n), "
                    "as the file's offsets count it"] * bool(self.joined_line_breaks)
                 + [f"{counted(self.utf16_texts, 'text')} with offsets in UTF-16 units (an emoji as two "
                    "characters), as the selections' names tell"] * bool(self.utf16_texts)
                 + [f"{counted(self.misnamed, 'selection')} whose name is not the text its offsets "
                    "select (check those spans)"] * bool(self.misnamed)
                 + [f"{counted(self.span_memos, 'memo')} on a coded span or a coding filed on "
                    "its response, quoting the span"] * bool(self.span_memos)
                 + [f"{counted(self.joined_memos, 'memo')} joined to another by the same coder on the "
                    "same target (coder keeps one memo per coder on each)"] * bool(self.joined_memos)
                 + [", ".join(counted(n, kind) for kind, n in self.left_out.items())
                    + " left out (coder has no place for them)"] * bool(self.left_out))
        return text + (f" ({'; '.join(notes)})" if notes else "")


    def _not_text(self) -> str:
        kinds = [counted(n, f"{kind} source") for kind, (n, _) in self.not_text.items()]
        codings = sum(c for _, c in self.not_text.values())
        return (", ".join(kinds) + f" with {counted(codings, 'coding')}" * bool(codings)
                + " left out (coder imports text sources only)")

    def _past_end(self) -> str:
        codings = sum(n for _, _, n in self.past_end)
        where = "; ".join(f"{rid}, selection {guid or '(no guid)'}" for rid, guid, _ in self.past_end[:3])
        more = len(self.past_end) - 3
        return (f"{codings} coding{'s' * (codings != 1)} skipped: span past its text ({where}"
                + f"; and {more} more selection{'s' * (more != 1)}" * (more > 0) + ")")


QDPX = ArchiveKind("REFI-QDA project", "export it again from the program that made it")


def read_qdpx(path: Path | str, limits: ZipLimits = ZipLimits()) -> QdpxContent:
    """Read a .qdpx into coder's terms (see the module docstring); nothing is written.

    Raises InputError naming the file (and element or attribute) for a file
    that is not a REFI-QDA project or refers to things it does not hold, or one
    of whose members would expand past `limits` (project.qde is read as a
    stream; each source text file is read whole).
    """
    path = Path(path)
    if path.is_file():
        check_zip_members(path, limits, streamed_prefix="project.qde", kind=QDPX)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except zipfile.BadZipFile:
        if starts_like_zip(path):
            raise InputError("the zip file is damaged or incomplete, as an unfinished download or copy is",
                             file=str(path), hint="copy or download it again, or export it again from the "
                                                  "program that made it") from None
        raise InputError("not a .qdpx (a REFI-QDA project is a zip file)", file=str(path)) from None
    with archive:
        qde = QdeFile(archive, str(path))
        skeleton = read_skeleton(qde)
        read = read_sources(qde, skeleton)
        content = QdpxContent(skeleton.name, skeleton.codebook, read.responses,
                              users=sorted(set(skeleton.people.values())), guids=skeleton.guids,
                              skipped=read.skipped,
                              unlinked=read.unlinked, past_end=read.past_end, not_text=read.not_text,
                              unlisted_users=read.unlisted_users, joined_line_breaks=read.joined_line_breaks,
                              utf16_texts=read.utf16_texts, misnamed=read.misnamed,
                              shared_names=skeleton.shared_names, samples=skeleton.samples,
                              left_out={kind: n for kind, n in (skeleton.left_out + read.left_out).items() if n})
        _resolve_codings(qde, content, read, skeleton)
        read_notes(qde, content, read, skeleton)
        return content


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


def _resolve_codings(qde: QdeFile, content: QdpxContent, read: SourcesRead,
                     skeleton: Skeleton) -> None:
    """Turn CodeRefs into code ids (theme refs into "(general)" codes), dropping duplicates."""
    if read.bad_coding is not None:
        coding_guid, target = read.bad_coding
        qde.fail(f"refers to code {target or '(none)'}, which the CodeBook does not have",
                 "Coding", coding_guid, "CodeRef")
    theme_by_guid = skeleton.theme_by_guid
    code_by_guid = skeleton.code_by_guid
    coded_themes = {theme_by_guid[c.code_ref] for c in read.codings if c.code_ref in theme_by_guid}
    if coded_themes:
        content.codebook, general = _general_codes(content.codebook, coded_themes)
        code_by_guid = {**code_by_guid, **{g: general[t] for g, t in theme_by_guid.items()
                                           if t in general}}
    seen = set()
    for item in read.codings:
        key = (item.response_id, code_by_guid[item.code_ref], item.coder, item.start, item.end)
        if key in seen:
            continue
        seen.add(key)
        content.codings.append({"response_id": key[0], "code_id": key[1], "coder": key[2],
                                "start": key[3], "end": key[4],
                                "created_at": item.created or now(),
                                "origin": skeleton.origins.get(guid_of(item.guid), "imported")})
        if item.guid:
            content.guids.append(("coding", coding_key(*key), item.guid, None))
        if item.selection:
            content.guids.append(("selection", coding_key(*key), *item.selection))


def import_qdpx(path: Path | str, project: Path | str, *,
                coder: str = IMPORTED_CODER, max_unzip_mb: int | None = None) -> QdpxContent:
    """Create a new project from a .qdpx; return what was imported.

    Everything is read and checked first, then written in the creating
    transaction: a bad file leaves no project behind. `coder` is the name the
    codebook changes are logged under; `max_unzip_mb` raises what one member of
    the archive may expand to (for a genuinely huge project).
    """
    content = read_qdpx(path, ZipLimits.raised_to(max_unzip_mb))

    def fill(conn) -> None:
        with transaction(conn):
            merge_codebook(conn, content.codebook, coder, source=str(path))
            insert_responses(conn, content.responses, source=str(path))
            add_new_codings(conn, (Coding(c["response_id"], c["code_id"], c["coder"], c["start"],
                                          c["end"], c["origin"], c["created_at"])
                                   for c in content.codings))
            for info, drawn in content.samples:
                save_sample(conn, info, drawn)
            for (kind, target, who), text in content.memos.items():
                set_memo(conn, kind, target, who, text)
            stamp_memos(conn, ((*key, *times) for key, times in content.memo_times.items()
                               if key in content.memos))
            add_coders(conn, content.users)
            keep_guids(conn, content.guids)

    create_project(project, name=content.name or None, setup=fill).close()
    return content
