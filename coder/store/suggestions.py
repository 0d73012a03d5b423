"""Suggestion runs, their suggestions, and stored evaluations.

A run replaces the previous run's suggestions: `start_run` clears them, each
chunk of results is written in one transaction by `write_chunk`, and
`finish_run` marks the run done (`interrupt_run` interrupted). Human codings are never touched here.

While a run writes, the index of its scores by code and uncertainty (`RUN_INDEXES`)
is dropped: rows land at random places in it, which made every chunk's write
about twice as dear. `finish_run` and `interrupt_run` build it again;
after a killed run (or an interrupted one on a full disk) it is missing until the next run ends or is resumed,
which slows the coding queue but changes no result.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Iterable, Iterator

from coder.errors import CoderError, SaveError
from coder.records import Suggestion
from coder.store.connection import in_batches, now, transaction
from coder.store.layout import table_columns
from coder.store.consensus import SETTLED
from coder.store.rejections import rejected_condition
from coder.store.schema import RUN_INDEXES


def start_run(conn: sqlite3.Connection, *, engine: str, scope: str, coder: str | None,
              params: dict, total: int) -> int:
    """Open a new run (clearing the previous run's suggestions); return its id."""
    with _quick_clear(conn), transaction(conn):
        conn.execute("DELETE FROM suggestions")
        conn.execute("DELETE FROM suggestion_scores")
        _drop_run_indexes(conn)
        conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        cursor = conn.execute(
            "INSERT INTO runs(started_at, engine, scope, coder, params, total) VALUES (?, ?, ?, ?, ?, ?)",
            (now(), engine, scope, coder, json.dumps(params), total))
        return cursor.lastrowid


class RunReplaced(CoderError):
    """A run's chunk came after another run started on the project (a second `coder suggest` at
    once): that run cleared this one's suggestions and keeps its own."""


def write_chunk(conn: sqlite3.Connection, run_id: int, suggestions: Iterable[tuple[str, str, float, float, str, str]],
                scored: Iterable[tuple[str, float, str | None, float, str | None, float, float]], done: int,
                per_code: dict[str, int] | None = None) -> None:
    """Store one chunk of a run: its suggestions as rows (response id, code, score, threshold,
    engine, evidence as JSON text) and per response (id, uncertainty, best code, best score, and
    the closest call, the one the uncertainty is measured on: its code, score and threshold).

    `done` is how many responses the chunk covered (added to the run's count); `per_code` the
    run's suggestions so far per code, this chunk's included (see `suggested_per_code`). The
    chunk's suggestion_scores rows are the run's record of which responses
    it has finished (see `iter_to_score(unfinished_run=...)`), written in the
    same transaction as its suggestions, so an interrupted run resumes exactly.
    RunReplaced, with nothing written, when another run has started since.
    """
    # Plain INSERTs: a chunk is stored whole or not at all, and a resumed run
    # scores only responses without a row, so no row is ever written twice.
    with transaction(conn):
        (status,) = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        if status != "running":
            (newer,) = conn.execute("SELECT max(id) FROM runs").fetchone()
            raise RunReplaced(f"run {run_id} stopped: another `coder suggest` started run {newer} on this "
                              f"project while it went on, and run {newer}'s suggestions are the ones kept")
        conn.executemany(
            "INSERT INTO suggestions(response_id, code_id, score, threshold, engine, evidence, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (row + (run_id,) for row in suggestions))
        conn.executemany(
            "INSERT INTO suggestion_scores(response_id, run_id, uncertainty, best_code, best_score, unsure_code, "
            "unsure_score, unsure_threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((rid, run_id, *figures) for rid, *figures in scored))
        conn.execute("UPDATE runs SET done = done + ? WHERE id = ?", (done, run_id))
        if per_code is not None:
            _set_param(conn, run_id, "suggested", per_code)


def suggested_per_code(conn: sqlite3.Connection, run: dict) -> dict[str, int]:
    """How many suggestions `run` (a `latest_run` row) stored per code, from the counts its chunks
    kept; a run an older coder started kept none, and its stored suggestions are counted."""
    kept = json.loads(run["params"]).get("suggested")
    if kept is not None:
        return kept
    return dict(conn.execute("SELECT code_id, count(*) FROM suggestions WHERE run_id = ? GROUP BY code_id",
                             (run["id"],)))


def finish_run(conn: sqlite3.Connection, run_id: int, not_suggested: dict[str, str] | None = None) -> None:
    """Mark a run done and build the indexes it dropped (all, or nothing: then it can be resumed).

    `not_suggested`, why each code the run suggested nowhere was not, replaces the reasons
    the run started with (see `not_suggested_codes`)."""
    with transaction(conn):
        _build_run_indexes(conn)
        if not_suggested is not None:
            _set_param(conn, run_id, "not_suggested", not_suggested)
        _mark_run(conn, run_id, "done")


def _set_param(conn: sqlite3.Connection, run_id: int, key: str, value) -> None:
    conn.execute(f"UPDATE runs SET params = json_set(params, '$.{key}', json(?)) WHERE id = ?",
                 (json.dumps(value), run_id))


def interrupt_run(conn: sqlite3.Connection, run_id: int) -> None:
    """Mark a run interrupted after Ctrl-C or an error, dropping a chunk write it cut short.

    Ctrl-C can land between BEGIN and the block that would roll it back; the
    chunks already committed stay. The run is marked first: building its
    indexes needs room a full disk may not have (resuming builds them then).
    """
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    with transaction(conn):
        _mark_run(conn, run_id, "interrupted")
    with suppress(SaveError):
        with transaction(conn):
            _build_run_indexes(conn)


def _mark_run(conn: sqlite3.Connection, run_id: int, status: str) -> None:
    conn.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", (status, now(), run_id))


def _build_run_indexes(conn: sqlite3.Connection) -> None:
    for statement in RUN_INDEXES.values():
        conn.execute(statement)


def reopen_run(conn: sqlite3.Connection, run_id: int) -> None:
    """Mark an interrupted run running again (to resume it)."""
    with transaction(conn):
        _drop_run_indexes(conn)
        conn.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", (run_id,))


def _drop_run_indexes(conn: sqlite3.Connection) -> None:
    for name in RUN_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


@contextmanager
def _quick_clear(conn: sqlite3.Connection):
    """Clearing a run's tables without foreign key checks (nothing refers to them) and
    without overwriting every freed page: SQLite then drops the tables' pages whole
    (a second instead of seconds per million rows)."""
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    secure_delete = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")   # outside the transaction: SQLite ignores it inside
    conn.execute("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
        conn.execute(f"PRAGMA secure_delete = {'FAST' if secure_delete == 2 else int(secure_delete)}")


def latest_run(conn: sqlite3.Connection) -> dict | None:
    """The newest run as a dict of its columns, or None."""
    return _run_row(conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))


def run_of(conn: sqlite3.Connection, run_id: int) -> dict | None:
    """Run `run_id` as a dict of its columns, or None."""
    return _run_row(conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)))


def _run_row(cursor: sqlite3.Cursor) -> dict | None:
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row)) if row else None


