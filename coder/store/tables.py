"""Read-only views of the project as pandas DataFrames, for exports and statistics.

Each function reads one table group (joined where that saves the caller a
merge) and returns a DataFrame with fixed column names, in project order
(responses by import position). Nothing here writes.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd

from coder.store.consensus import CONSENSUS, SETTLED
from coder.store.rejections import rejected_condition


def responses_frame(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every response: response_id, text, position (import order)."""
    return pd.read_sql('SELECT id AS response_id, text, position FROM responses ORDER BY position',
                       conn)


def memo_responses_frame(conn: sqlite3.Connection) -> pd.DataFrame:
    """The responses memos are on, as `responses_frame` gives them (the memos export names a few
    of them: reading every text of a million took seconds and hundreds of MB)."""
    return pd.read_sql("SELECT id AS response_id, text, position FROM responses WHERE id IN "
                       "(SELECT target_id FROM memos WHERE target_type = 'response') ORDER BY position", conn)


def attributes_frame(conn: sqlite3.Connection) -> pd.DataFrame:
    """Attribute values: one row per response (import order), one column per attribute.

    Columns follow the order in which attributes first appear; a response
    without an attribute has an empty string there. Values keep their kind
    (numbers and true/false stay so, for spreadsheets and statistics programs);
    lists and objects (from JSON Lines) are JSON text. The index is the response id.
    """
    ids: list[str] = []
    records: list[dict] = []
    names: dict[str, None] = {}
    for rid, attrs in conn.execute("SELECT id, attributes FROM responses ORDER BY position"):
        values = json.loads(attrs)
        ids.append(rid)
        records.append(values)
        for key in values:
            names.setdefault(key, None)
    rows = [[_attribute_value(values.get(name)) for name in names] for values in records]
    return pd.DataFrame(rows, columns=list(names), index=pd.Index(ids, name="response_id"),
                        dtype=object)


# Whole numbers past this many digits are kept as text: spreadsheets hold numbers as 64-bit
# floats, which would round an id such as 1234567890123456789.
EXACT_DIGITS = 15


def _attribute_value(value) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** EXACT_DIGITS:
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False)


def codings_frame(conn: sqlite3.Connection, *, coder: str | None = None, settled: bool = False) -> pd.DataFrame:
    """Codings (one coder's, or everyone's), by response position then coding id.

    With `settled` (and no coder), a response settled in adjudication gives its
    consensus codings alone: they replace the coders' there (coder.store.consensus.SETTLED).
    Columns: coding_id, response_id, code_id, coder, start, end (nullable
    integers), origin, created_at.
    """
    select = ('SELECT c.id AS coding_id, c.response_id, c.code_id, c.coder, c.start, '
              'c."end" AS "end", c.origin, c.created_at FROM codings c '
              "JOIN responses r ON r.id = c.response_id")
    if settled and coder is None:
        select += f" WHERE {SETTLED}"
    frame = _read_by_coder(conn, select, "c.coder", coder, "r.position, c.id")
    return _with_nullable_spans(frame)


def settled_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many responses are settled in adjudication (have consensus codings), and how many
    codings of other coders on them the consensus replaces in pooled results
    (`codings_frame(settled=True)`)."""
    settled, replaced = conn.execute(
        "SELECT count(DISTINCT c.response_id), "
        "count(CASE WHEN c.coder <> ? THEN 1 END) FROM codings c "
        "WHERE c.response_id IN (SELECT response_id FROM codings WHERE coder = ?)",
        (CONSENSUS, CONSENSUS)).fetchone()
    return settled, replaced


def suggestions_frame(conn: sqlite3.Connection, *, coder: str | None = None) -> pd.DataFrame:
    """Suggestions that hold (score >= threshold), by response position, less those the
    coder (None: anyone) rejected, as the coding screen leaves them out.

    Columns: response_id, code_id, score, threshold, engine, run_id.
    """
    rejected, params = rejected_condition("s.response_id", "s.code_id", coder)
    return pd.read_sql(
        "SELECT s.response_id, s.code_id, s.score, s.threshold, s.engine, s.run_id "
        "FROM suggestions s JOIN responses r ON r.id = s.response_id "
        f"WHERE s.score >= s.threshold AND NOT {rejected} ORDER BY r.position, s.code_id",
        conn, params=params)


def charts_frame(conn: sqlite3.Connection, *, coder: str | None = None) -> pd.DataFrame:
    """Framework-matrix cell summaries (one coder's, or everyone's).

    Columns: response_id, theme_id, coder, summary, updated_at.
    """
    return _read_by_coder(
        conn, "SELECT ch.response_id, ch.theme_id, ch.coder, ch.summary, ch.updated_at "
        "FROM charts ch JOIN responses r ON r.id = ch.response_id", "ch.coder", coder,
        "r.position, ch.coder")


def _read_by_coder(conn: sqlite3.Connection, select: str, coder_column: str, coder: str | None,
                   order: str) -> pd.DataFrame:
    """`select`, restricted to one coder when given, in `order`."""
    where, params = (f" WHERE {coder_column} = ?", [coder]) if coder is not None else ("", [])
    return pd.read_sql(f"{select}{where} ORDER BY {order}", conn, params=params)


def memos_frame(conn: sqlite3.Connection, *, coder: str | None = None) -> pd.DataFrame:
    """Memos (one coder's, or everyone's), oldest first: memo_id, target_type, target_id, coder,
    text, created_at, updated_at."""
    return _read_by_coder(conn, "SELECT id AS memo_id, target_type, target_id, coder, text, created_at, "
                          "updated_at FROM memos", "coder", coder, "id")


def _with_nullable_spans(frame: pd.DataFrame) -> pd.DataFrame:
    # A column of NULLs and integers reads as float; keep offsets whole numbers.
    for column in ("start", "end"):
        frame[column] = frame[column].astype("Int64")
    return frame
