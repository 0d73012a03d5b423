"""The codebook inside a project: themes and codes, and every change to them.

Each function that changes the codebook runs in one transaction (joining the
caller's, if any) and logs a `codebook.*` event whose data holds what is needed
to audit and to invert the change (`before`/`after` records). Codes that have
codings are never deleted: they are retired, which hides them from coding but
keeps every decision made with them.

Records are `coder.records.Theme` and `coder.records.Code`; positions order the
themes and, within a theme, its codes (framework order). Merging one code into
another is coder.store.code_merge.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import Sequence

from coder.codebook.rules import check_color
from coder.errors import CoderError
from coder.records import Code, Theme
from coder.store.codebook_read import (CODE_COLUMNS, CODE_FIELDS, LIST_FIELDS, META_KEYS,
                                       THEME_COLUMNS, THEME_FIELDS, list_codes, list_themes,
                                       record_data, require_code, require_theme)
from coder.store.connection import transaction
from coder.store.events import Action, record_event

def set_codebook_info(conn: sqlite3.Connection, *, name: str, version: str = "",
                      method: str = "") -> None:
    """Store the codebook's name, version and method in the project metadata.

    Empty values leave the stored ones as they are (a .qdc file has none).
    """
    values = {"name": name, "version": version, "method": method}
    with transaction(conn):
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [(META_KEYS[k], v) for k, v in values.items() if v])


def _check_new(conn: sqlite3.Connection, record: Theme | Code) -> Theme | Code:
    """`record` checked as a new theme or code, its colour as #rrggbb; a CoderError if it cannot be one."""
    id_ = record.id
    if not id_ or not id_.strip() or any(ch.isspace() for ch in id_):
        raise CoderError(f"id {id_!r}: a theme or code needs a non-empty id without spaces")
    if not record.label.strip():
        raise CoderError(f"{id_!r}: a theme or code needs a label")
    taken = conn.execute("SELECT 1 FROM themes WHERE id = ? UNION ALL SELECT 1 FROM codes WHERE id = ?",
                         (id_, id_)).fetchone()
    if taken:
        raise CoderError(f"id {id_!r} is already used by a theme or code in this project "
                         "(ids must be unique)")
    return dataclasses.replace(record, color=check_color(record.color, column=None))


def add_theme(conn: sqlite3.Connection, theme: Theme, coder: str) -> Theme:
    """Add a theme after the existing ones; return it as stored (with its position).

    Logged as `codebook.theme.add` with the theme in `after`.
    """
    with transaction(conn):
        theme = _check_new(conn, theme)
        position = conn.execute("SELECT ifnull(max(position), -1) + 1 FROM themes").fetchone()[0]
        stored = dataclasses.replace(theme, position=position)
        conn.execute(f"INSERT INTO themes({THEME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (stored.id, stored.index, stored.label, stored.description, stored.position,
                      int(stored.retired), int(stored.codable), stored.color))
        record_event(conn, coder, Action.THEME_ADD, stored.id, {"after": record_data(stored)})
        return stored


def _next_code_position(conn: sqlite3.Connection, theme_id: str) -> int:
    return conn.execute("SELECT ifnull(max(position), -1) + 1 FROM codes WHERE theme_id = ?",
                        (theme_id,)).fetchone()[0]


def _write_code(conn: sqlite3.Connection, code: Code) -> None:
    conn.execute(
        f"INSERT INTO codes({CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET theme_id = excluded.theme_id, \"index\" = excluded.\"index\", "
        "label = excluded.label, definition = excluded.definition, include = excluded.include, "
        "exclude = excluded.exclude, keywords = excluded.keywords, color = excluded.color, "
        "key = excluded.key, position = excluded.position, retired = excluded.retired, "
        "parent_id = excluded.parent_id, codable = excluded.codable",
        (code.id, code.theme_id, code.index, code.label, code.definition,
         json.dumps(list(code.include), ensure_ascii=False),
         json.dumps(list(code.exclude), ensure_ascii=False),
         json.dumps(list(code.keywords), ensure_ascii=False),
         code.color, code.key, code.position, int(code.retired), code.parent_id, int(code.codable)))


