"""Responses: the texts being coded, keyed by the respondent's own id."""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Iterable, Iterator

from coder.records import Response
from coder.store.connection import in_batches, now, transaction

_encode_string = json.encoder.encode_basestring   # JSON string literal, non-ASCII kept


def attributes_json(attributes: dict) -> str:
    """`json.dumps(attributes, ensure_ascii=False)`, fast when keys and values are strings.

    Bulk imports encode a million small dicts; building the text directly is
    about twice as fast as json.dumps and gives exactly the same string. NaN and
    infinities (JSON Lines' `NaN`, a workbook's `1e400`), which JSON has no number
    for, are stored as the text "NaN", "Infinity", "-Infinity": json.dumps would
    write them bare, which is not JSON, and SQLite's JSON functions refuse it.
    """
    try:
        return "{" + ", ".join([f"{_encode_string(k)}: {_encode_string(v)}"
                                for k, v in attributes.items()]) + "}"
    except TypeError:   # a number, list, None ... : let json handle it
        try:
            return json.dumps(attributes, ensure_ascii=False, allow_nan=False)
        except ValueError:   # a NaN or an infinity somewhere
            return json.dumps(_finite(attributes), ensure_ascii=False, allow_nan=False)


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _finite(value):
    """`value` with every NaN and infinity in it (in lists and objects too) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return _NON_FINITE[repr(value)]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def next_position(conn: sqlite3.Connection) -> int:
    """The position the next imported response gets (responses keep import order)."""
    return conn.execute("SELECT ifnull(max(position), -1) + 1 FROM responses").fetchone()[0]


def insert_responses(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, dict | str]], *,
                     source: str = "", replace: bool = False) -> int:
    """Insert (id, text, attributes) rows after the existing ones; return how many.

    `attributes` is a dict, or the JSON text of one (see `attributes_json`), which
    lets a bulk import encode it off the writing thread.

    With `replace`, a row whose id exists replaces the text and attributes but
    keeps its position and codings. Without it, an existing id raises
    sqlite3.IntegrityError (callers check duplicates first to report them).
    """
    stamp = now()
    with transaction(conn):
        start = next_position(conn)
        if replace:
            sql = ("INSERT INTO responses(id, text, position, attributes, imported_at, source) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET text = excluded.text, "
                   "attributes = excluded.attributes, imported_at = excluded.imported_at, "
                   "source = excluded.source")
        else:
            sql = ("INSERT INTO responses(id, text, position, attributes, imported_at, source) "
                   "VALUES (?, ?, ?, ?, ?, ?)")
        cursor = conn.executemany(sql, (
            (rid, text, start + i, attrs if isinstance(attrs, str) else attributes_json(attrs),
             stamp, source)
            for i, (rid, text, attrs) in enumerate(rows)))
        return cursor.rowcount


def existing_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """The subset of `ids` already in the project."""
    found: set[str] = set()
    for batch, marks in in_batches(list(ids)):
        found.update(row[0] for row in conn.execute(f"SELECT id FROM responses WHERE id IN ({marks})", batch))
    return found


def count_responses(conn: sqlite3.Connection) -> int:
    """How many responses the project holds."""
    return conn.execute("SELECT count(*) FROM responses").fetchone()[0]


def _response(row: tuple) -> Response:
    rid, text, position, attributes = row
    return Response(rid, text, position, json.loads(attributes))


def get_response(conn: sqlite3.Connection, response_id: str) -> Response | None:
    """One response by id, or None."""
    row = conn.execute("SELECT id, text, position, attributes FROM responses WHERE id = ?",
                       (response_id,)).fetchone()
    return _response(row) if row else None


def iter_responses(conn: sqlite3.Connection, *, chunk_size: int = 10_000,
                   after_position: int = -1) -> Iterator[list[Response]]:
    """All responses in import order, in chunks, reading only one chunk at a time."""
    while True:
        rows = conn.execute(
            "SELECT id, text, position, attributes FROM responses WHERE position > ? "
            "ORDER BY position LIMIT ?", (after_position, chunk_size)).fetchall()
        if not rows:
            return
        yield [_response(row) for row in rows]
        after_position = rows[-1][2]


def texts_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """The text of each of `ids` the project holds."""
    found: dict[str, str] = {}
    for batch, marks in in_batches(ids):
        found.update(conn.execute(f"SELECT id, text FROM responses WHERE id IN ({marks})", batch))
    return found


def response_ids(conn: sqlite3.Connection) -> list[str]:
    """Every response id in import order."""
    return [row[0] for row in conn.execute("SELECT id FROM responses ORDER BY position")]


def attribute_names(conn: sqlite3.Connection) -> list[str]:
    """Attribute names in use, in the order the first response that has them lists them."""
    names: dict[str, None] = {}
    for (attrs,) in conn.execute("SELECT DISTINCT attributes FROM responses LIMIT 10000"):
        for key in json.loads(attrs):
            names.setdefault(key, None)
    return list(names)


def attribute_values(conn: sqlite3.Connection, name: str, limit: int = 200) -> tuple[list[tuple[str, int]], int]:
    """The values of one attribute with how many responses have each, most common first
    (at most `limit`), and how many distinct values there are in all."""
    path = '$."' + name.replace('"', '\\"') + '"'
    rows = conn.execute(
        "SELECT CAST(json_extract(attributes, ?) AS TEXT) AS v, count(*) FROM responses "
        "WHERE v IS NOT NULL AND v != '' GROUP BY v ORDER BY count(*) DESC, v", (path,)).fetchall()
    return [(value, n) for value, n in rows[:limit]], len(rows)
