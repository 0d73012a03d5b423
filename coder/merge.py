"""Merging another coder's copy of a project into this one (`coder merge`).

The usual way a team works: each coder codes a copy of the project, then the
lead merges the copies into one. A merge brings in the other file's codings,
memos, chart summaries and coders (those it knows without coding too), and the themes and codes this
project lacks; the codebooks are reconciled by id and responses are matched by
id and text (line endings aside: a copy that went through a .qdpx has `\n` for
`\r\n`, and its spans are moved onto this project's text). A coding the other file's coder took off there (its history says so)
is taken off here too, if it is the same coding (made at the same moment: the copy
came from this project) and not made again there since. Nothing is dropped without a word:

- a conflict is a response both files hold with different text, one the other
  file codes (or has notes on) that this project lacks, a theme or code both
  hold whose label (or a code's theme) differs, an id that is a theme in one
  file and a code in the other, a new theme or code whose index (or key) is
  another's here, or a memo or summary both hold, by the same
  coder on the same thing, with different text. With any conflict nothing is
  merged unless asked (`skip_conflicts`), and then what a conflict touches
  (the codings of a conflicting code or response, ...) is held back and counted;
- rows both files hold alike are counted as already present, so merging the
  same file twice adds nothing;
- the other file's event log, suggestions, samples and drafts stay with it
  (its history is its own; the merge is logged here as one event naming it).

The merge is one transaction and one `project.merge` event, which history
undoes as one step; a safety copy of the project is made before it writes.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import CoderError
from coder.records import tree_depths
from coder.refi.line_endings import WrittenText
from coder.store import transaction
from coder.store.backup import project_file
from coder.store.code_merge import merged_codes
from coder.store.merge import (KEYS, Rows, apply_merge, events_held, next_positions, read_other,
                               response_texts, safety_copy_as_committed, table_rows)
from coder.wording import counted

SHOWN = 20   # conflicts listed before "... and N more"
_NOTES = ("memos", "charts")
_NAMES = {"codings": "codings", "memos": "memos", "charts": "chart summaries"}
_ONE = {"codings": "coding", "memos": "memo", "charts": "chart summary", "themes": "theme", "codes": "code"}


@dataclass
class MergeReport:
    """What a merge found and did; `added` and `present` count rows per table."""

    source: Path
    added: dict[str, int] = field(default_factory=dict)
    removed: int = 0             # codings taken off, as the other file's coder took them off there
    followed: int = 0            # its codings on codes merged here into others, taken as on those
    present: dict[str, int] = field(default_factory=dict)
    held_back: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    new_coders: list[str] = field(default_factory=list)
    left_out: int = 0            # responses only the other file holds, with nothing on them
    unrelated: bool = False      # not one response the other file coded or noted is here with its text
    backup: Path | None = None
    event_id: int | None = None

    def conflict_lines(self, shown: int = SHOWN) -> list[str]:
        """One line per conflict, the first `shown` of them, then how many more."""
        lines = self.conflicts[:shown]
        if len(self.conflicts) > shown:
            lines.append(f"... and {len(self.conflicts) - shown:,} more conflicts")
        return lines

    def lines(self) -> list[str]:
        """The summary `coder merge` prints."""
        lines = [f"{_NAMES[t]}: {self.added.get(t, 0):,} added, "
                 + (f"{self.removed:,} taken off (as in {self.source.name}), " if t == "codings" and self.removed
                    else "") + f"{self.present.get(t, 0):,} already present" for t in _NAMES]
        if self.followed:
            lines.append(f"{counted(self.followed, 'coding')} in {self.source.name} on codes merged into others "
                         "here: taken as on the codes merged into")
        lines.append(f"codebook: themes {self.added.get('themes', 0):,} added, "
                     f"codes {self.added.get('codes', 0):,} added")
        lines.append(f"coders: {', '.join(self.coders) or 'none'}"
                     + (f" (new here: {', '.join(self.new_coders)})" if self.new_coders else ""))
        held = ", ".join(counted(n, _ONE.get(t, t), _NAMES.get(t, t)) for t, n in self.held_back.items() if n)
        lines.append(f"conflicts: {len(self.conflicts):,}" + (f" (held back: {held})" if held else ""))
        lines += [f"  {line}" for line in self.conflict_lines()]
        if self.left_out:
            lines.append(f"responses only in {self.source.name}, not coded there: {self.left_out:,} "
                         "(not brought in; `coder import` them if wanted)")
        if self.backup:
            lines.append(f"safety copy: {self.backup}")
        return lines


class MergeConflicts(CoderError):
    """A merge that found conflicts and was not asked to skip them; nothing was merged."""

    def __init__(self, report: MergeReport, project: Path):
        self.report = report
        if report.unrelated:
            super().__init__(f"{report.source}: not a copy of {project.name}: none of the responses coded or noted "
                             "there is here with the same text; nothing was merged (merge the copy made from "
                             f"{project.name}, or `coder import` the other project's responses first)")
            return
        super().__init__(
            f"{report.source}: {counted(len(report.conflicts), 'conflict')} with {project.name}; nothing was "
            "merged (settle them, or merge the rest with --skip-conflicts)")


@dataclass(frozen=True)
class OtherProject:
    """The rows of the project file to merge in, read (it is only read) before this project is
    opened for writing, so that a file that cannot be merged leaves this one as it was."""

    path: Path
    rows: Rows
    texts: dict[str, str]
    removals: list[dict]


def read_other_project(other: Path | str, project: Path | str) -> OtherProject:
    """Read `other` to merge into the project file `project`: a CoderError for the project
    itself, a ProjectError for a file that is not a whole project."""
    other = Path(other)
    if other.exists() and os.path.samefile(other, project):
        raise CoderError(f"{other}: is the project itself (merge another coder's copy into it)")
    return OtherProject(other, *read_other(other))


def merge_project(conn: sqlite3.Connection, other: Path | str | OtherProject, coder: str, *,
                  skip_conflicts: bool = False) -> MergeReport:
    """Merge the project file `other` (or its rows, read by `read_other_project`) into the open
    project `conn`, logged as `coder`'s change.

    `other` is only read. Raises MergeConflicts (project unchanged) when there
    are conflicts and `skip_conflicts` is False; a CoderError for the same file
    as the project, or one that is not a whole project.
    """
    if not isinstance(other, OtherProject):
        other = read_other_project(other, project_file(conn))
    with transaction(conn):   # compared and written under one lock: nobody writes in between
        report, rows, removed = _plan(conn, other.rows, other.texts, other.removals, other.path)
        if report.conflicts and not skip_conflicts:
            raise MergeConflicts(report, project_file(conn))
        if any(rows.values()) or removed:
            report.backup = safety_copy_as_committed(conn)
            report.event_id = apply_merge(conn, rows, coder, other.path.name, removed)
    return report


def _line_endings_only(ours: str, text: str, rid: str, theirs: Rows, removals: list[dict]) -> bool:
    """Whether the other file's `text` of response `rid` and ours differ only as a .qdpx round
    trip changes a text (`\n` for `\r\n`: coder.refi.line_endings.WrittenText), either way; if so, its
    spans there (codings and codings taken off) are moved onto our text, in place."""
    ours_written, theirs_written = WrittenText(ours), WrittenText(text)
    if ours_written.text == text:               # ours has the \r\n: their spans move onto it
        move = ours_written.stored_offset
    elif theirs_written.text == ours:           # theirs has it (merging the original into a copy)
        move = theirs_written.offset
    else:
        return False
    for coding in [*theirs["codings"], *removals]:
        if coding["response_id"] == rid and coding["start"] is not None:
            coding["start"], coding["end"] = move(coding["start"]), move(coding["end"])
    return True


def _key(table: str, row: dict) -> tuple:
    return tuple(row[c] for c in KEYS[table])


def _plan(conn: sqlite3.Connection, theirs: Rows, their_texts: dict[str, str], removals: list[dict],
          other: Path) -> tuple[MergeReport, Rows, list[dict]]:
    """What to add, what to take off (`_taken_off_there`) and what conflicts, comparing the
    project with the other file's rows."""
    report = MergeReport(other)
    report.followed = _follow_code_merges(conn, theirs, removals)
    ours = {table: {_key(table, row): row for row in table_rows(conn, table)} for table in KEYS}
    our_texts = response_texts(conn)
    used = _referenced_responses(theirs)
    blocked: set[tuple[str, str]] = set()   # (kind, id) of responses, themes and codes in conflict
    for rid, text in their_texts.items():
        if rid in our_texts and our_texts[rid] != text:
            if _line_endings_only(our_texts[rid], text, rid, theirs, removals):
                continue
            report.conflicts.append(f"response {rid}: text differs")
            blocked.add(("response", rid))
        elif rid not in our_texts and rid in used:
            report.conflicts.append(f"response {rid}: not in this project, but coded or noted in {other.name}")
            blocked.add(("response", rid))
    report.left_out = sum(1 for rid in their_texts if rid not in our_texts and rid not in used)
    report.unrelated = bool(used) and not any(("response", rid) not in blocked and rid in our_texts for rid in used)
    _check_codebook(ours, theirs, report, blocked)
    rows = _new_codebook_rows(conn, ours, theirs, blocked)
    for table in ("codings", *_NOTES):
        rows[table] = _new_rows(table, ours[table], theirs[table], blocked, report)
    for table, kind in (("themes", "theme"), ("codes", "code")):
        report.held_back[table] = sum(1 for row in theirs[table]
                                      if (row["id"],) not in ours[table] and (kind, row["id"]) in blocked)
    rows["coders"] = [row for row in theirs["coders"] if _key("coders", row) not in ours["coders"]]
    report.added = {table: len(found) for table, found in rows.items()}
    everyone = ({row["coder"] for table in ("codings", *_NOTES) for row in theirs[table]}
                | {row["name"] for row in theirs["coders"]})
    ours_coders = ({row["coder"] for table in ("codings", *_NOTES) for row in ours[table].values()}
                   | {key[0] for key in ours["coders"]})
    report.coders = sorted(everyone)
    brought = ({row["coder"] for table in ("codings", *_NOTES) for row in rows[table]}
               | {row["name"] for row in rows["coders"]})
    report.new_coders = sorted(brought - ours_coders)   # only those whose work this merge adds
    return report, rows, _taken_off_there(conn, removals, ours["codings"], blocked, report)


