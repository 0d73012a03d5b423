"""A team's project through coder's own .qdpx: samples drawn for double coding and each coding's
origin (manual, accepted, consensus) come back from coder.json; another program's file, which has
no coder.json, gives codings of origin `imported` and no samples."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest
from helpers import run_cli
from team_projects import cli, codings, new_project

from coder.store import open_project
from coder.store.codings import add_coding
from coder.store.consensus import CONSENSUS

pytestmark = pytest.mark.slow  # real processes


def samples(path) -> tuple[list, list]:
    """The samples table and the sample_responses table, sorted."""
    conn = sqlite3.connect(path)
    try:
        return (sorted(conn.execute("SELECT * FROM samples")),
                sorted(conn.execute("SELECT * FROM sample_responses")))
    finally:
        conn.close()


@pytest.fixture
def team(tmp_path):
    """Eight answers coded by alice and bob by hand, one code accepted from a suggestion, R1
    settled in adjudication, and a stratified sample `pilot`."""
    path = new_project(tmp_path / "team.coder")
    conn = open_project(path)
    for n in range(1, 9):
        add_coding(conn, f"R{n}", "caseload", "alice")
        add_coding(conn, f"R{n}", "caseload" if n % 3 else "staffing", "bob", start=0, end=5)
    add_coding(conn, "R2", "paperwork", "alice", origin="accepted")
    add_coding(conn, "R1", "caseload", CONSENSUS, origin="consensus")
    conn.close()
    cli("sample", path, "--n", 4, "--by", "setting", "--seed", 7, "--name", "pilot")
    return path


def test_samples_and_origins_come_back_from_coders_own_qdpx(team, tmp_path):
    for args in (("export", team, "qdpx", "--out", tmp_path / "team.qdpx"),
                 ("import-qdpx", tmp_path / "team.qdpx", tmp_path / "rt.coder")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
    assert "1 sample" in done.stdout
    back = tmp_path / "rt.coder"
    assert codings(back) == codings(team)
    assert {row[-1] for row in codings(back)} == {"manual", "accepted", "consensus"}
    assert samples(back) == samples(team) and samples(team)[1]
    agreement = [run_cli("agreement", path, "--coders", "alice", "bob", "--sample", "pilot")
                 for path in (team, back)]
    assert agreement[0].returncode == 0, agreement[0].stderr
    assert agreement[1].returncode == 0, agreement[1].stderr
    assert agreement[1].stdout.replace(str(back), "P") == agreement[0].stdout.replace(str(team), "P")


def test_another_programs_file_gives_imported_codings_and_no_samples(team, tmp_path):
    cli("export", team, "qdpx", "--out", tmp_path / "team.qdpx")
    with zipfile.ZipFile(tmp_path / "team.qdpx") as old, zipfile.ZipFile(tmp_path / "other.qdpx", "w") as new:
        for name in old.namelist():
            if name != "coder.json":
                new.writestr(name, old.read(name))
    cli("import-qdpx", tmp_path / "other.qdpx", tmp_path / "other.coder")
    assert {row[-1] for row in codings(tmp_path / "other.coder")} == {"imported"}
    assert samples(tmp_path / "other.coder") == ([], [])
