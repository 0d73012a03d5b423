"""Broken and unlucky projects: read-only files and folders, a lock held by another
program, a tampered file, an export to a folder that cannot be written. Each ends
in one line saying what to do; `coder check` and `coder backup`; safety copies
before risky steps."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, downgrade, file_digest, one_line_error, run_cli
from import_files import write_csv

from coder.errors import ProjectError
from coder.store import create_project, open_project
from coder.store.backup import KEEP, safety_copies, safety_copy
from coder.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.slow  # real processes, lock timeouts: `pytest -m "not slow"` skips them

FRAMEWORK = REPO / "codebooks" / "social_work_framework.yaml"


@pytest.fixture
def read_only():
    """Make a path read-only for this process, even as root (immutable); undone afterwards."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        if os.geteuid() == 0:
            if shutil.which("chattr") is None or \
                    subprocess.run(["chattr", "+i", path], capture_output=True).returncode:
                pytest.skip("cannot make a file read-only for root here (no chattr +i)")
        else:
            path.chmod(0o555 if path.is_dir() else 0o444)
        made.append(path)
        return path

    yield make
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", path], capture_output=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_project_file_is_one_line_and_reads_still_work(project_path, tmp_path, read_only):
    read_only(project_path)
    line = one_line_error(run_cli("import", project_path, write_csv(tmp_path / "a.csv")))
    assert "read-only" in line and "copy" in line
    assert run_cli("export", project_path, "counts", "--out", tmp_path / "c.csv").returncode == 0


def test_a_project_whose_write_bits_are_off_is_refused_even_for_root(codebook_project, tmp_path):
    codebook_project.chmod(0o444)
    before = file_digest(codebook_project)
    for command in (["sample", codebook_project, "--n", "1", "--seed", "1", "--name", "s"],
                    ["import", codebook_project, write_csv(tmp_path / "a.csv")]):
        line = one_line_error(run_cli(*command))
        assert "read-only" in line and "chmod u+w" in line, line
    assert file_digest(codebook_project) == before
    assert run_cli("export", codebook_project, "counts", "--out", tmp_path / "c.csv").returncode == 0


def test_a_project_in_a_read_only_folder_says_so_and_can_still_be_exported(tmp_path, read_only):
    folder = tmp_path / "shared"
    folder.mkdir()
    project = folder / "study.coder"
    create_project(project).close()
    read_only(folder)
    line = one_line_error(run_cli("import", project, write_csv(tmp_path / "a.csv")))
    assert "folder is read-only" in line and "copy the project" in line
    assert "not a coder project" not in line
    result = run_cli("export", project, "counts", "--out", tmp_path / "c.csv")
    assert result.returncode == 0, result.stderr
    assert run_cli("check", project).returncode == 0