def _follow_code_merges(conn: sqlite3.Connection, theirs: Rows, removals: list[dict]) -> int:
    """Put the other file's codings (and codings taken off there) on a code this project has since
    merged into another onto the code its codings went to, in place; return how many codings.
    Brought in on the merged code, they undid the merge: the retired code held codings again, and
    every count had the responses twice."""
    into = merged_codes(conn)
    followed = [row for row in theirs["codings"] if row["code_id"] in into]
    for row in [*followed, *(removal for removal in removals if removal["code_id"] in into)]:
        row["code_id"] = into[row["code_id"]]
    return len(followed)


def _taken_off_there(conn: sqlite3.Connection, removals: list[dict], our_codings: dict[tuple, dict],
                     blocked: set, report: MergeReport) -> list[dict]:
    """This project's codings (`our_codings`, by key) that the other file's history took off
    (`removed_codings`) since it was copied from here (a removal both logs hold came before the
    copy: what this project did after it, such as putting the coding back, stands): the same
    coding, made at the same moment; a coding made here again since (another moment) stays.
    Counted in `report.removed`; one on a response in conflict (`blocked`) is held back with
    that response's other rows."""
    shared = events_held(conn, [removal["event"] for removal in removals])   # taken off before the copy was made
    found = [our_codings[key] for key, made in ((_key("codings", r), r.get("created_at")) for r in removals
                                                if r["event"][0] not in shared)
             if key in our_codings and our_codings[key]["created_at"] == made]
    kept = [row for row in found if ("response", row["response_id"]) not in blocked]
    report.held_back["codings"] = report.held_back.get("codings", 0) + len(found) - len(kept)
    report.removed = len(kept)
    return kept


