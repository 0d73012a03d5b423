"""`coder init`: a new project, with or without a codebook; a bad codebook leaves no file."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli

from coder.cli import main
from coder.store import get_meta, open_project
from coder.store.codebook_read import load_codebook
from coder.store.events import list_events

SHIPPED = Path(__file__).resolve().parents[1] / "codebooks" / "social_work_framework.yaml"


def test_init_with_the_shipped_codebook_real_cli(tmp_path):
    project = tmp_path / "study.coder"
    result = run_cli("init", project, "--codebook", SHIPPED, "--coder", "alice")
    assert result.returncode == 0, result.stderr
    assert "6 themes, 23 codes" in result.stdout
    conn = open_project(project, readonly=True)
    book = load_codebook(conn)
    assert len(book.codes) == 23 and book.name == "Social work workload and practice"
    assert get_meta(conn)["name"] == "study"
    events = list_events(conn)
    assert {e.coder for e in events} == {"alice"} and events[-1].action == "codebook.import"
    conn.close()


def test_init_without_a_codebook(tmp_path, capsys):
    project = tmp_path / "empty.coder"
    assert main(["init", str(project), "--name", "Pilot"]) == 0
    assert "no codebook yet" in capsys.readouterr().out
    conn = open_project(project, readonly=True)
    assert load_codebook(conn).themes == () and get_meta(conn)["name"] == "Pilot"
    conn.close()


def test_init_with_a_qdc_codebook(tmp_path, capsys):
    qdc = tmp_path / "framework.qdc"
    assert main(["init", str(tmp_path / "a.coder"), "--codebook", str(SHIPPED)]) == 0
    assert main(["codebook", "export", str(tmp_path / "a.coder"), str(qdc)]) == 0
    assert main(["init", str(tmp_path / "b.coder"), "--codebook", str(qdc)]) == 0
    conn = open_project(tmp_path / "b.coder", readonly=True)
    assert [c.id for c in load_codebook(conn).codes][:2] == ["caseload", "staffing"]
    conn.close()


def test_bad_codebook_leaves_no_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n", encoding="utf-8")
    project = tmp_path / "study.coder"
    result = run_cli("init", project, "--codebook", bad)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"coder: error: {bad}, line 4, column 'id': duplicate id 'a' "
                                      "(first used on line 2) (each id must be unique)")
    assert list(tmp_path.iterdir()) == [bad]


def test_init_refuses_an_existing_file(tmp_path, capsys):
    project = tmp_path / "study.coder"
    project.write_bytes(b"precious")
    assert main(["init", str(project)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert project.read_bytes() == b"precious"
