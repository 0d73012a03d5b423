"""`coder check`: is a project file whole? Integrity, foreign keys, schema, metadata, attributes;
and, of a whole file, a suggestion run that did not finish.

The file is opened read-only and never changed or upgraded, so a damaged or
too-new project can be looked at safely.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import DamagedProjectError, ProjectError
from coder.store.backup import recovery_hint
from coder.store.connection import APP_ID, connect_readonly, open_error, require_project_file, schema_version_of
from coder.store.layout import missing_parts
from coder.store.schema import SCHEMA_VERSION
from coder.store.suggestions import UnfinishedRun, unfinished_run

SHOWN = 3   # problems of one kind named in the line


@dataclass
class CheckReport:
    """What `check_project` found: problems (empty when the file is whole) and what it holds."""

    path: Path
    problems: list[str] = field(default_factory=list)
    schema: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    newer: int | None = None   # the schema of a project a newer coder made (nothing wrong with it)
    unfinished: UnfinishedRun | None = None   # of a whole file: its latest suggestion run, if it did not finish

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (and this coder can read it)."""
        return not self.problems and self.newer is None

    def line(self) -> str:
        """The one line `coder check` prints."""
        if self.newer is not None and not self.problems:
            return (f"{self.path}: made by a newer coder (schema {self.newer}, this coder reads up to "
                    f"{SCHEMA_VERSION}); upgrade coder to check it (the file was not changed)")
        if self.ok:
            held = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
            return f"{self.path}: ok (schema {self.schema}; {held})"
        return f"{self.path}: damaged: {'; '.join(self.problems)} ({recovery_hint(self.path)})"


def check_project(path: Path | str) -> CheckReport:
    """Check the project file at `path` without changing it; see CheckReport.

    Raises ProjectError only when the file is missing or not SQLite at all.
    """
    report = CheckReport(Path(path))
    require_project_file(report.path)
    try:
        conn = connect_readonly(report.path)
    except sqlite3.DatabaseError as exc:
        error = open_error(report.path, exc)
        if not isinstance(error, DamagedProjectError):   # a full disk, a lock, not SQLite at all
            raise error from None
        report.problems.append(error.what)   # a truncated or torn file is a damaged project
        return report
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check(10)")]
        if integrity != ["ok"]:
            report.problems.append("integrity check: " + "; ".join(integrity[:SHOWN]))
        _check_meta(conn, report)
        if report.schema is not None:
            report.problems.extend(missing_parts(conn, report.schema))
        _check_foreign_keys(conn, report)
        if report.schema is not None and not report.problems:
            _check_attributes(conn, report)
            _check_passages(conn, report)
        if report.ok:
            report.counts = {what: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                             for what, table in (("responses", "responses"), ("codes", "codes"),
                                                 ("codings", "codings"), ("events", "events"))}
            report.unfinished = unfinished_run(conn)
    except sqlite3.DatabaseError as exc:
        report.problems.append(str(exc))
    finally:
        conn.close()
    return report


def _check_meta(conn: sqlite3.Connection, report: CheckReport) -> None:
    try:
        report.schema = schema_version_of(conn, report.path)
    except DamagedProjectError as exc:
        report.problems.append(exc.what)
        return
    except ProjectError as exc:   # not a coder project at all
        report.problems.append(str(exc).split(": ", 1)[-1])
        return
    if report.schema > SCHEMA_VERSION:   # not damaged: restoring a backup would lose a colleague's work
        report.newer, report.schema = report.schema, None
        return
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if meta.get("app") != APP_ID:
        report.problems.append(f"meta app is {meta.get('app')!r}, not {APP_ID!r}")
    for key in ("name", "created_at"):
        if not meta.get(key):
            report.problems.append(f"meta {key} is missing")


def _check_foreign_keys(conn: sqlite3.Connection, report: CheckReport) -> None:
    rows = {(table, rowid) for table, rowid, *_ in conn.execute("PRAGMA foreign_key_check")}
    broken: dict[str, int] = {}
    for table, _ in rows:
        broken[table] = broken.get(table, 0) + 1
    if broken:
        report.problems.append("rows pointing at nothing: " + ", ".join(
            f"{n:,} in {table}" for table, n in list(broken.items())[:SHOWN]))


# Attributes that are not one JSON object; CASE, as json_type() fails on text that is not JSON.
_BAD_ATTRIBUTES = "CASE WHEN json_valid(attributes) THEN json_type(attributes) != 'object' ELSE 1 END"


def _check_passages(conn: sqlite3.Connection, report: CheckReport) -> None:
    """Span codings reaching past the end of their response's text, as an older coder left them
    when an import replaced the text: exports and agreement cannot place them."""
    rows = conn.execute(
        'SELECT c.response_id, c.coder, c.code_id, c.start, c."end", length(r.text) FROM codings c '
        'JOIN responses r ON r.id = c.response_id WHERE c."end" > length(r.text) ORDER BY r.position, c.id').fetchall()
    if rows:
        first = rows[0]
        report.problems.append(
            f"{len(rows):,} coded {'passage reaches' if len(rows) == 1 else 'passages reach'} past the end of "
            f"{'its' if len(rows) == 1 else 'their'} response's text, first: response {first[0]!r}, {first[1]}'s "
            f"{first[2]} at {first[3]}-{first[4]} of a text of {first[5]} characters; code that passage again "
            "in the UI (remove it and select the words)")


def _check_attributes(conn: sqlite3.Connection, report: CheckReport) -> None:
    """Responses whose attributes are not a JSON object, as a bare NaN an older coder stored: the
    JSON functions exports and filters use refuse them."""
    count = conn.execute(f"SELECT count(*) FROM responses WHERE {_BAD_ATTRIBUTES}").fetchone()[0]
    if count:
        first = [row[0] for row in conn.execute(
            f"SELECT id FROM responses WHERE {_BAD_ATTRIBUTES} ORDER BY position LIMIT {SHOWN}")]
        report.problems.append(f"{count:,} {'response has' if count == 1 else 'responses have'} attributes that "
                               f"are not a valid JSON object, first: {', '.join(map(repr, first))}; importing their file "
                               "again with --on-duplicate replace mends them")
