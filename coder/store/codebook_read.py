"""Reading the codebook inside a project: themes, codes and how much each code is used.

`coder.store.codebook` re-exports everything here, next to the functions that
change the codebook; import from there.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from coder.errors import CoderError
from coder.records import Code, Codebook, Theme
from coder.store.layout import get_meta, table_columns
from coder.store.consensus import SETTLED

THEME_COLUMNS = 'id, "index", label, description, position, retired, codable, color'
CODE_COLUMNS = ('id, theme_id, "index", label, definition, include, exclude, keywords, color, '
                'key, position, retired, parent_id, codable')
# Fields of a code that `update_code` may change (theme and position change by `move_code`).
CODE_FIELDS = ("index", "label", "definition", "include", "exclude", "keywords", "color", "key",
               "parent_id", "codable")
THEME_FIELDS = ("index", "label", "description", "codable", "color")
# What a file older than schema 6, read as it is (read-only), has instead of its columns.
_BEFORE_V6 = {"parent_id": "NULL AS parent_id", "codable": "{codable} AS codable", "color": "NULL AS color"}
LIST_FIELDS = ("include", "exclude", "keywords")
META_KEYS = {"name": "codebook_name", "version": "codebook_version", "method": "codebook_method"}


def record_data(record: Theme | Code) -> dict:
    """A theme or code as plain JSON-ready data (for events and exports)."""
    data = dataclasses.asdict(record)
    for name in LIST_FIELDS:
        if name in data:
            data[name] = list(data[name])
    return data


def _theme(row: tuple) -> Theme:
    id_, index, label, description, position, retired, codable, color = row
    return Theme(id_, index, label, description, position, bool(retired), bool(codable), color)


def _code(row: tuple) -> Code:
    (id_, theme_id, index, label, definition, include, exclude, keywords, color, key,
     position, retired, parent_id, codable) = row
    return Code(id_, theme_id, index, label, definition, tuple(json.loads(include)),
                tuple(json.loads(exclude)), tuple(json.loads(keywords)), color, key, position,
                bool(retired), parent_id, bool(codable))


def _columns(conn: sqlite3.Connection, table: str, columns: str, prefix: str = "") -> str:
    """`columns` to select from `table`, with stand-ins for those a pre-schema-6 file lacks."""
    present = table_columns(conn, table)
    codable = "1" if table == "codes" else "0"
    return ", ".join(prefix + name if name.strip('"') in present
                     else _BEFORE_V6[name].format(codable=codable)
                     for name in (col.strip() for col in columns.split(",")))


def list_themes(conn: sqlite3.Connection) -> list[Theme]:
    """All themes, retired included, in framework order."""
    return [_theme(row) for row in conn.execute(
        f"SELECT {_columns(conn, 'themes', THEME_COLUMNS)} FROM themes ORDER BY position, rowid")]


def list_codes(conn: sqlite3.Connection) -> list[Code]:
    """All codes, retired included, in framework order (by theme, then within it).

    Sub-codes are among their theme's codes, by position; `Codebook.tree` gives
    the tree.
    """
    return [_code(row) for row in conn.execute(
        f"SELECT {_columns(conn, 'codes', CODE_COLUMNS, 'c.')} FROM codes c "
        "JOIN themes t ON t.id = c.theme_id ORDER BY t.position, t.rowid, c.position, c.rowid")]


def load_codebook(conn: sqlite3.Connection) -> Codebook:
    """The project's whole codebook (retired themes and codes included).

    Name, version and method come from the project metadata (set when a
    codebook is loaded; the name defaults to the project name).
    """
    meta = get_meta(conn)
    return Codebook(name=meta.get("codebook_name") or meta.get("name", ""),
                    themes=tuple(list_themes(conn)), codes=tuple(list_codes(conn)),
                    version=meta.get("codebook_version", ""),
                    method=meta.get("codebook_method", ""))


def get_theme(conn: sqlite3.Connection, theme_id: str) -> Theme | None:
    """One theme by id, or None."""
    row = conn.execute(f"SELECT {_columns(conn, 'themes', THEME_COLUMNS)} FROM themes WHERE id = ?",
                       (theme_id,)).fetchone()
    return _theme(row) if row else None


def get_code(conn: sqlite3.Connection, code_id: str) -> Code | None:
    """One code by id, or None."""
    row = conn.execute(f"SELECT {_columns(conn, 'codes', CODE_COLUMNS)} FROM codes WHERE id = ?",
                       (code_id,)).fetchone()
    return _code(row) if row else None


def require_theme(conn: sqlite3.Connection, theme_id: str) -> Theme:
    theme = get_theme(conn, theme_id)
    if theme is None:
        raise CoderError(f"no theme with id {theme_id!r} in this project")
    return theme


def require_code(conn: sqlite3.Connection, code_id: str) -> Code:
    code = get_code(conn, code_id)
    if code is None:
        raise CoderError(f"no code with id {code_id!r} in this project")
    return code


def codes_in_use(conn: sqlite3.Connection) -> set[str]:
    """Ids of the codes that have at least one coding (by anyone)."""
    return {row[0] for row in conn.execute("SELECT DISTINCT code_id FROM codings")}


def responses_per_code(conn: sqlite3.Connection, coder: str | None = None) -> dict[str, int]:
    """How many distinct responses each code is applied to (one coder's, or everyone's pooled as
    the exports pool them: a response settled in adjudication by its consensus alone)."""
    sql = "SELECT c.code_id, count(DISTINCT c.response_id) FROM codings c"
    params: tuple = ()
    if coder is not None:
        sql += " WHERE c.coder = ?"
        params = (coder,)
    else:
        sql += f" WHERE {SETTLED}"
    return dict(conn.execute(sql + " GROUP BY c.code_id", params))