def test_leaving_rollback_journal_mode_waits_for_another_writer(project_path):
    conn = sqlite3.connect(project_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(project_path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO meta VALUES ('held', '1')\")\n"
         "print('locked', flush=True); time.sleep(1.5); c.execute('COMMIT')"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        conn = open_project(project_path)   # waits for the lock instead of failing at once
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT value FROM meta WHERE key = 'held'").fetchone() == ("1",)
        conn.close()
    finally:
        holder.wait(timeout=30)


def test_an_export_to_a_folder_that_cannot_be_written_is_one_line(codebook_project, tmp_path,
                                                                   read_only):
    out = tmp_path / "locked"
    out.mkdir()
    read_only(out)
    for kind, name in (("counts", "c.csv"), ("binary", "b.xlsx"), ("chart", "t.png")):
        line = one_line_error(run_cli("export", codebook_project, kind, "--out", out / name))
        assert f"cannot write in folder {out}" in line, line


def test_exports_follow_the_umask_like_project_files(project_path, tmp_path):
    assert run_cli("export", project_path, "counts", "--out", tmp_path / "c.csv").returncode == 0
    assert (tmp_path / "c.csv").stat().st_mode & 0o777 == project_path.stat().st_mode & 0o777


def tamper(project: Path, *statements: str) -> None:
    conn = sqlite3.connect(project)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("statements, what", [
    (["UPDATE meta SET value = 'three' WHERE key = 'schema_version'"],
     "schema_version 'three' in meta is not a number"),
    (["DROP TABLE charts"], "table charts is missing"),
])
def test_a_tampered_project_is_called_damaged_with_the_way_back(project_path, tmp_path, statements,
                                                                 what):
    tamper(project_path, *statements)
    before = file_digest(project_path)
    for args in (("import", project_path, write_csv(tmp_path / "a.csv")),
                 ("export", project_path, "counts", "--out", tmp_path / "c.csv")):
        line = one_line_error(run_cli(*args))
        assert what in line and "damaged" in line and "backup" in line, line
    check = run_cli("check", project_path)
    assert check.returncode == 1 and what in check.stdout and "damaged" in check.stdout
    assert file_digest(project_path) == before


def test_check_says_ok_with_what_the_project_holds(codebook_project):
    result = run_cli("check", codebook_project)
    assert result.returncode == 0
    assert result.stdout.strip().startswith(f"{codebook_project}: ok (schema {SCHEMA_VERSION}; 0 responses, ")


def test_check_finds_rows_pointing_at_nothing_and_names_the_safety_copy(project_path):
    copy = run_cli("backup", project_path)
    assert copy.returncode == 0
    tamper(project_path, "PRAGMA foreign_keys = OFF",
           "INSERT INTO codings(response_id, code_id, coder, origin, created_at) "
           "VALUES ('nobody', 'nothing', 'x', 'manual', 'now')")
    line = run_cli("check", project_path)
    assert line.returncode == 1
    assert "rows pointing at nothing: 1 in codings" in line.stdout
    assert safety_copies(project_path)[-1].name in line.stdout


def test_check_finds_attributes_that_are_not_json(project_path):
    """An older coder stored a JSON Lines `NaN` bare in the attributes; check said ok."""
    rows = "', 'now', 'a.jsonl'), ('".join(["r1', 'one', 0, '{\"x\": NaN}", "r2', 'two', 1, '{\"x\": 1}",
                                          "r3', 'three', 2, '[1]"])
    tamper(project_path, "INSERT INTO responses(id, text, position, attributes, imported_at, source) "
                         f"VALUES ('{rows}', 'now', 'a.jsonl')")
    line = run_cli("check", project_path)
    assert line.returncode == 1
    assert "2 responses have attributes that are not a valid JSON object, first: 'r1', 'r3'" in line.stdout


def test_check_of_a_file_that_is_not_sqlite(tmp_path):
    junk = tmp_path / "junk.coder"
    junk.write_bytes(b"hello" * 1000)
    assert "not a coder project file" in one_line_error(run_cli("check", junk))


def test_backup_to_a_file_is_a_whole_project(codebook_project, tmp_path):
    target = tmp_path / "copy.coder"
    result = run_cli("backup", codebook_project, target)
    assert result.returncode == 0, result.stderr
    assert run_cli("check", target).returncode == 0
    assert not target.with_name("copy.coder-wal").exists()
    assert "already exists" in one_line_error(run_cli("backup", codebook_project, target))


def test_only_the_newest_safety_copies_are_kept(project_path):
    conn = open_project(project_path)
    made = [safety_copy(conn) for _ in range(KEEP + 2)]
    conn.close()
    assert safety_copies(project_path) == made[-KEEP:]


def test_a_codebook_import_that_retires_codes_makes_a_safety_copy_first(codebook_project, tmp_path):
    small = tmp_path / "small.yaml"
    small.write_text("themes:\n  - id: only\n    label: Only\n    codes:\n"
                     "      - id: one\n        label: One\n")
    before = file_digest(codebook_project)
    result = run_cli("codebook", "import", codebook_project, FRAMEWORK)
    assert result.returncode == 0 and safety_copies(codebook_project) == []   # retires nothing
    result = run_cli("codebook", "import", codebook_project, small)
    assert result.returncode == 0, result.stderr
    [copy] = safety_copies(codebook_project)
    assert str(copy) in result.stdout
    assert file_digest(copy) != before   # a copy of the project as it was, with its own header
    conn = open_project(copy)
    assert conn.execute("SELECT count(*) FROM codes WHERE retired = 0").fetchone()[0] > 1
    conn.close()


def test_an_import_replacing_responses_makes_a_safety_copy_first(project_path, tmp_path):
    rows = [["id", "comment"], ["R1", "the first words"]]
    assert run_cli("import", project_path, write_csv(tmp_path / "a.csv", rows)).returncode == 0
    assert run_cli("import", project_path, write_csv(tmp_path / "b.csv", [rows[0], ["R2", "new"]])
                   ).returncode == 0
    assert safety_copies(project_path) == []   # nothing replaced, no copy
    again = write_csv(tmp_path / "c.csv", [rows[0], ["R1", "other words"]])
    assert run_cli("import", project_path, again, "--on-duplicate", "replace").returncode == 0
    [copy] = safety_copies(project_path)
    conn = open_project(copy, readonly=True)
    assert conn.execute("SELECT text FROM responses WHERE id = 'R1'").fetchone() == ("the first words",)
    conn.close()


def test_a_schema_upgrade_makes_a_safety_copy_first(project_path):
    downgrade(project_path, 2)
    open_project(project_path).close()
    [copy] = safety_copies(project_path)
    conn = open_project(copy, readonly=True)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    conn.close()


def test_a_lock_never_released_is_one_line_after_the_busy_timeout(project_path):
    conn = sqlite3.connect(project_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    holder = sqlite3.connect(project_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectError, match="another program kept it locked"):
            open_project(project_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_check_of_a_project_a_newer_coder_made_says_so_and_does_not_call_it_damaged(project_path):
    """"Damaged ... restore it from a backup" invited a researcher to throw away a colleague's work."""
    tamper(project_path, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    before = file_digest(project_path)
    check = run_cli("check", project_path)
    assert check.returncode == 1
    assert f"made by a newer coder (schema {SCHEMA_VERSION + 1}, this coder reads up to {SCHEMA_VERSION})" \
        in check.stdout
    assert "damaged" not in check.stdout and "backup" not in check.stdout
    assert file_digest(project_path) == before


def test_check_of_a_truncated_project_calls_it_damaged_and_names_the_way_back(project_path):
    copy = run_cli("backup", project_path)
    assert copy.returncode == 0
    size = project_path.stat().st_size
    with open(project_path, "r+b") as handle:
        handle.truncate(size // 2)
    check = run_cli("check", project_path)
    assert check.returncode == 1 and "damaged" in check.stdout, check.stdout + check.stderr
    assert safety_copies(project_path)[-1].name in check.stdout


@pytest.fixture
def full_disk(tmp_path):
    """A 2 MB tmpfs, mounted for the test (root only), that a test fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small disk needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_at_opening_says_so_and_reads_still_work(project_path, full_disk, tmp_path):
    """On a disk with no room SQLite cannot open even a reader's journal: every command said the
    project was "not a coder project file (disk I/O error)"."""
    project = full_disk / "p.coder"
    shutil.copy(project_path, project)
    with open(full_disk / "fill", "wb") as handle:   # until the disk is full
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    before = file_digest(project)
    line = one_line_error(run_cli("import", project, write_csv(tmp_path / "a.csv")))
    assert "the disk is full" in line and "not a coder project" not in line, line
    check = run_cli("check", project)
    assert check.returncode == 0 and ": ok (" in check.stdout, check.stdout + check.stderr
    exported = run_cli("export", project, "counts", "--out", tmp_path / "c.csv")
    assert exported.returncode == 0, exported.stderr
    assert file_digest(project) == before


def test_a_killed_writes_leftovers_are_removed_by_the_next_write_once_stale(project_path, tmp_path):
    """A kill -9 mid-export (or mid-import into a new project) left its hidden temporary file for
    good; on a nearly full disk they piled up. A leftover an hour old goes at the next write of the
    same file; a fresh one (a write in progress) and other files stay."""
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".c.csv.ab12cd34.csv", out / ".new.coder.zz99yy88.creating",
             out / ".new.coder.zz99yy88.creating-wal"]
    fresh, other = out / ".c.csv.ef56gh78.csv", out / ".c.csv.notes"
    for leftover in (*stale, fresh, other):
        leftover.write_text("partial")
    hour_ago = time.time() - 3700
    for leftover in stale:
        os.utime(leftover, (hour_ago, hour_ago))
    assert run_cli("export", project_path, "counts", "--out", out / "c.csv").returncode == 0
    assert run_cli("init", out / "new.coder").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["c.csv", "new.coder", fresh.name, other.name])
