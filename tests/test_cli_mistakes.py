"""The mistakes a person makes on the command line (found by following the README as a new
user would): each is one line on stderr, a non-zero exit and the project as it was."""

from __future__ import annotations

import pytest
from helpers import file_digest, one_line_error, run_cli
from import_files import write_csv
from tui_project import make_project

from coder.coding import toggle_code
from coder.store import create_project, open_project

pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def project(tmp_path):
    """A small project alice has coded a little."""
    path = make_project(tmp_path / "p.coder", n=12)
    conn = open_project(path)
    for rid in ("q0001", "q0002", "q0003"):
        toggle_code(conn, rid, "caseload", "alice")
    conn.close()
    return path


def fails_untouched(project, *args) -> str:
    before = file_digest(project)
    line = one_line_error(run_cli(*args))
    assert file_digest(project) == before
    return line


def test_a_misspelt_coder_trains_nothing_and_keeps_the_last_suggestions(project):
    """`suggest --coder alcie` trained on nobody and replaced the last run's suggestions."""
    assert "--coder 'alcie': no codings by this coder (coders: alice)" in fails_untouched(
        project, "suggest", project, "--coder", "alcie")
    assert "no codings by this coder" in fails_untouched(project, "codebook", "show", project, "--coder", "alcie")


@pytest.mark.parametrize("seed", ["-1", "99999999999999999999", "x"])
def test_a_seed_out_of_range_is_refused_before_any_work(project, seed):
    """`evaluate --seed -1` ended in a traceback from numpy."""
    result = run_cli("evaluate", project, "--seed", seed)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--seed" in result.stderr and "whole number from 0 to 4,294,967,295" in result.stderr


def test_output_files_are_checked_before_the_work_and_by_their_own_option(project, tmp_path):
    """agreement printed its table and then blamed --out for a bad --disagreements name."""
    assert fails_untouched(project, "agreement", project, "--disagreements", tmp_path / "d.txt").startswith(
        "coder: error: --disagreements ")
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert "that is a folder" in fails_untouched(project, "evaluate", project, "--folds", "2", "--out", folder)
    assert "--output" in fails_untouched(project, "suggest", project, "--input", write_csv(tmp_path / "w.csv"),
                                         "--output", tmp_path / "w.xlsx")
    assert "--queue -3" in fails_untouched(project, "suggest", project, "--queue", "-3")


def test_import_codes_needs_to_know_whose_coding_it_is(project, tmp_path):
    """Without --coder, a colleague's coding was filed under the user's own login name."""
    file = write_csv(tmp_path / "c.csv", [["id", "code"], ["q0004", "caseload"]])
    result = run_cli("import-codes", project, file)
    assert result.returncode == 2 and "--coder" in result.stderr


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_coder_name_is_refused(project, tmp_path, name):
    file = write_csv(tmp_path / "c.csv", [["id", "code"], ["q0004", "caseload"]])
    before = file_digest(project)
    for args in (["import-codes", project, file, "--coder", name], ["sample", project, "--n", "2", "--seed", "1",
                                                                    "--coder", name]):
        result = run_cli(*args)
        assert result.returncode == 2 and "a coder name cannot be empty" in result.stderr
    assert file_digest(project) == before


def test_a_qdpx_and_a_project_swapped_say_which_comes_first(tmp_path):
    line = one_line_error(run_cli("import-qdpx", tmp_path / "study.coder", tmp_path / "study.qdpx"))
    assert "the .qdpx comes first: coder import-qdpx FILE.qdpx PROJECT" in line
    assert not (tmp_path / "study.qdpx").exists()


def test_a_folder_named_as_the_project_or_the_backup_target(project, tmp_path):
    """A folder was 'no such project file (create one with coder init …)', which then said it exists."""
    assert "that is a folder, not a project file" in one_line_error(run_cli("check", tmp_path))
    assert "does not exist (create it first)" in fails_untouched(project, "backup", project,
                                                                 tmp_path / "nodir" / "b.coder")


def test_an_empty_project_says_to_import_first(tmp_path):
    empty = tmp_path / "e.coder"
    create_project(empty).close()
    for args in (("sample", empty, "--n", "5", "--seed", "1"), ("suggest", empty)):
        assert "no responses yet: import some first" in fails_untouched(empty, *args)
    assert "use --folds" not in fails_untouched(empty, "evaluate", empty)


def test_columns_stay_in_line_beside_labels_of_wide_characters(tmp_path):
    """A label of Chinese characters or an emoji (two cells each) pushed its row 3 columns right."""
    book = tmp_path / "book.yaml"
    book.write_text("name: Multi\nthemes:\n  - id: t\n    label: T\n    codes:\n"
                    "      - id: pay\n        label: 給料 Salario 💶\n        keywords: [salario]\n"
                    "      - id: stress\n        label: Stress\n        keywords: [estrés]\n", encoding="utf-8")
    project = tmp_path / "p.coder"
    assert run_cli("init", project, "--codebook", book).returncode == 0
    lines = run_cli("codebook", "show", project).stdout.splitlines()
    from rich.cells import cell_len
    rows = [line for line in lines if line.endswith((" pay", " stress"))]
    assert len(rows) == 2 and cell_len(rows[0]) - len("pay") == cell_len(rows[1]) - len("stress")


def test_an_unknown_coder_is_named_by_evaluate_too(project):
    """It said "only 0 coded responses by nobody ... (code more)"."""
    assert "--coder 'nobody': no codings by this coder" in fails_untouched(project, "evaluate", project,
                                                                           "--coder", "nobody")


def test_coder_code_outside_a_terminal_leaves_an_older_project_as_it_was(project):
    """The project was upgraded (and a safety copy made) before the command said no."""
    from helpers import downgrade

    downgrade(project, 5)
    assert "not a terminal" in fails_untouched(project, "code", project, "--coder", "ann")
    assert not list(project.parent.glob("*.bak*"))


@pytest.mark.parametrize("version", [2, 5])
@pytest.mark.parametrize("command", [
    ["suggest", "P", "--coder", "nobody"], ["suggest", "P", "--resume"], ["evaluate", "P", "--coder", "nobody"],
    ["sample", "P", "--n", "5", "--by", "nosuch", "--seed", "1"], ["sample", "P", "--n", "0", "--seed", "1"],
    ["import", "P", "DIR/missing.csv"], ["import", "P", "DIR/twice.csv"],
    ["import-codes", "P", "DIR/unknown.csv", "--coder", "bob"], ["codebook", "import", "P", "DIR/broken.yaml"]])
def test_a_refused_command_leaves_an_older_project_as_it_was(project, command, version):
    """Each of these upgraded the project (and made a safety copy) before it said no."""
    from helpers import downgrade

    folder = project.parent
    (folder / "twice.csv").write_text("id,text\n1,a\n1,b\n", encoding="utf-8")
    (folder / "unknown.csv").write_text("id,code\nnope,zz\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("themes: [\n", encoding="utf-8")
    downgrade(project, version)
    fails_untouched(project, *[str(project) if a == "P" else a.replace("DIR", str(folder)) for a in command])
    assert not list(folder.glob("*.bak*"))


@pytest.mark.parametrize("other", ["missing.coder", "damaged.coder", "itself"])
def test_a_merge_that_cannot_be_done_leaves_an_older_project_as_it_was(project, other):
    """The project was upgraded (and a safety copy made) before the merge found nothing to read."""
    from helpers import downgrade

    downgrade(project, 5)
    path = project if other == "itself" else project.parent / other
    if other == "damaged.coder":
        path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    fails_untouched(project, "merge", project, path)
    assert not list(project.parent.glob("*.bak*"))