def _check_parent(conn: sqlite3.Connection, code: Code) -> None:
    """A sub-code's parent must be another code of the project, and not one of its own sub-codes."""
    parent = code.parent_id
    seen = {code.id}
    while parent is not None:
        if parent in seen:
            raise CoderError(f"code {code.id!r} cannot be a sub-code of {code.parent_id!r}, "
                             "which is itself one of its sub-codes")
        seen.add(parent)
        row = conn.execute("SELECT parent_id FROM codes WHERE id = ?", (parent,)).fetchone()
        if row is None:
            raise CoderError(f"code {code.id!r}: no parent code with id {parent!r} in this project")
        parent = row[0]


def add_code(conn: sqlite3.Connection, code: Code, coder: str) -> Code:
    """Add a code at the end of its theme; return it as stored (with its position).

    The theme must exist, and a sub-code's parent (`parent_id`). Logged as
    `codebook.code.add` with the code in `after`.
    """
    with transaction(conn):
        require_theme(conn, code.theme_id)
        code = _check_new(conn, code)
        _check_parent(conn, code)
        stored = dataclasses.replace(code, position=_next_code_position(conn, code.theme_id))
        _write_code(conn, stored)
        record_event(conn, coder, Action.CODE_ADD, stored.id, {"after": record_data(stored)})
        return stored


def _normalise_changes(changes: dict, allowed: tuple[str, ...], what: str) -> dict:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise CoderError(f"cannot change {', '.join(unknown)} of a {what} "
                         f"(changeable: {', '.join(allowed)})")
    return {k: tuple(v) if k in LIST_FIELDS else v for k, v in changes.items()}


def _changed(before, after, fields) -> dict:
    return {f: getattr(after, f) for f in fields if getattr(before, f) != getattr(after, f)}


def update_code(conn: sqlite3.Connection, code_id: str, coder: str, **changes) -> Code:
    """Change fields of a code (any of CODE_FIELDS); return the code as stored.

    `update_code(conn, "stress", "alice", label="Stress", keywords=["stress"])`.
    Logged as `codebook.code.update` with `before` and `after` of the changed
    fields only; a call that changes nothing logs nothing.
    """
    changes = _normalise_changes(changes, CODE_FIELDS, "code")
    if "label" in changes and not str(changes["label"]).strip():
        raise CoderError(f"code {code_id!r}: the label cannot be empty")
    if "color" in changes:
        changes["color"] = check_color(changes["color"], column=None)
    with transaction(conn):
        before = require_code(conn, code_id)
        after = dataclasses.replace(before, **changes)
        changed = _changed(before, after, CODE_FIELDS)
        if "parent_id" in changed:
            _check_parent(conn, after)
        if changed:
            _write_code(conn, after)
            record_event(conn, coder, Action.CODE_UPDATE, code_id, {
                "before": _plain({f: getattr(before, f) for f in changed}),
                "after": _plain(changed)})
        return after


def store_code_keys(conn: sqlite3.Connection, keys: dict[str, str]) -> None:
    """Give codes that had no keyboard key one (code id -> key), in one transaction.

    Not logged: a key chosen for a code that had none is how the screen shows
    the codebook, not a decision of the coder's (a key the coder sets or
    changes is a logged `update_code`).
    """
    with transaction(conn):
        conn.executemany("UPDATE codes SET key = ? WHERE id = ? AND key IS NULL",
                         [(key, cid) for cid, key in keys.items()])


