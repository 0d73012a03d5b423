"""Commands that only read a project leave its folder as they found it: no empty write-ahead
log or shared-memory file beside it, and nothing another program committed is lost."""

from __future__ import annotations

import csv

import pytest

from coder.store import open_project
from coder.store.codings import import_codings
from coder.store.responses import insert_responses
from helpers import run_cli

READERS = [
    ("codebook", "show", "{project}"),
    ("codebook", "export", "{project}", "{out}/codebook.yaml"),
    ("agreement", "{project}"),
    ("export", "{project}", "counts", "--out", "{out}/counts.csv"),
    ("export", "{project}", "qdpx", "--out", "{out}/study.qdpx"),
    ("check", "{project}"),
    ("backup", "{project}", "{out}/copy.coder"),
]


@pytest.fixture
def coded_project(codebook_project):
    """The framework project with two coders' coding of three responses."""
    conn = open_project(codebook_project)
    insert_responses(conn, [(f"R{i}", f"caseloads are too high, answer {i}", {}) for i in range(3)])
    import_codings(conn, [("R0", "caseload"), ("R1", "staffing")], "alice")
    import_codings(conn, [("R0", "caseload"), ("R1", "caseload")], "bob")
    conn.close()
    return codebook_project


def _beside(project):
    return sorted(p.name for p in project.parent.iterdir() if p.name.startswith(project.name))


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join([w for w in c if w[0] not in "{-"][:2]))
def test_a_read_only_command_leaves_no_file_beside_the_project(coded_project, tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    assert _beside(coded_project) == [coded_project.name]
    result = run_cli(*(part.format(project=coded_project, out=out) for part in command))
    assert result.returncode == 0, result.stderr
    assert _beside(coded_project) == [coded_project.name]


def test_a_read_only_command_beside_a_writer_leaves_the_writers_log_to_it(coded_project, tmp_path):
    writer = open_project(coded_project)
    try:
        import_codings(writer, [("R2", "staffing")], "alice")   # committed, still in the log
        log = coded_project.with_name(coded_project.name + "-wal")
        held = log.stat().st_size
        assert held
        result = run_cli("export", coded_project, "codings", "--out", tmp_path / "codings.csv")
        assert result.returncode == 0, result.stderr
        with (tmp_path / "codings.csv").open(newline="", encoding="utf-8") as exported:
            assert ("R2", "staffing") in {(row["response_id"], row["code_id"]) for row in csv.DictReader(exported)}
        assert log.stat().st_size == held
    finally:
        writer.close()
    assert _beside(coded_project) == [coded_project.name]   # the last connection to close tidies up
    conn = open_project(coded_project, readonly=True)
    assert conn.execute("SELECT count(*) FROM codings WHERE response_id = 'R2'").fetchone() == (1,)
    conn.close()
