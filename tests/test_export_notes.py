"""The notes an export writes (CSV `# ` lines, the XLSX notes sheet, the terminal) say what a
researcher needs to read the figures: found by researchers on a team project of 291k answers."""

from __future__ import annotations

import pandas as pd
import pytest
from export_fixtures import make_small_project
from helpers import run_cli
from openpyxl import load_workbook

from coder.adjudication import TAKE_A, TAKE_B, settle
from coder.export import settled_note
from coder.store import open_project

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