def _referenced_responses(theirs: Rows) -> set[str]:
    found = {row["response_id"] for table in ("codings", "charts") for row in theirs[table]}
    return found | {row["target_id"] for row in theirs["memos"] if row["target_type"] == "response"}


def _check_codebook(ours: dict, theirs: Rows, report: MergeReport, blocked: set) -> None:
    """Themes and codes both files hold that differ (label, a code's theme, kind) are conflicts,
    and so is a new one whose index (or a code's key) is another's here."""
    for table, kind, other_kind in (("themes", "theme", "code"), ("codes", "code", "theme")):
        other_table = "codes" if table == "themes" else "themes"
        taken = {(field, row[field]): row["id"] for row in ours[table].values()
                 for field in ("index", "key") if row.get(field) is not None}
        for row in theirs[table]:
            mine = ours[table].get((row["id"],))
            clash = next(((field, taken[field, row[field]]) for field in ("index", "key")
                          if (field, row.get(field)) in taken), None)
            if (row["id"],) in ours[other_table]:
                report.conflicts.append(f"{kind} {row['id']}: is a {other_kind} in this project")
            elif mine is None and clash:
                report.conflicts.append(f"{kind} {row['id']}: its {clash[0]} {row[clash[0]]!r} is taken "
                                        f"by {kind} {clash[1]} in this project")
            elif mine is None:
                continue
            elif mine["label"] != row["label"]:
                report.conflicts.append(f"{kind} {row['id']}: label {mine['label']!r} here, "
                                        f"{row['label']!r} in {report.source.name}")
            elif table == "codes" and mine["theme_id"] != row["theme_id"]:
                report.conflicts.append(f"code {row['id']}: under theme {mine['theme_id']} here, "
                                        f"{row['theme_id']} in {report.source.name}")
            else:
                continue
            blocked.add((kind, row["id"]))


