"""The notes an export writes (CSV `# ` lines, the XLSX notes sheet, the terminal) say what a
researcher needs to read the figures: found by researchers on a team project of 291k answers."""

from __future__ import annotations

import pandas as pd
import pytest
from export_fixtures import make_small_project
from helpers import run_cli
from openpyxl import load_workbook

from coder.adjudication import TAKE_A, TAKE_B, settle
from coder.export import base_note, settled_note
from coder.records import Code, Theme
from coder.store import create_project, open_project, transaction
from coder.store.codebook import add_code, add_theme
from coder.store.codings import add_coding
from coder.store.responses import insert_responses

pytestmark = pytest.mark.slow  # real processes: `pytest -m "not slow"` skips them


def notes_sheet(path) -> list[str]:
    """The lines of an .xlsx export's notes sheet."""
    return [row[0] for row in load_workbook(path, read_only=True)["notes"].iter_rows(values_only=True) if row[0]]


def csv_notes(path) -> list[str]:
    """The `# ` note lines under a CSV export's table."""
    return [line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]


@pytest.fixture
def settled(tmp_path):
    """The small project with r1 settled as alice coded it and r2 as bob did (alice and bob both
    coded r1 and r2: 4 of their codings on r1 and 2 on r2 are replaced)."""
    path = make_small_project(tmp_path / "s.coder")
    conn = open_project(path)
    settle(conn, "r1", "alice", "bob", TAKE_A, "lead")
    settle(conn, "r2", "alice", "bob", TAKE_B, "lead")
    conn.close()
    return path


CONSENSUS_NOTE = ("consensus: 2 responses settled in adjudication (F5) count by the consensus coding "
                  "(coder consensus) alone: it replaces the coders' own codings there (6 codings of theirs "
                  "not counted")


def test_every_export_of_pooled_coding_says_the_consensus_replaces_the_coders_codings(settled, tmp_path):
    """Pooled results took a settled response by its consensus alone, and no note said so: a
    researcher comparing the codings export with a coder's own file found codings missing."""
    for kind, name, extra in [("counts", "c.xlsx", []), ("crosstab", "x.csv", ["--by", "setting"]),
                              ("codings", "k.xlsx", []), ("matrix", "m.xlsx", []), ("binary", "b.xlsx", []),
                              ("cooccurrence", "o.csv", []), ("chart", "t.svg", [])]:
        out = tmp_path / name
        done = run_cli("export", settled, kind, "--out", out, *extra)
        assert done.returncode == 0, done.stderr
        assert CONSENSUS_NOTE in done.stdout, (kind, done.stdout)
        if name.endswith(".xlsx"):
            assert any(note.startswith(CONSENSUS_NOTE) for note in notes_sheet(out)), kind
        elif name.endswith(".csv"):
            assert any(note.startswith(CONSENSUS_NOTE) for note in csv_notes(out)), kind
    codings = pd.read_excel(tmp_path / "k.xlsx", sheet_name="codings", dtype=str)
    assert set(codings.loc[codings["response_id"].isin(["r1", "r2"]), "coder"]) == {"consensus"}


def test_no_consensus_note_where_it_does_not_apply(settled, tmp_path):
    """One coder's own coding, machine suggestions alone, or a project nobody settled: no note."""
    for project, extra in [(settled, ["--coder", "alice"]), (settled, ["--source", "suggestions"]),
                           (make_small_project(tmp_path / "plain.coder"), [])]:
        out = tmp_path / "c.xlsx"
        done = run_cli("export", project, "counts", "--out", out, *extra)
        assert done.returncode == 0, done.stderr
        assert "consensus:" not in done.stdout and not any("consensus" in n for n in notes_sheet(out))


def test_the_consensus_note_counts_in_words_and_with_thousands_separators():
    assert settled_note(0, 0) == ""
    assert "1 response settled" in settled_note(1, 1) and "(1 coding of theirs" in settled_note(1, 1)
    assert "12,345 responses settled" in settled_note(12_345, 40_001) and "40,001 codings" in settled_note(12_345, 40_001)