@dataclass(frozen=True)
class UnfinishedRun:
    """The latest run when it did not finish, and how far it got."""

    run_id: int
    status: str   # "interrupted" (Ctrl-C, SIGTERM, an error) or "running" (going on now, or killed outright)
    done: int     # responses it scored
    total: int    # responses in its scope when it started


def unfinished_run(conn: sqlite3.Connection) -> UnfinishedRun | None:
    """The latest run if it did not finish (`coder suggest --resume` continues it); None when it
    finished or there is none. A run marked "running" may be going on in another process."""
    row = conn.execute("SELECT id, status, done, total FROM runs WHERE status != 'done' "
                       "AND id = (SELECT max(id) FROM runs)").fetchone()
    return UnfinishedRun(*row) if row else None


def forget_suggestions(conn: sqlite3.Connection, response_ids: list[str]) -> None:
    """Remove the stored suggestions and scores of these responses (their text changed, so the
    scores and the evidence's offsets no longer describe it)."""
    with transaction(conn):
        for batch, marks in in_batches(response_ids):
            conn.execute(f"DELETE FROM suggestions WHERE response_id IN ({marks})", batch)
            conn.execute(f"DELETE FROM suggestion_scores WHERE response_id IN ({marks})", batch)


def suggestions_for_response(conn: sqlite3.Connection, response_id: str) -> list[Suggestion]:
    """Every stored suggestion of one response, best score first."""
    return [Suggestion(rid, code_id, score, threshold, engine, json.loads(evidence), run_id)
            for rid, code_id, score, threshold, engine, evidence, run_id in conn.execute(
                "SELECT response_id, code_id, score, threshold, engine, evidence, run_id "
                "FROM suggestions WHERE response_id = ? ORDER BY score DESC", (response_id,))]