def update_theme(conn: sqlite3.Connection, theme_id: str, coder: str, **changes) -> Theme:
    """Change a theme's index, label, description, codability or colour; logged as `codebook.theme.update`."""
    changes = _normalise_changes(changes, THEME_FIELDS, "theme")
    if "label" in changes and not str(changes["label"]).strip():
        raise CoderError(f"theme {theme_id!r}: the label cannot be empty")
    if "color" in changes:
        changes["color"] = check_color(changes["color"], column=None)
    with transaction(conn):
        before = require_theme(conn, theme_id)
        after = dataclasses.replace(before, **changes)
        changed = _changed(before, after, THEME_FIELDS)
        if changed:
            conn.execute('UPDATE themes SET "index" = ?, label = ?, description = ?, codable = ?, '
                         'color = ? WHERE id = ?', (after.index, after.label, after.description,
                                                    int(after.codable), after.color, theme_id))
            record_event(conn, coder, Action.THEME_UPDATE, theme_id, {
                "before": {f: getattr(before, f) for f in changed}, "after": changed})
        return after


def _plain(data: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def move_code(conn: sqlite3.Connection, code_id: str, theme_id: str, coder: str, *,
              position: int | None = None, sub_codes: Sequence[str | tuple[str, int]] = (),
              **changes) -> Code:
    """Move a code to a theme (possibly its own), at `position` or at the end, with any other
    `changes` of its fields that go with the move (its index renumbered, its parent left), and
    the codes that go with it (`sub_codes`: ids, each to the end of the theme, or (id, position)
    pairs, as undo puts them back).

    Codes after an insertion point shift down one. Logged as one `codebook.code.move` with
    the theme, positions (the sub-codes' under `sub_codes`) and changed fields before and after,
    so one undo takes the whole move back.
    """
    changes = _normalise_changes(changes, CODE_FIELDS, "code")
    with transaction(conn):
        before = require_code(conn, code_id)
        require_theme(conn, theme_id)
        codes = {c.id: c for c in list_codes(conn)}
        pairs = [(sub, None) if isinstance(sub, str) else tuple(sub) for sub in sub_codes]
        # A sub-code deleted since (an undo long after the move) is left out.
        subs = [(cid, at) for cid, at in pairs if cid in codes and cid != code_id]
        moving = [(code_id, position), *subs]
        moving_ids = {cid for cid, _ in moving}
        siblings = [cid for cid, c in codes.items() if c.theme_id == theme_id and cid not in moving_ids]
        # Those with a position in rising order (each then lands where it was), then the rest at the end.
        for cid, at in sorted(moving, key=lambda m: (m[1] is None, m[1] or 0)):
            siblings.insert(len(siblings) if at is None else max(0, min(at, len(siblings))), cid)
        after = dataclasses.replace(before, **changes, theme_id=theme_id, position=siblings.index(code_id))
        changed = _changed(before, after, CODE_FIELDS)
        if "parent_id" in changed:
            _check_parent(conn, after)
        _write_code(conn, after)
        conn.executemany("UPDATE codes SET theme_id = ? WHERE id = ?", [(theme_id, cid) for cid, _ in subs])
        conn.executemany("UPDATE codes SET position = ? WHERE id = ?",
                         [(i, cid) for i, cid in enumerate(siblings)])
        moved = {"sub_codes": [[cid, codes[cid].position] for cid, _ in subs]} if subs else {}
        record_event(conn, coder, Action.CODE_MOVE, code_id, {
            "before": {"theme_id": before.theme_id, "position": before.position,
                       **_plain({f: getattr(before, f) for f in changed}), **moved},
            "after": {"theme_id": theme_id, "position": after.position, **_plain(changed),
                      **({"sub_codes": [[cid, siblings.index(cid)] for cid, _ in subs]} if subs else {})}})
        return after


def _reorder(conn: sqlite3.Connection, table: str, current: list[str], wanted: list[str],
             action: str, target: str, coder: str) -> list[str]:
    present, named = set(current), set(wanted)
    order = [i for i in wanted if i in present] + [i for i in current if i not in named]
    order = list(dict.fromkeys(order))
    if order != current:
        conn.executemany(f"UPDATE {table} SET position = ? WHERE id = ?",
                         [(position, id_) for position, id_ in enumerate(order)])
        record_event(conn, coder, action, target, {"before": current, "after": order})
    return order


def reorder_codes(conn: sqlite3.Connection, theme_id: str, code_ids: list[str],
                  coder: str) -> list[str]:
    """Put a theme's codes in the order of `code_ids`; return the new order.

    Codes of the theme not named keep their order after the named ones; ids
    of other themes' codes are ignored. Logged as `codebook.code.reorder` with
    the order before and after (nothing is logged when the order is unchanged).
    """
    with transaction(conn):
        require_theme(conn, theme_id)
        current = [row[0] for row in conn.execute(
            "SELECT id FROM codes WHERE theme_id = ? ORDER BY position, rowid", (theme_id,))]
        return _reorder(conn, "codes", current, code_ids, Action.CODE_REORDER, theme_id, coder)


def reorder_themes(conn: sqlite3.Connection, theme_ids: list[str], coder: str) -> list[str]:
    """Put the themes in the order of `theme_ids` (others after); `codebook.theme.reorder`."""
    with transaction(conn):
        current = [t.id for t in list_themes(conn)]
        return _reorder(conn, "themes", current, theme_ids, Action.THEME_REORDER, "", coder)


def set_code_retired(conn: sqlite3.Connection, code_id: str, retired: bool, coder: str) -> Code:
    """Retire a code (hidden from coding, its codings kept) or bring it back.

    Logged as `codebook.code.retire` or `codebook.code.unretire`; no event when
    the code is already in that state.
    """
    with transaction(conn):
        return _set_retired(conn, "codes", "code", require_code(conn, code_id), retired, coder)


def _set_retired(conn: sqlite3.Connection, table: str, kind: str, record, retired: bool, coder: str):
    if record.retired == retired:
        return record
    conn.execute(f"UPDATE {table} SET retired = ? WHERE id = ?", (int(retired), record.id))
    action = Action(f"codebook.{kind}.{'retire' if retired else 'unretire'}")
    record_event(conn, coder, action, record.id,
                 {"before": {"retired": record.retired}, "after": {"retired": retired}})
    return dataclasses.replace(record, retired=retired)


def set_theme_retired(conn: sqlite3.Connection, theme_id: str, retired: bool, coder: str) -> Theme:
    """Retire a theme or bring it back (`codebook.theme.retire` / `.unretire`).

    Its codes keep their own retired flag; a retired theme's codes are shown
    as retired by the UI and offered for nothing new.
    """
    with transaction(conn):
        return _set_retired(conn, "themes", "theme", require_theme(conn, theme_id), retired, coder)


def delete_unused_code(conn: sqlite3.Connection, code_id: str, coder: str) -> Code:
    """Delete a code nobody has coded with (e.g. to undo adding it by mistake).

    Raises CoderError if the code has codings (retire it instead) or sub-codes.
    Its suggestions go with it. Logged as `codebook.code.delete` with the code in
    `before`.
    """
    with transaction(conn):
        code = require_code(conn, code_id)
        if conn.execute("SELECT 1 FROM codings WHERE code_id = ? LIMIT 1", (code_id,)).fetchone():
            raise CoderError(f"code {code_id!r} has codings and cannot be deleted (retire it instead)")
        if conn.execute("SELECT 1 FROM codes WHERE parent_id = ? LIMIT 1", (code_id,)).fetchone():
            raise CoderError(f"code {code_id!r} has sub-codes and cannot be deleted (delete them first)")
        conn.execute("DELETE FROM suggestions WHERE code_id = ?", (code_id,))
        conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))
        record_event(conn, coder, Action.CODE_DELETE, code_id, {"before": record_data(code)})
        return code
