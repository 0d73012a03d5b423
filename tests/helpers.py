"""Helpers for tests: paths to the data the repository ships, file digests, running the real CLI.

Import with `from helpers import ...` (pytest puts tests/ on sys.path). Every file a
test reads lives inside the repository, so a fresh clone anywhere runs the suite.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "codebooks" / "social_work_framework.yaml"
DEMO_CORPUS = REPO / "corpus" / "social_work_comments.csv"
DEMO_REFERENCE = REPO / "corpus" / "social_work_reference.csv"
PROJECT_XSD = REPO / "tests" / "data" / "refi" / "Project.xsd"


def downgrade(path: Path, version: int) -> None:
    """Rewrite a project as an older coder made it: schema `version`'s tables and columns only.

    The file is built by that version's migrations (coder.store.schema.MIGRATIONS[:version])
    and filled with the rows of `path`, the columns later versions added left out,
    so a test upgrades a real old file with real decisions in it.
    """
    from coder.store.schema import MIGRATIONS

    old = Path(f"{path}.v{version}")
    conn = sqlite3.connect(old, isolation_level=None)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute("ATTACH DATABASE ? AS new", (str(path),))
    conn.execute("BEGIN")
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA main.table_info("{table}")'))
        conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM new."{table}"')
    conn.execute("UPDATE main.meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE new")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(old, path)


def demo_comments() -> list[dict]:
    """The shipped demo comments as dicts (column -> value; `year` as a number, as a survey file has it)."""
    with DEMO_CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["year"] = int(row["year"])
    return rows


def demo_reference() -> dict[str, list[str]]:
    """The shipped reference coding: response id -> its codes, in file order."""
    coded: dict[str, list[str]] = {}
    with DEMO_REFERENCE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            coded.setdefault(row["id"], []).append(row["code"])
    return coded


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: to check a failed command left a project untouched."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_cli(*args, cwd: Path | None = None, input: str | None = None,
            columns: int | None = None) -> subprocess.CompletedProcess:
    """Run the real `coder` CLI in a subprocess; returns the completed process. Its output is a
    pipe, so long lines stay whole unless `columns` sets COLUMNS (a shell's own is left out)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([sys.executable, "-m", "coder", *map(str, args)], cwd=cwd, input=input,
                          capture_output=True, text=True, timeout=600, env=env)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The one line a CLI run that failed on bad input printed (it must have exited 1, no traceback)."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]
