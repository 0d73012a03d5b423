"""`coder codebook show|import|export`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from helpers import file_digest, run_cli

from coder.cli import main
from coder.codebook.files import read_codebook
from coder.records import Code
from coder.store import open_project
from coder.store.codebook import add_code, set_code_retired
from coder.store.codebook_read import get_code
from coder.store.codings import add_coding
from coder.store.responses import insert_responses


def coded(project) -> None:
    conn = open_project(project)
    insert_responses(conn, [("r1", "a", {}), ("r2", "b", {})])
    add_coding(conn, "r1", "caseload", "alice")
    add_coding(conn, "r2", "caseload", "bob")
    add_coding(conn, "r2", "stress", "bob")
    conn.close()


def test_show_lists_codes_with_counts_and_retired(codebook_project, capsys):
    coded(codebook_project)
    conn = open_project(codebook_project)
    set_code_retired(conn, "ics", True, "alice")
    conn.close()
    assert main(["codebook", "show", str(codebook_project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Social work workload and practice (version 1)"
    caseload = next(line for line in lines if line.endswith(" caseload"))
    assert caseload.split()[:1] == ["1.1"] and caseload.split()[-3:] == ["9", "2", "caseload"]
    assert next(line for line in lines if " ics" in line).endswith("ics  [retired]")
    assert main(["codebook", "show", str(codebook_project), "--coder", "alice"]) == 0
    out = capsys.readouterr().out
    assert next(line for line in out.splitlines() if " stress" in line).split()[-2] == "0"


def test_show_an_empty_project(project_path, capsys):
    assert main(["codebook", "show", str(project_path)]) == 0
    assert "no codebook yet" in capsys.readouterr().out


def test_export_and_import_real_cli(codebook_project, tmp_path):
    coded(codebook_project)
    out = tmp_path / "book.yaml"
    result = run_cli("codebook", "export", codebook_project, out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8").replace("label: Stress, wellbeing and work-life balance",
                                                   "label: Stress")
    start = text.index("  - id: caseload")
    end = text.index("  - id: staffing")
    out.write_text(text[:start] + text[end:], encoding="utf-8")  # drop caseload, which has codings
    result = run_cli("codebook", "import", codebook_project, out, "--coder", "carol")
    assert result.returncode == 0, result.stderr
    assert "0 added, 1 updated, 1 retired (1 with codings, kept)" in result.stdout
    conn = open_project(codebook_project, readonly=True)
    assert get_code(conn, "caseload").retired and get_code(conn, "stress").label == "Stress"
    conn.close()
    qdc = tmp_path / "book.qdc"
    assert main(["codebook", "export", str(codebook_project), str(qdc)]) == 0
    assert next(c for c in read_codebook(qdc).codes if c.id == "caseload").retired


def test_a_codebook_whose_codes_have_other_ids_is_matched_by_label_not_added_anew(codebook_project, tmp_path):
    """Another program's codebook gives coder's codes new ids: imported, all 23 were added anew
    and the project's own retired, every coding left on the retired copies."""
    coded(codebook_project)
    out = tmp_path / "book.yaml"
    assert run_cli("codebook", "export", codebook_project, out).returncode == 0
    text = out.read_text(encoding="utf-8")
    ids = re.findall(r"^  - id: (\S+)$", text, flags=re.M)
    for old in ids:   # every theme and code under an id of another program's making
        text = re.sub(rf"^(\s+- id: ){old}$", rf"\1n_{old}", text, flags=re.M)
    text = text.replace("theme: ", "theme: n_")
    out.write_text(text, encoding="utf-8")
    result = run_cli("codebook", "import", codebook_project, out)
    assert result.returncode == 0, result.stderr
    assert "0 added" in result.stdout and "retired" in result.stdout and "0 retired" in result.stdout
    assert "23 codes of the file matched to this project's by label" in result.stdout
    conn = open_project(codebook_project, readonly=True)
    assert not get_code(conn, "caseload").retired and get_code(conn, "n_caseload") is None
    conn.close()


def test_bad_imports_leave_the_project_byte_identical(codebook_project, tmp_path, capsys):
    coded(codebook_project)
    digest = file_digest(codebook_project)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("themes:\n  - id: a\n    label: A\n    codes:\n      - id: c\n", encoding="utf-8")
    bad_qdc = tmp_path / "bad.qdc"
    bad_qdc.write_text("<CodeBook><Codes>", encoding="utf-8")
    for path, where in ((bad_yaml, "line 5, column 'label'"), (bad_qdc, "line 1"),
                        (tmp_path / "missing.yaml", "no such file"), (tmp_path / "book.csv", "unknown")):
        assert main(["codebook", "import", str(codebook_project), str(path)]) == 1
        assert where in capsys.readouterr().err
        assert file_digest(codebook_project) == digest


def test_export_of_an_empty_codebook_to_qdc_is_an_error(project_path, tmp_path, capsys):
    assert main(["codebook", "export", str(project_path), str(tmp_path / "x.qdc")]) == 1
    assert "empty" in capsys.readouterr().err
    assert not (tmp_path / "x.qdc").exists()


@pytest.mark.parametrize("extra_codes", [0, 400])   # output held to the end, or written while running
def test_output_to_a_reader_that_went_away_ends_quietly(codebook_project, extra_codes):
    conn = open_project(codebook_project)
    for i in range(extra_codes):
        add_code(conn, Code(f"extra{i}", "workload", f"1.{100 + i}", f"An extra code number {i}"), "tester")
    conn.close()
    read, write = os.pipe()
    os.close(read)   # as `coder codebook show ... | head -1` once head has exited
    done = subprocess.run([sys.executable, "-m", "coder", "codebook", "show", str(codebook_project)],
                          stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write)
    assert (done.returncode, done.stderr) == (141, "")