def _new_codebook_rows(conn: sqlite3.Connection, ours: dict, theirs: Rows, blocked: set) -> Rows:
    """Themes and codes the project lacks, placed after its own (in the other file's order).

    A new code whose theme is held back by a conflict is held back too (added to `blocked`),
    and so is a new sub-code whose parent code is (parents are placed before their sub-codes).
    """
    theme_position, code_positions = next_positions(conn)
    themes = []
    for row in theirs["themes"]:
        if (row["id"],) not in ours["themes"] and ("theme", row["id"]) not in blocked:
            themes.append({**row, "position": theme_position})
            theme_position += 1
    homes = {key[0] for key in ours["themes"]} | {row["id"] for row in themes}
    parents = {key[0] for key in ours["codes"]}
    codes = []
    for row in _parents_first(theirs["codes"]):
        if (row["id"],) in ours["codes"] or ("code", row["id"]) in blocked:
            continue
        if row["theme_id"] not in homes or (row.get("parent_id") and row["parent_id"] not in parents):
            blocked.add(("code", row["id"]))   # its theme is a code here, or its parent is held back
        else:
            position = code_positions.get(row["theme_id"], 0)
            codes.append({**row, "position": position})
            code_positions[row["theme_id"]] = position + 1
            parents.add(row["id"])
    return {"themes": themes, "codes": codes}


def _parents_first(rows: list[dict]) -> list[dict]:
    """Code rows ordered by depth in their tree (stable), so each parent comes before its sub-codes."""
    depth = tree_depths({row["id"]: row.get("parent_id") for row in rows})
    return sorted(rows, key=lambda row: depth[row["id"]])


def _depends_on(table: str, row: dict) -> list[tuple[str, str]]:
    """The responses, themes and codes a coding, memo or summary is about."""
    if table == "codings":
        return [("response", row["response_id"]), ("code", row["code_id"])]
    if table == "charts":
        return [("response", row["response_id"]), ("theme", row["theme_id"])]
    return [(row["target_type"], row["target_id"])]


def _new_rows(table: str, ours: dict, theirs: list[dict], blocked: set, report: MergeReport) -> list[dict]:
    """The other file's rows of `table` to add; counts those present and those held back."""
    text = {"memos": "text", "charts": "summary"}.get(table)
    added, present, held = [], 0, 0
    for row in theirs:
        mine = ours.get(_key(table, row))
        if mine is not None and (text is None or mine[text] == row[text]):
            present += 1
        elif any(dep in blocked for dep in _depends_on(table, row)):
            held += 1
        elif mine is not None:
            what = "memo" if table == "memos" else "chart summary"
            on = (f"{row['target_type']} {row['target_id']}".strip() if table == "memos"
                  else f"response {row['response_id']} under theme {row['theme_id']}")
            report.conflicts.append(f"{what} by {row['coder']} on {on}: text differs")
            held += 1
        else:
            added.append(row)
    report.present[table] = present
    report.held_back[table] = held
    return added
