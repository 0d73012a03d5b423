"""Editing the project's codebook from a label: what the UI's codebook screen calls.

`coder.store.codebook` holds the changes themselves (each in one transaction,
logged as a `codebook.*` event with before/after data); this module adds the
choices a person should not have to make: a new theme or code gets an id made
from its label (unique in the project) and the next free index (themes 1, 2 ...;
codes within a theme 2.1, 2.2 ...), unless given.

The plain changes (update, move, merge, retire, delete, reorder) are the
store's own functions in `coder.store.codebook`, each one transaction.
"""

from __future__ import annotations

import sqlite3

from coder.codebook.keys import keys_to_store
from coder.codebook.rules import unique_slug
from coder.errors import CoderError
from coder.records import Code, Codebook, Theme
from coder.store.codebook import add_code, add_theme, move_code, store_code_keys
from coder.store.codebook_read import load_codebook, require_code
from coder.store.connection import transaction

def _last_number(index: str) -> int:
    tail = index.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def next_theme_index(codebook: Codebook) -> str:
    """The index a new theme gets: one more than the highest numeric theme index."""
    return str(max((_last_number(t.index) for t in codebook.themes), default=0) + 1)


def next_code_index(codebook: Codebook, theme_id: str) -> str:
    """The index a new code in `theme_id` gets: the theme's index, a dot, the next number."""
    theme = next(t for t in codebook.themes if t.id == theme_id)
    taken = [_last_number(c.index) for c in codebook.codes
             if c.theme_id == theme_id and c.index.startswith(f"{theme.index}.")]
    return f"{theme.index}.{max(taken, default=0) + 1}"


def check_index_free(codebook: Codebook, index: str, own_id: str | None = None) -> None:
    """A CoderError if a theme or code other than `own_id` has `index`: a codebook with two alike
    exports to a file that `coder init` and `codebook import` refuse."""
    holder = next((r for r in [*codebook.themes, *codebook.codes] if r.index == index and r.id != own_id), None)
    if holder is not None:
        raise CoderError(f"index {index!r} is taken by {holder.index} {holder.label} (each theme and code needs its own)")


def _taken_ids(codebook: Codebook) -> set[str]:
    return {t.id for t in codebook.themes} | {c.id for c in codebook.codes}


def new_theme(conn: sqlite3.Connection, label: str, coder: str, *, description: str = "",
              index: str | None = None, id: str | None = None) -> Theme:  # noqa: A002 - field name
    """Add a theme at the end; id from the label and the next index unless given."""
    codebook = load_codebook(conn)
    if index:
        check_index_free(codebook, index)
    theme = Theme(id or unique_slug(label, _taken_ids(codebook)),
                  index or next_theme_index(codebook), label.strip(), description)
    return add_theme(conn, theme, coder)


def new_code(conn: sqlite3.Connection, theme_id: str, label: str, coder: str, *,
             index: str | None = None, id: str | None = None, **fields) -> Code:  # noqa: A002
    """Add a code at the end of a theme; id from the label and the next index unless given.

    `fields` are any other Code fields: definition, include, exclude, keywords, color, key.
    Raises CoderError if the theme does not exist or the id is taken.
    """
    codebook = load_codebook(conn)
    if not any(t.id == theme_id for t in codebook.themes):
        raise CoderError(f"no theme with id {theme_id!r} in this project")
    if index:
        check_index_free(codebook, index)
    for name in ("include", "exclude", "keywords"):
        if name in fields:
            fields[name] = tuple(fields[name])
    code = Code(id or unique_slug(label, _taken_ids(codebook)), theme_id,
                index or next_code_index(codebook, theme_id), label.strip(), **fields)
    return add_code(conn, code, coder)


def move_code_to_theme(conn: sqlite3.Connection, code_id: str, theme_id: str, coder: str) -> Code:
    """Move a code to the end of another theme, in one transaction; return it as stored.

    An index numbered after its old theme's (1.3) is renumbered into the new
    theme (2.4); an index of the researcher's own making is kept. A sub-code
    moved to another theme leaves its parent (it goes directly under the new
    theme), and a code's sub-codes go with it, keeping their own indexes. The move, with
    the code's new index and parent and its sub-codes, is one change (one undo takes it back).
    """
    with transaction(conn):
        codebook = load_codebook(conn)
        code = require_code(conn, code_id)
        old_theme = next(t for t in codebook.themes if t.id == code.theme_id)
        new_index = next_code_index(codebook, theme_id) if theme_id != code.theme_id else code.index
        changes: dict = {}
        if code.index.startswith(f"{old_theme.index}.") and new_index != code.index:
            changes["index"] = new_index
        if theme_id != code.theme_id and code.parent_id is not None:
            changes["parent_id"] = None
        sub_codes = _sub_codes(codebook, code) if theme_id != code.theme_id else []
        return move_code(conn, code_id, theme_id, coder, sub_codes=sub_codes, **changes)


def _sub_codes(codebook: Codebook, code: Code) -> list[str]:
    """The ids of a code's sub-codes at every depth, parents before their own sub-codes."""
    tree = codebook.tree()
    found, queue = [], [code.id]
    while queue:
        children = [c.id for c in tree.get((code.theme_id, queue.pop(0)), ())]
        found.extend(children)
        queue.extend(children)
    return found


def settle_keys(conn: sqlite3.Connection) -> Codebook:
    """Store a key with every code that can be applied and has none; return the codebook.

    From then on each keeps its key, whatever codes are added (see
    `coder.codebook.keys`). A project that cannot be written (read-only, a full
    disk) keeps working with the keys chosen afresh, as before.
    """
    codebook = load_codebook(conn)
    missing = keys_to_store(codebook)
    if not missing:
        return codebook
    try:
        store_code_keys(conn, missing)
    except CoderError:
        return codebook
    return load_codebook(conn)