def suggestion_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(suggestions stored, responses with at least one suggestion)."""
    return conn.execute("SELECT count(*), count(DISTINCT response_id) FROM suggestions").fetchone()


def shown_per_response(conn: sqlite3.Connection, sample: int = 2000) -> dict[int, int]:
    """How many responses have N suggestions at or above their threshold, for each N >= 1,
    among at most `sample` responses with suggestions (the first by id: reading every
    suggestion of a large project takes half a second)."""
    return dict(conn.execute(
        "SELECT n, count(*) FROM (SELECT count(*) AS n FROM suggestions WHERE score >= threshold "
        "AND response_id IN (SELECT response_id FROM suggestions GROUP BY response_id LIMIT ?) "
        "GROUP BY response_id) GROUP BY n", (sample,)))


def queue_candidates(conn: sqlite3.Connection, *, coder: str | None = None,
                     per_code: int = 1000) -> list[tuple[str, float, str | None, float | None, float | None]]:
    """Scored responses open to the coding queue: (id, uncertainty, the code of the call it is measured
    on, that call's score and threshold), most unsure first and ties in project order; at most
    `per_code` per code, the most unsure of each.

    Open means nobody (or `coder`) has coded the response, nor rejected that code on it: a rejection
    has settled the call the response would be coded to settle. One query per code, each walking
    the index of the code's scores by uncertainty (`RUN_INDEXES`) only as far as it needs: ranking
    every score of a large project in one query took seconds.
    """
    columns = table_columns(conn, "suggestion_scores")
    # A schema 6 or 7 file read as it is: a run of an older coder kept only the best code, which stands
    # in for the call's code (upgrading copies it over), and no score or threshold.
    code = ("s.unsure_code" if "unsure_score" in columns else
            "coalesce(s.unsure_code, s.best_code)" if "unsure_code" in columns else "s.best_code")
    score, threshold = ("s.unsure_score", "s.unsure_threshold") if "unsure_score" in columns else ("NULL", "NULL")
    coded_clause, coded_params = ("AND c.coder = ?", [coder]) if coder is not None else ("", [])
    rejected, rejected_params = rejected_condition("s.response_id", code, coder)
    query = (f"SELECT s.response_id, s.uncertainty, {code}, {score}, {threshold}, r.position "
             "FROM suggestion_scores s JOIN responses r ON r.id = s.response_id "
             f"WHERE {code} IS ? AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.response_id = s.response_id "
             f"{coded_clause}) AND NOT {rejected} ORDER BY s.uncertainty DESC, r.position LIMIT ?")
    found = [row for (code_id,) in conn.execute(f"SELECT DISTINCT {code} FROM suggestion_scores s").fetchall()
             for row in conn.execute(query, [code_id, *coded_params, *rejected_params, per_code])]
    return [row[:5] for row in sorted(found, key=lambda row: (-row[1], row[5]))]


def coded_examples(conn: sqlite3.Connection, coder: str | None = None) -> list[tuple[str, str, set[str]]]:
    """Responses with human coding: (id, text, codes applied anywhere in it), in project order.

    Everyone's coding (no `coder`) is pooled as results pool it: a response settled in
    adjudication by its consensus codings alone (coder.store.consensus.SETTLED)."""
    coder_clause = "WHERE c.coder = ?" if coder is not None else f"WHERE {SETTLED}"
    examples: dict[str, tuple[str, str, set[str]]] = {}
    for rid, text, code_id in conn.execute(
            "SELECT r.id, r.text, c.code_id FROM codings c JOIN responses r ON r.id = c.response_id "
            f"{coder_clause} ORDER BY r.position", [coder] if coder is not None else []):
        examples.setdefault(rid, (rid, text, set()))[2].add(code_id)
    return list(examples.values())


def count_to_score(conn: sqlite3.Connection, scope: str, coder: str | None = None) -> int:
    """How many responses a run with this scope (`all` or `uncoded`) scores.

    The uncoded are all responses less the coded ones (codings refer to
    responses that exist): two index counts, not a probe per response.
    """
    total = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    if scope == "all":
        return total
    who, params = _coder_clause(coder)
    return total - conn.execute(f"SELECT count(DISTINCT response_id) FROM codings {who}", params).fetchone()[0]


def iter_to_score(conn: sqlite3.Connection, scope: str, coder: str | None = None, *,
                  chunk_size: int = 5000, unfinished_run: int | None = None,
                  before: int | None = None) -> Iterator[list[tuple[str, str]]]:
    """(id, text) of the responses to score, in import order, `chunk_size` at a time.

    The scope is taken when the iteration starts: the responses coded then
    (by `coder`, or anyone) are left out, as a set held in memory (human coding
    is small) rather than a lookup per response. With `before` (the next
    position when the run started: `next_position`), responses imported since
    are left out too. With `unfinished_run`, only those that run has not scored
    yet (to resume it).
    """
    coded: set[str] = set()
    if scope != "all":
        who, who_params = _coder_clause(coder)
        coded = {rid for (rid,) in conn.execute(f"SELECT DISTINCT response_id FROM codings {who}", who_params)}
    where, params = "WHERE r.position > ?", []
    if before is not None:
        where += " AND r.position < ?"
        params.append(before)
    if unfinished_run is not None:
        where += " AND NOT EXISTS (SELECT 1 FROM suggestion_scores s WHERE s.response_id = r.id AND s.run_id = ?)"
        params.append(unfinished_run)
    after, waiting = -1, []
    while True:
        rows = conn.execute(f"SELECT r.id, r.text, r.position FROM responses r {where} "
                            "ORDER BY r.position LIMIT ?", [after] + params + [chunk_size]).fetchall()
        if not rows:
            break
        after = rows[-1][2]
        waiting += [(rid, text) for rid, text, _ in rows if rid not in coded]
        while len(waiting) >= chunk_size:
            yield waiting[:chunk_size]
            waiting = waiting[chunk_size:]
    if waiting:
        yield waiting


def sample_texts(conn: sqlite3.Connection, limit: int, coder: str | None = None) -> list[str]:
    """About `limit` uncoded response texts spread over the project (for word statistics).

    Uncoded means not coded by `coder` (or by anyone): the coded texts are
    already in the training data and must not count twice. The sample is a
    fixed pseudo-random 1-in-k of positions, so it is the same every time
    (a resumed run rebuilds the same model), costs one pass over the
    responses, and does not line up with a systematic sample the coders took.
    """
    total = count_to_score(conn, "uncoded", coder)
    step = max(1, -(-total // limit)) if limit else total + 1
    by_coder, params = ("AND c.coder = ?", [coder]) if coder is not None else ("", [])
    # The sampling test first: it rules out most responses before their codings are looked up.
    return [text for (text,) in conn.execute(
        "SELECT r.text FROM responses r WHERE ((r.position * 1103515245 + 12345) % 2147483648) % ? = 0 "
        f"AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.response_id = r.id {by_coder}) "
        "ORDER BY r.position LIMIT ?", [step] + params + [limit])]


def _coder_clause(coder: str | None) -> tuple[str, list]:
    """The WHERE clause choosing one coder's codings (or everyone's)."""
    return ("WHERE coder = ?", [coder]) if coder is not None else ("", [])


def training_marker(conn: sqlite3.Connection) -> tuple:
    """What a trained model depends on: the project file, its last event, its responses.

    Equal markers mean the coding, the codebook and the corpus are unchanged.
    """
    database = conn.execute("PRAGMA database_list").fetchone()[2]
    events, responses, last = conn.execute(
        "SELECT (SELECT ifnull(max(id), 0) FROM events), (SELECT count(*) FROM responses), "
        "(SELECT ifnull(max(position), -1) FROM responses)").fetchone()
    return database, events, responses, last


def save_evaluation(conn: sqlite3.Connection, *, coder: str | None, engine: str, folds: int, texts: int,
                    overall: dict, curve: list[dict], codes: Iterable[tuple]) -> int:
    """Store an evaluation; `codes` rows are (code_id, positives, precision, recall, f1, engine)."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO evaluations(created_at, coder, engine, folds, texts, overall, curve) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (now(), coder, engine, folds, texts, json.dumps(overall),
                                             json.dumps(curve)))
        conn.executemany("INSERT INTO evaluation_codes VALUES (?, ?, ?, ?, ?, ?, ?)",
                         ((cursor.lastrowid, *row) for row in codes))
        return cursor.lastrowid


def not_suggested_codes(conn: sqlite3.Connection) -> dict[str, str]:
    """Per code the latest run did not suggest, why (empty before any run): once it finished, every
    code it suggested nowhere; before, the codes its engines could not suggest."""
    row = conn.execute("SELECT params FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0]).get("not_suggested", {}) if row else {}


def latest_evaluation_id(conn: sqlite3.Connection) -> int:
    """The id of the newest saved evaluation (0 if none was run)."""
    return conn.execute("SELECT ifnull(max(id), 0) FROM evaluations").fetchone()[0]


def latest_code_f1(conn: sqlite3.Connection) -> dict[str, tuple[float, str]]:
    """Per code, (F1, engine) from the newest evaluation (empty if none was run)."""
    return {code_id: (f1, engine) for code_id, f1, engine in conn.execute(
        "SELECT code_id, f1, engine FROM evaluation_codes WHERE evaluation_id = "
        "(SELECT max(id) FROM evaluations)")}
