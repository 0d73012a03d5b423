"""Samples: named sets of responses drawn for double coding (see coder.sample).

A sample keeps what it was drawn with (size, attribute, seed) and its
responses with the stratum each came from. Drawing one is logged as a
`sample.draw` event. A project older than schema 4 has no samples table; read
as it is (exports, statistics) it simply holds no samples.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable

from coder.errors import CoderError
from coder.store.connection import now, transaction
from coder.store.events import Action, record_event


@dataclass(frozen=True)
class SampleInfo:
    """A stored sample: its name, what it was drawn with, and its size."""

    name: str
    size: int
    by: str | None
    seed: int
    created_at: str
    created_by: str


def _has_samples(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'").fetchone() is not None


def population(conn: sqlite3.Connection, by: str | None) -> list[tuple[str, str | None]]:
    """Every response as (id, its value of attribute `by` as text, or None), in import order.

    Without `by` every value is None. A number is given as JSON writes it (7, 2.5).
    """
    rows = []
    for rid, attributes in conn.execute("SELECT id, attributes FROM responses ORDER BY position"):
        value = json.loads(attributes).get(by) if by else None
        rows.append((rid, None if value is None else
                     value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
    return rows


def list_samples(conn: sqlite3.Connection) -> list[SampleInfo]:
    """The project's samples, by name."""
    if not _has_samples(conn):
        return []
    return [SampleInfo(*row) for row in conn.execute(
        "SELECT name, size, by_attribute, seed, created_at, created_by FROM samples ORDER BY name")]


def sample_response_ids(conn: sqlite3.Connection, name: str) -> list[str]:
    """The ids of one sample's responses, in import order; CoderError naming the samples if unknown."""
    known = [s.name for s in list_samples(conn)]
    if name not in known:
        raise CoderError(f"no sample named {name!r} in this project "
                         f"(samples: {', '.join(known) or 'none; draw one with `coder sample`'})")
    return _ids(conn, name)


def _ids(conn: sqlite3.Connection, name: str) -> list[str]:
    return [rid for rid, _ in _drawn(conn, name)]


def _drawn(conn: sqlite3.Connection, name: str) -> list[tuple[str, str | None]]:
    return conn.execute(
        "SELECT s.response_id, s.stratum FROM sample_responses s JOIN responses r ON r.id = s.response_id "
        "WHERE s.sample = ? ORDER BY r.position", (name,)).fetchall()


def drawn_samples(conn: sqlite3.Connection) -> list[tuple[SampleInfo, list[tuple[str, str | None]]]]:
    """Every sample with its (response id, stratum) rows in import order, as save_sample takes them."""
    return [(info, _drawn(conn, info.name)) for info in list_samples(conn)]


def samples(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every sample's response ids, in import order: sample name -> ids (for the UI's filter)."""
    return {info.name: _ids(conn, info.name) for info in list_samples(conn)}


def save_sample(conn: sqlite3.Connection, info: SampleInfo,
                drawn: Iterable[tuple[str, str | None]], *, replace: bool = False) -> None:
    """Store a sample: `info` and its (response id, stratum) rows; logged as `sample.draw`.

    A sample of the same name is an error unless `replace`, which drops it first
    (in the same transaction).
    """
    rows = list(drawn)
    with transaction(conn):
        exists = conn.execute("SELECT 1 FROM samples WHERE name = ?", (info.name,)).fetchone()
        if exists and not replace:
            raise CoderError(f"a sample named {info.name!r} exists already (choose another "
                             "--name, or --replace to draw it again)")
        conn.execute("DELETE FROM samples WHERE name = ?", (info.name,))
        conn.execute("INSERT INTO samples(name, size, by_attribute, seed, created_at, created_by) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     (info.name, info.size, info.by, info.seed, info.created_at or now(),
                      info.created_by))
        conn.executemany("INSERT INTO sample_responses(sample, response_id, stratum) VALUES (?, ?, ?)",
                         ((info.name, rid, stratum) for rid, stratum in rows))
        record_event(conn, info.created_by, Action.SAMPLE_DRAW, info.name,
                     {"name": info.name, "size": info.size, "by": info.by, "seed": info.seed,
                      "replaced": bool(exists), "response_ids": [rid for rid, _ in rows]})
