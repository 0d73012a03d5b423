"""Merging a codebook file into a project's codebook, by id.

New themes and codes are added; existing ones take the file's text (index,
label, definition, rules, keywords, colour) and theme, and keep their key unless
the file gives one (a code's key stays with it); the file's order is
kept (what the project alone has follows, retired); themes and
codes the file no longer has are retired, never deleted, so every coding made
with them is kept and the change can be undone by importing the old file
again (which brings them back). A theme of the file with the id of one of the
project's codes is that code, which a program with no category under a code
(QualCoder) moved to the top level, and goes back where it was, as does a
sub-code such a program left in "Ungrouped codes" (coder.codebook.qdc_nesting).
All of it runs in one transaction, with one event per change plus a
`codebook.import` event summing it up.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, replace

from coder.codebook.qdc_nesting import put_back_lifted_codes
from coder.records import Code, Codebook, Theme
from coder.store import transaction
from coder.store.codebook import (add_code, add_theme, move_code, reorder_codes, reorder_themes,
                                  set_code_retired, set_codebook_info, set_theme_retired, update_code,
                                  update_theme)
from coder.store.codebook_read import CODE_FIELDS, THEME_FIELDS, codes_in_use, list_codes, list_themes
from coder.store.events import Action, record_event


@dataclass
class MergeReport:
    """What a merge changed, by id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    retired_in_use: list[str] = field(default_factory=list)
    unretired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the user, e.g. '3 added, 1 updated, 2 retired (1 with codings)'."""
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        if self.moved:
            parts.append(f"{len(self.moved)} moved")
        retired = f"{len(self.retired)} retired"
        if self.retired_in_use:
            retired += f" ({len(self.retired_in_use)} with codings, kept)"
        parts.append(retired)
        if self.unretired:
            parts.append(f"{len(self.unretired)} brought back")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The report as plain data (for the event log)."""
        return {k: list(v) for k, v in self.__dict__.items()}


def matched_by_label(known: Codebook, incoming: Codebook) -> tuple[Codebook, int]:
    """`incoming` with a theme or code whose id the project lacks given the id of the project's
    one with the same label (spaces and case aside), where exactly one such is not in the file
    by id; and how many codes were so matched.

    Another program's codebook gives coder's codes new ids (MAXQDA writes new GUIDs): merged by
    id, every code was added anew and the project's own, with all their codings, retired.
    """
    themes = _same_labels(known.themes, incoming.themes)
    codes = _same_labels(known.codes, incoming.codes)
    if not themes and not codes:
        return incoming, 0
    matched = replace(
        incoming, themes=tuple(replace(t, id=themes.get(t.id, t.id)) for t in incoming.themes),
        codes=tuple(replace(c, id=codes.get(c.id, c.id), theme_id=themes.get(c.theme_id, c.theme_id),
                            parent_id=codes.get(c.parent_id, c.parent_id)) for c in incoming.codes))
    return matched, len(codes)


def _same_labels(known: tuple, incoming: tuple) -> dict[str, str]:
    """Incoming id -> known id, for records each alone with its label among those only one side has."""
    def label(record) -> str:
        return " ".join(record.label.split()).casefold()
    known_ids, incoming_ids = {r.id for r in known}, {r.id for r in incoming}
    left: dict[str, list[str]] = defaultdict(list)     # the project's, not in the file by id
    for record in known:
        if record.id not in incoming_ids:
            left[label(record)].append(record.id)
    new: dict[str, list[str]] = defaultdict(list)      # the file's, not in the project by id
    for record in incoming:
        if record.id not in known_ids:
            new[label(record)].append(record.id)
    return {ids[0]: left[name][0] for name, ids in new.items() if len(ids) == 1 and len(left.get(name, ())) == 1}


def _changes(old, new, fields: tuple[str, ...]) -> dict:
    return {f: getattr(new, f) for f in fields if getattr(old, f) != getattr(new, f)}


def retires_any(known: Codebook, incoming: Codebook) -> bool:
    """Whether merging `incoming` into the project's `known` codebook retires a theme or code."""
    kept = {r.id for r in incoming.themes + incoming.codes}
    return any(not r.retired and r.id not in kept for r in known.themes + known.codes)


def merge_codebook(conn: sqlite3.Connection, codebook: Codebook, coder: str, *,
                   source: str = "") -> MergeReport:
    """Merge `codebook` into the project by id; return what changed.

    The project's codebook name, version and method become the file's.
    """
    report = MergeReport()
    with transaction(conn):
        themes = {t.id: t for t in list_themes(conn)}
        codes = {c.id: c for c in list_codes(conn)}
        codebook = put_back_lifted_codes(codebook, themes, codes, source)
        for theme in codebook.themes:
            _merge_record(conn, themes.get(theme.id), theme, _THEME_OPS, coder, report)
        for code in codebook.codes:
            _merge_record(conn, codes.get(code.id), code, _CODE_OPS, coder, report)
        _retire_missing(conn, codebook, themes, codes, coder, report)
        reorder_themes(conn, [t.id for t in codebook.themes], coder)
        order: dict[str, list[str]] = defaultdict(list)   # codes_of per theme would be quadratic
        for code in codebook.codes:
            order[code.theme_id].append(code.id)
        for theme in codebook.themes:
            reorder_codes(conn, theme.id, order[theme.id], coder)
        set_codebook_info(conn, name=codebook.name, version=codebook.version, method=codebook.method)
        record_event(conn, coder, Action.CODEBOOK_IMPORT, source, {"source": source, "name": codebook.name,
                                                               **report.as_dict()})
    return report


# How to add, update and retire each kind of record, and which fields a merge compares.
_THEME_OPS = (add_theme, update_theme, set_theme_retired, THEME_FIELDS)
_CODE_OPS = (add_code, update_code, set_code_retired, CODE_FIELDS)


def _merge_record(conn, old: Theme | Code | None, new: Theme | Code, ops: tuple, coder: str,
                  report: MergeReport) -> None:
    add, update, set_retired, fields = ops
    if old is None:
        add(conn, new, coder)
        report.added.append(new.id)
        return
    if isinstance(new, Code) and new.key is None:   # a file without keys keeps the project's
        new = replace(new, key=old.key)
    changes = _changes(old, new, fields)
    if changes:
        update(conn, new.id, coder, **changes)
        report.updated.append(new.id)
    if isinstance(new, Code) and old.theme_id != new.theme_id:
        move_code(conn, new.id, new.theme_id, coder)
        report.moved.append(new.id)
    if old.retired != new.retired:
        set_retired(conn, new.id, new.retired, coder)
        (report.retired if new.retired else report.unretired).append(new.id)


def _retire_missing(conn, codebook: Codebook, themes: dict, codes: dict, coder: str,
                    report: MergeReport) -> None:
    """Retire what the file no longer has (never delete: codings must survive)."""
    in_use = codes_in_use(conn)
    kept_codes = {c.id for c in codebook.codes}
    for code in codes.values():
        if code.id not in kept_codes and not code.retired:
            set_code_retired(conn, code.id, True, coder)
            report.retired.append(code.id)
            if code.id in in_use:
                report.retired_in_use.append(code.id)
    kept_themes = {t.id for t in codebook.themes}
    for theme in themes.values():
        if theme.id not in kept_themes and not theme.retired:
            set_theme_retired(conn, theme.id, True, coder)
            report.retired.append(theme.id)
