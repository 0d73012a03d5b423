"""Fast queries behind the coding UI's response list, for projects of 100,000+ responses.

`filtered_ids` returns the ordered ids the list scrolls over (one indexed
query); `row_summaries` fills in one page of rows on demand; `coded_counts`
gives the progress figures; `change_marker` tells cheaply whether another
process (a batch suggestion run) has written since the last look.

`coder=None` means everyone's coding; a coder name means only theirs (blind
double coding).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable, Sequence

from coder.store.events import Action
from coder.store.rejections import rejected_codes_of, rejected_condition
from coder.text_search import fold

SNIPPET_CHARS = 160


@dataclass(frozen=True)
class ListFilter:
    """Which responses the list shows. Empty fields do not filter."""

    status: str = "all"              # all | uncoded | coded
    coded_with: str | None = None    # code id
    suggested: str | None = None     # code id suggested (score >= threshold)
    attribute: tuple[str, str] | None = None   # (name, value)
    text: str = ""                   # substring of the text or the id (case and accents aside: text_search)
    queue: bool = False              # order by the active-learning queue (applied by the caller)
    sample: str | None = None        # responses of a sample drawn for double coding (`coder sample`)

    def describe(self) -> str:
        """A short human-readable summary ('' when nothing filters)."""
        parts = [] if self.status == "all" else [self.status]
        if self.coded_with:
            parts.append(f"coded {self.coded_with}")
        if self.suggested:
            parts.append(f"suggested {self.suggested}")
        if self.attribute:
            parts.append(f"{self.attribute[0]}={self.attribute[1]}")
        if self.text:
            parts.append(f"/{self.text}")
        if self.sample:
            parts.append(f"sample {self.sample}")
        if self.queue:
            parts.append("most uncertain first")
        return ", ".join(parts)


@dataclass(frozen=True)
class RowSummary:
    """What the list shows for one response."""

    id: str
    snippet: str
    code_ids: tuple[str, ...]
    suggested: bool
    memo: bool


def _coder_clause(coder: str | None, alias: str = "c") -> tuple[str, list]:
    return (f" AND {alias}.coder = ?", [coder]) if coder is not None else ("", [])


def filtered_ids(conn: sqlite3.Connection, flt: ListFilter, coder: str | None) -> list[str]:
    """Ids of the responses passing the filter, in project order."""
    where: list[str] = []
    params: list = []
    who, who_params = _coder_clause(coder)
    if flt.status in ("coded", "uncoded"):
        neg = "NOT " if flt.status == "uncoded" else ""
        where.append(f"{neg}EXISTS (SELECT 1 FROM codings c WHERE c.response_id = r.id{who})")
        params += who_params
    if flt.coded_with:
        where.append(f"EXISTS (SELECT 1 FROM codings c WHERE c.response_id = r.id "
                     f"AND c.code_id = ?{who})")
        params += [flt.coded_with, *who_params]
    if flt.suggested:   # as the coding screen offers it: not where the coder rejected it
        rejected, rejected_params = rejected_condition("s.response_id", "s.code_id", coder)
        where.append("EXISTS (SELECT 1 FROM suggestions s WHERE s.response_id = r.id "
                     f"AND s.code_id = ? AND s.score >= s.threshold AND NOT {rejected})")
        params += [flt.suggested, *rejected_params]
    if flt.attribute:
        name, value = flt.attribute
        where.append("CAST(json_extract(r.attributes, ?) AS TEXT) = ? COLLATE NOCASE")
        params += ['$."' + name.replace('"', '\\"') + '"', value]
    if flt.sample:
        where.append("r.id IN (SELECT response_id FROM sample_responses WHERE sample = ?)")
        params.append(flt.sample)
    if flt.text:
        conn.create_function("fold", 1, fold, deterministic=True)
        clauses = [_folded_contains(column, fold(flt.text)) for column in ("r.text", "r.id")]
        where.append("(" + " OR ".join(sql for sql, _ in clauses) + ")")
        params += [value for _, values in clauses for value in values]
    sql = "SELECT r.id FROM responses r"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [row[0] for row in conn.execute(sql + " ORDER BY r.position", params)]


LIKE_PATTERN_MAX = 40_000   # bytes; SQLite refuses a LIKE pattern over 50,000


def _folded_contains(column: str, wanted: str) -> tuple[str, list]:
    """SQL true where `fold(column)` contains `wanted` (folded already), and its parameters.

    An ASCII value folds to its lower case, which LIKE compares in C (it ignores the case of
    A-Z only), so only the other values go through `fold` in Python: a search of 291,000
    responses took 1.2 s, nearly all of it calls of `fold`. A value is ASCII where its length
    in characters is its length in bytes.
    """
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if len(pattern.encode()) > LIKE_PATTERN_MAX:
        return f"instr(fold({column}), ?) > 0", [wanted]
    return (f"(CASE WHEN length({column}) = length(CAST({column} AS BLOB)) THEN {column} LIKE ? ESCAPE '\\' "
            f"ELSE instr(fold({column}), ?) > 0 END)", [pattern, wanted])


def row_summaries(conn: sqlite3.Connection, ids: Iterable[str],
                  coder: str | None, own_coder: str | None = None) -> dict[str, RowSummary]:
    """One page of list rows: snippet, codes applied (in scope), suggestion and memo flags.

    With `own_coder`, a response counts as suggested only while a suggestion is left that
    the coding screen would offer that coder: for a code in use (neither it nor its theme
    retired) that they have neither applied to the whole response nor rejected."""
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    texts = dict(conn.execute(
        f"SELECT id, substr(text, 1, {SNIPPET_CHARS}) FROM responses WHERE id IN ({marks})", ids))
    who, who_params = _coder_clause(coder)
    codes: dict[str, list[str]] = {}
    for rid, code_id in conn.execute(
            f"SELECT DISTINCT c.response_id, c.code_id FROM codings c JOIN codes k ON k.id = c.code_id "
            f"JOIN themes t ON t.id = k.theme_id WHERE c.response_id IN ({marks}){who} "
            "ORDER BY t.position, k.position", ids + who_params):
        codes.setdefault(rid, []).append(code_id)
    in_use = (" AND s.code_id IN (SELECT k.id FROM codes k JOIN themes t ON t.id = k.theme_id "
              "WHERE k.retired = 0 AND t.retired = 0)") if own_coder is not None else ""
    suggested_codes = conn.execute(
        f"SELECT s.response_id, s.code_id FROM suggestions s WHERE s.response_id IN ({marks}) "
        f"AND s.score >= s.threshold{in_use}", ids).fetchall()
    if own_coder is not None and suggested_codes:
        settled = rejected_codes_of(conn, ids, own_coder)
        for rid, code_id in conn.execute(
                f"SELECT response_id, code_id FROM codings WHERE response_id IN ({marks}) "
                "AND coder = ? AND start IS NULL", ids + [own_coder]):
            settled.setdefault(rid, set()).add(code_id)
        suggested_codes = [(rid, code_id) for rid, code_id in suggested_codes if code_id not in settled.get(rid, ())]
    suggested = {rid for rid, _ in suggested_codes}
    memo_sql = (f"SELECT DISTINCT target_id FROM memos WHERE target_type = 'response' "
                f"AND target_id IN ({marks})")
    memo_params = list(ids)
    if coder is not None:
        memo_sql += " AND coder = ?"
        memo_params.append(coder)
    memos = {row[0] for row in conn.execute(memo_sql, memo_params)}
    return {rid: RowSummary(rid, " ".join(texts[rid].split()), tuple(codes.get(rid, ())),
                            rid in suggested, rid in memos)
            for rid in ids if rid in texts}


def first_uncoded(conn: sqlite3.Connection, ids: Sequence[str], coder: str | None, start: int = 0,
                  chunk: int = 512) -> int | None:
    """The position in `ids` of the first response nobody in scope has coded, looking from
    `start` to the end and then from the beginning; None if every one is coded.

    Reads the codings of a few ids first, then of twice as many each time up to
    `chunk`: the next uncoded response is usually near, and the list is never copied.
    """
    who, who_params = _coder_clause(coder)
    total, offset, size = len(ids), 0, min(16, chunk)
    while offset < total:
        positions = [(start + k) % total for k in range(offset, min(offset + size, total))]
        batch = [ids[p] for p in positions]
        marks = ",".join("?" * len(batch))
        coded = {row[0] for row in conn.execute(
            f"SELECT DISTINCT c.response_id FROM codings c WHERE c.response_id IN ({marks}){who}",
            batch + who_params)}
        for position, rid in zip(positions, batch):
            if rid not in coded:
                return position
        offset, size = offset + size, min(2 * size, chunk)
    return None


def any_uncoded(conn: sqlite3.Connection, coder: str | None) -> bool:
    """Whether some response has no coding in scope (stops at the first one found)."""
    who, who_params = _coder_clause(coder)
    return bool(conn.execute(
        "SELECT EXISTS (SELECT 1 FROM responses r WHERE NOT EXISTS "
        f"(SELECT 1 FROM codings c WHERE c.response_id = r.id{who}))", who_params).fetchone()[0])


def coded_counts(conn: sqlite3.Connection, coder: str | None) -> tuple[int, dict[str, int]]:
    """Responses coded at all, and responses coded under each theme (theme id -> n)."""
    who, who_params = _coder_clause(coder)
    where = " WHERE 1 = 1" + who
    total = conn.execute(f"SELECT count(DISTINCT c.response_id) FROM codings c{where}",
                         who_params).fetchone()[0]
    per_theme = dict(conn.execute(
        f"SELECT k.theme_id, count(DISTINCT c.response_id) FROM codings c "
        f"JOIN codes k ON k.id = c.code_id{where} GROUP BY k.theme_id", who_params))
    return total, per_theme


# Logged actions whose target is a response id: what "working on a response" leaves in the log.
_RESPONSE_ACTIONS = (Action.CODING_ADD, Action.CODING_REMOVE,
                     Action.SUGGESTION_REJECT, Action.SUGGESTION_UNREJECT)


def last_worked_on(conn: sqlite3.Connection, coder: str) -> str | None:
    """The response this coder last coded, uncoded or turned a suggestion down on (None if none)."""
    row = conn.execute(
        f"SELECT e.target FROM events e JOIN responses r ON r.id = e.target WHERE e.coder = ? AND e.action IN "
        f"({', '.join('?' * len(_RESPONSE_ACTIONS))}) ORDER BY e.id DESC LIMIT 1",
        (coder, *_RESPONSE_ACTIONS)).fetchone()
    return row[0] if row else None


def change_marker(conn: sqlite3.Connection) -> tuple:
    """A cheap fingerprint of the writes that concern the UI (events, suggestions, runs).

    Equal markers mean nothing the UI shows has changed in between.
    """
    return conn.execute(
        "SELECT (SELECT ifnull(max(id), 0) FROM events), "
        "(SELECT ifnull(max(rowid), 0) FROM suggestions), "
        "(SELECT id || ':' || done || ':' || status FROM runs ORDER BY id DESC LIMIT 1)").fetchone()