@pytest.fixture
def barely_coded(tmp_path):
    """2,500 responses, 3 of them coded (0.12%): a large project whose coding has just begun."""
    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [(f"r{i}", f"answer {i}", {"site": "north" if i % 2 else "south"})
                                    for i in range(2_500)])
            add_theme(conn, Theme("work", "1", "Work"), "setup")
            add_code(conn, Code("caseload", "work", "1.1", "Caseload"), "setup")
            add_code(conn, Code("staffing", "work", "1.2", "Staffing"), "setup")
            for rid, code in [("r1", "caseload"), ("r2", "caseload"), ("r3", "staffing")]:
                add_coding(conn, rid, code, "alice")
    path = tmp_path / "big.coder"
    create_project(path, setup=fill).close()
    return path


BASE_WARNING = ("percent base: all 2,500 responses in the project, of which 3 (0.12%) have any code: beware, "
                "every uncoded response counts as without the code")


def test_percents_of_all_responses_warn_when_few_are_coded(barely_coded, tmp_path):
    """187 of 291k coded: every percent came out 0.0% with no word of why."""
    for kind, name, extra in [("counts", "c.csv", []), ("counts", "c.xlsx", ["--by", "site"]),
                              ("crosstab", "x.xlsx", ["--by", "site"]), ("chart", "t.svg", [])]:
        out = tmp_path / name
        done = run_cli("export", barely_coded, kind, "--out", out, *extra)
        assert done.returncode == 0, done.stderr
        line = next(line.strip() for line in done.stdout.splitlines() if "percent base" in line)
        assert line.startswith(BASE_WARNING) and line.endswith("use --base coded (percent of the coded responses)")
        if name.endswith(".csv"):
            assert any(note.startswith(BASE_WARNING) for note in csv_notes(out))
            table = pd.read_csv(out, comment="#", dtype=str)
            assert table.loc[table["row"] == "base", "responses"].tolist() == ["2500"]   # a machine column
        elif name.endswith(".xlsx"):
            assert any(note.startswith(BASE_WARNING) for note in notes_sheet(out))
    assert "% of the 2,500 responses" in done.stdout   # the chart's
    by_site = run_cli("export", barely_coded, "chart", "--by", "site", "--out", tmp_path / "s.svg")
    assert by_site.returncode == 0 and "north (n=1,250)" in (tmp_path / "s.svg").read_text()   # the legend
    coded = run_cli("export", barely_coded, "counts", "--base", "coded", "--out", tmp_path / "c.csv")
    assert "percent base: the 3 responses with any code (of 2,500 in the project)" in coded.stdout
    assert "beware" not in coded.stdout


def test_the_base_note_says_how_many_are_coded_but_warns_only_when_few_are():
    assert base_note(371, "all", 371) == "percent base: all 371 responses in the project"
    assert base_note(371, "all", 187) == ("percent base: all 371 responses in the project, of which 187 (50.4%) "
                                          "have any code")
    assert "(99.9%)" in base_note(100_000, "all", 99_999)   # never 100% short of all
    assert "beware" not in base_note(1_000, "all", 50) and "beware" in base_note(1_000, "all", 49)
    assert "of which 0 (0%) have any code: beware" in base_note(1_000, "all", 0)


@pytest.fixture
def a_few_coded(tmp_path):
    """600 responses, 25 of them coded: 4.1667% of all, which a table's one decimal shows as 4.2."""
    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [(f"r{i}", f"answer {i}", {}) for i in range(600)])
            add_theme(conn, Theme("work", "1", "Work"), "setup")
            add_code(conn, Code("caseload", "work", "1.1", "Caseload"), "setup")
            for i in range(25):
                add_coding(conn, f"r{i}", "caseload", "alice")
    path = tmp_path / "few.coder"
    create_project(path, setup=fill).close()
    return path


def test_the_base_note_gives_the_coded_share_as_the_table_does(a_few_coded, tmp_path):
    """On 291k answers the counts' `any code` row said 4.2 and the note under it "12,187 (4.1%)":
    the note cut the share down where the table rounds it."""
    out = tmp_path / "c.csv"
    done = run_cli("export", a_few_coded, "counts", "--out", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, comment="#", dtype=str)
    assert table.loc[table["row"] == "any code", "percent"].tolist() == ["4.2"]
    assert "of which 25 (4.2%) have any code" in done.stdout
    assert any("of which 25 (4.2%) have any code" in note for note in csv_notes(out))
    assert "(99.9%)" in base_note(100_000, "all", 99_951)   # rounds to 100.0, but short of all
