"""Hostile inputs besides workbooks: a codebook nested thousands deep, a file of
too many columns, a formula behind spaces, a large codebook (linear import)."""

from __future__ import annotations

import csv
import json

import pytest
from helpers import run_cli
from import_files import fails_untouched

from coder.codebook.files import read_codebook
from coder.codebook.merge import merge_codebook
from coder.export.tables import neutralise
from coder.importers.responses import check_responses
from coder.importers.table import MAX_COLUMNS
from coder.store import open_project


@pytest.mark.parametrize("text", ["themes: " + "[" * 100_000 + "]" * 100_000,
                                  "themes:\n" + "".join("  " * i + "- a:\n" for i in range(3000))],
                         ids=["flow", "block"])
def test_a_codebook_nested_thousands_deep_is_one_line(project_path, tmp_path, text):
    deep = tmp_path / "deep.yaml"
    deep.write_text(text)
    result = run_cli("codebook", "import", project_path, deep)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    # libyaml stops the flow style itself at 1,000 levels; coder stops at 50
    assert line.startswith(f"coder: error: {deep}, line ") and "nest" in line, line


def import_fails(project_path, path, pattern: str) -> None:
    """Checking `path` for import is a one-line error matching `pattern`; the project stays as it was."""
    conn = open_project(project_path)
    try:
        fails_untouched(project_path, lambda: check_responses(conn, path), pattern)
    finally:
        conn.close()


def test_a_file_of_too_many_columns_is_refused(project_path, tmp_path):
    wide = tmp_path / "wide.csv"
    with wide.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", *(f"a{n}" for n in range(MAX_COLUMNS))])
        writer.writerow(["R1", "some words", *range(MAX_COLUMNS)])
    import_fails(project_path, wide, rf"wide\.csv, line 1: {MAX_COLUMNS + 2:,} columns, more than the "
                                     rf"{MAX_COLUMNS:,} an import takes")


def test_a_quote_left_open_over_a_huge_file_is_one_line_at_the_row_it_starts(project_path, tmp_path):
    open_quote = tmp_path / "open.csv"
    with open_quote.open("w", newline="") as f:
        f.write('id,text\nR1,fine\nR2,"never closed\n')
        f.write(("more words on another line\n" * 400_000))   # about 11 million characters
    import_fails(project_path, open_quote,
                 r"open\.csv, line 3: a cell is over 10 million characters.*quote is probably left open")


def test_a_json_lines_file_of_too_many_keys_is_refused_at_its_line(project_path, tmp_path):
    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps({"id": "R1", "text": "a"}) + "\n"
                    + json.dumps({f"k{n}": n for n in range(MAX_COLUMNS)}) + "\n")
    import_fails(project_path, wide, r"wide\.jsonl, line 2: 2,002 columns")


@pytest.mark.parametrize("cell", ["  =1+1", " \t+SUM(A1)", "\n@cmd", "   -2+3"])
def test_a_formula_behind_spaces_is_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["a = b", "plain text", "  spaced words"])
def test_text_that_is_no_formula_is_kept(cell):
    assert neutralise(cell) == cell


def test_a_large_codebook_imports_and_reorders(project_path, tmp_path):
    themes = [{"id": f"t{t}", "label": f"Theme {t}",
               "codes": [{"id": f"c{t}_{i}", "label": f"Code {i}"} for i in range(50)]}
              for t in range(40)]
    file = tmp_path / "big.yaml"
    file.write_text(json.dumps({"themes": themes}))   # JSON is YAML
    conn = open_project(project_path)
    try:
        merge_codebook(conn, read_codebook(file), "x")
        themes[0]["codes"].reverse()
        file.write_text(json.dumps({"themes": themes}))
        merge_codebook(conn, read_codebook(file), "x")
        order = [row[0] for row in conn.execute(
            "SELECT id FROM codes WHERE theme_id = 't0' ORDER BY position")]
    finally:
        conn.close()
    assert order == [f"c0_{i}" for i in reversed(range(50))]
