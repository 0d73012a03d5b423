"""Exports as an analyst reads them in R, pandas and Excel: found by an audit that recomputed
every figure from the project file (the figures were right; these were the files around them)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import run_cli
from openpyxl import load_workbook

from coder.adjudication import TAKE_A, settle
from coder.records import Code, Theme
from coder.store import create_project, open_project, transaction
from coder.store.codebook import add_code, add_theme
from coder.store.codings import add_coding
from coder.store.responses import insert_responses

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them

ATTRIBUTES = {
    "r1": {"staffing": "yes", "response_id": "A-1", "change": "-5", "w": 10, "team": "Team #2", "paid": True},
    "r2": {"staffing": "no", "response_id": "A-2", "change": "-0.5", "w": 9, "team": "Team 1", "paid": "true"},
    "r3": {"staffing": "no", "response_id": "A-3", "change": "+44 20 7946", "w": 100, "team": "Team 1",
           "paid": False},
    "r4": {"staffing": "yes", "response_id": "A-4", "change": "=cmd()", "w": 9.0, "team": "Team #2", "paid": True},
}


@pytest.fixture
def project(tmp_path):
    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [(rid, f"answer {rid}", attrs) for rid, attrs in ATTRIBUTES.items()])
            add_theme(conn, Theme("work", "1", "Theme #1"), "setup")
            add_code(conn, Code("staffing", "work", "1.1", "Issue #1 (pay)"), "setup")
            add_code(conn, Code("caseload", "work", "1.2", "Caseload"), "setup")
            add_code(conn, Code("unused", "work", "1.3", "Nobody used"), "setup")
            for rid, code, coder in [("r1", "staffing", "alice"), ("r2", "caseload", "alice"),
                                     ("r3", "staffing", "alice"), ("r1", "caseload", "bob"),
                                     ("r1", "staffing", "bob"), ("r2", "staffing", "bob")]:
                add_coding(conn, rid, code, coder)
    path = tmp_path / "a.coder"
    create_project(path, setup=fill).close()
    return path


def test_binary_and_matrix_keep_an_attribute_named_as_a_code_or_response_id(project, tmp_path):
    """A `staffing` attribute was overwritten by the staffing code's 0/1 column, and an attribute
    named response_id stopped binary and matrix with a traceback."""
    assert run_cli("export", project, "binary", "--out", tmp_path / "b.csv").returncode == 0
    table = pd.read_csv(tmp_path / "b.csv", dtype=str, keep_default_na=False)
    assert table["staffing (attribute)"].tolist() == ["yes", "no", "no", "yes"]
    assert table["staffing"].tolist() == ["1", "1", "1", "0"] and table["caseload"].tolist() == ["1", "1", "0", "0"]
    assert table["response_id (attribute)"].tolist() == ["A-1", "A-2", "A-3", "A-4"]
    matrix = run_cli("export", project, "matrix", "--out", tmp_path / "m.xlsx")
    assert matrix.returncode == 0, matrix.stderr


def test_numbers_written_as_text_stay_numbers_and_formulas_are_still_defused(project, tmp_path):
    """"-5" was written '-5, so R and pandas read the column as text; in an XLSX text cell no sign
    but = starts a formula."""
    assert run_cli("export", project, "binary", "--out", tmp_path / "b.csv").returncode == 0
    change = pd.read_csv(tmp_path / "b.csv", dtype=str, keep_default_na=False)["change"].tolist()
    assert change == ["-5", "-0.5", "'+44 20 7946", "'=cmd()"]
    assert run_cli("export", project, "binary", "--out", tmp_path / "b.xlsx").returncode == 0
    sheet = load_workbook(tmp_path / "b.xlsx")["binary"]
    column = [cell.value for cell in sheet[1]].index("change") + 1
    assert [sheet.cell(row, column).value for row in range(2, 6)] == ["-5", "-0.5", "+44 20 7946", "'=cmd()"]


def test_a_csv_with_notes_reads_whole_when_a_label_or_value_holds_a_hash(project, tmp_path):
    """Read as the README says (comment="#"), "Issue #1 (pay)" and "Team #2" ended the line."""
    out = tmp_path / "c.csv"
    assert run_cli("export", project, "counts", "--by", "team", "--out", out).returncode == 0
    table = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    assert "responses [team=Team #2]" in table.columns
    assert table.loc[table["code_index"] == "1.1", "code_label"].tolist() == ["Issue #1 (pay)"]


def test_groups_follow_the_values_not_their_spelling_and_numbers_sort_as_numbers(project, tmp_path):
    out = tmp_path / "c.csv"
    assert run_cli("export", project, "counts", "--by", "w", "--out", out).returncode == 0
    header = pd.read_csv(out, comment="#", nrows=0).columns
    assert [c for c in header if c.startswith("responses [")] == ["responses [w=9]", "responses [w=10]",
                                                                 "responses [w=100]"]   # 9 and 9.0 are one
    assert run_cli("export", project, "counts", "--by", "paid", "--out", out).returncode == 0
    header = pd.read_csv(out, comment="#", nrows=0).columns
    assert [c for c in header if c.startswith("responses [")] == ["responses [paid=false]", "responses [paid=true]"]


def test_jaccard_of_codes_nobody_used_is_undefined_not_zero(project, tmp_path):
    out = tmp_path / "co.xlsx"
    assert run_cli("export", project, "cooccurrence", "--out", out).returncode == 0
    jaccard = pd.read_excel(out, sheet_name="jaccard").set_index("code")
    assert math.isnan(jaccard.loc["1.3 Nobody used", "1.3 Nobody used"])
    assert jaccard.loc["1.1 Issue #1 (pay)", "1.1 Issue #1 (pay)"] == 1.0


def test_agreement_files_carry_the_headline_figures(project, tmp_path):
    out = tmp_path / "a.csv"
    result = run_cli("agreement", project, "--coders", "alice", "bob", "--out", out)
    assert result.returncode == 0, result.stderr
    notes = [line for line in out.read_text().splitlines() if line.startswith("# ")]
    assert any("responses coded by all of them: 2; exact match of whole code sets: " in n and "pooled kappa: " in n
               and "mean alpha: " in n for n in notes), notes


def test_codebook_show_counts_as_the_exports_do(project, tmp_path):
    """codebook show counted every coder's raw codings, so its figures disagreed with the counts
    export once a response was settled."""
    conn = open_project(project)
    settle(conn, "r2", "alice", "bob", TAKE_A, "lead")   # r2: alice's caseload, not bob's staffing
    conn.close()
    shown = run_cli("codebook", "show", project).stdout
    counts = pd.read_csv(_counts(project, tmp_path), comment="#", dtype=str)
    exported = dict(zip(counts["code_index"], counts["responses"]))
    line = next(line for line in shown.splitlines() if "Issue #1 (pay)" in line)
    assert exported["1.1"] == "2" and " 2 " in f" {line} "


def _counts(project, tmp_path):
    out = tmp_path / "c.csv"
    assert run_cli("export", project, "counts", "--out", out).returncode == 0
    return out


def test_a_text_with_a_lone_carriage_return_stays_one_cell(tmp_path):
    """The csv module leaves a lone \\r unquoted under \\n line ends; Python's and R's readers end the row there."""
    import csv

    from coder.export.tables import ExportTables, write_tables

    frame = pd.DataFrame({"response_id": ["r1", "r2"], "text": ["old Mac\rline break", "plain"], "n": [1, 2]})
    write_tables(ExportTables({"codings": frame}), tmp_path / "c.csv")
    with open(tmp_path / "c.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["response_id", "text", "n"], ["r1", "old Mac\rline break", "1"], ["r2", "plain", "2"]]
    assert pd.read_csv(tmp_path / "c.csv")["n"].tolist() == [1, 2]
