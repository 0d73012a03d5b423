"""`coder export ... memos`: memos left the project only inside a .qdpx, and a researcher wanted
them in a spreadsheet."""

from __future__ import annotations

import pandas as pd
import pytest
from export_fixtures import TEXTS, make_small_project
from helpers import CODEBOOK, file_digest, one_line_error, run_cli
from openpyxl import load_workbook

from coder.errors import CoderError
from coder.export import memo_tables
from coder.export.memos import GONE, MEMO_COLUMNS
from coder.store import get_meta, open_project, transaction
from coder.store.codebook import delete_unused_code
from coder.store.memos import set_memo

# What the small project's memos (export_fixtures: alice on the project and r3, bob on caseload) and
# these come out as, in order: (target_type, target_id, target_name, coder, memo); the project is
# named for its file, memos.coder.
MULTI_LINE = "+1 for this one\nline two\n\nline four, Issue #3, \"quoted\", a comma"
ROWS = [
    ("project", "", "memos", "alice", "pilot coding round"),
    ("project", "", "memos", "lead", "Round 2 starts on Monday."),
    ("theme", "workload", "1 Workload", "lead", "Workload: the biggest theme.\nSplit it?"),
    ("code", "caseload", "1.1 Caseload", "alice", "=SUM(1,2) typed by hand"),
    ("code", "caseload", "1.1 Caseload", "bob", "includes duty work"),
    ("theme", "recording", "2 Paperwork", "alice", "@team: merge with 3?"),
    ("code", "old", "2.3 Old code (retired)", "alice", "- retired in v2\n- its codings still count"),
    ("code", "systems", GONE, "alice", "deleted: nobody used it"),
    ("response", "r1", "r1: " + TEXTS["r1"], "bob", MULTI_LINE),
    ("response", "r3", "r3: " + TEXTS["r3"], "alice", "check staffing"),
]


@pytest.fixture
def project(tmp_path):
    """The small project with a memo on every kind of target, by three people (lead only writes
    memos), and one on a code deleted since."""
    path = make_small_project(tmp_path / "memos.coder")
    conn = open_project(path)
    with transaction(conn):
        for kind, target, _, coder, text in ROWS[::-1]:   # written in another order than exported
            set_memo(conn, kind, target, coder, text)
    delete_unused_code(conn, "systems", "setup")
    assert get_meta(conn)["name"] == "memos"
    conn.close()
    return path


def expected(coder: str | None = None) -> list[tuple]:
    """ROWS as a CSV export gives them: a text a spreadsheet would run as a formula starts with '."""
    return [(kind, target, name, who, "'" + text if text[0] in "=+-@" else text)
            for kind, target, name, who, text in ROWS if coder in (None, who)]


def test_every_memo_comes_out_once_in_order_with_its_target_named(project):
    conn = open_project(project, readonly=True)
    tables = memo_tables(conn)
    conn.close()
    table = tables.sheets["memos"]
    assert list(table.columns) == MEMO_COLUMNS
    assert [tuple(row) for row in table[MEMO_COLUMNS[:5]].itertuples(index=False)] == ROWS
    assert table["created_at"].str.match(r"\d{4}-\d\d-\d\dT").all() and table["updated_at"].notna().all()
    assert any("one row per memo (all coders)" in note for note in tables.notes)
    assert any(note.startswith("1 memo on a theme, code or response no longer in the project") for note in tables.notes)


def test_one_coders_memos_and_a_coder_who_only_writes_memos(project):
    conn = open_project(project, readonly=True)
    lead = memo_tables(conn, coder="lead")
    assert lead.sheets["memos"]["target_id"].tolist() == ["", "workload"]
    assert set(memo_tables(conn, coder="bob").sheets["memos"]["coder"]) == {"bob"}
    with pytest.raises(CoderError, match=r"--coder 'carol': no codings or memos by this coder "
                                         r"\(coders: alice, bob, lead\)"):
        memo_tables(conn, coder="carol")
    conn.close()


@pytest.mark.slow
def test_csv_and_xlsx_keep_every_memo_whole_and_run_no_formula(project, tmp_path):
    before = file_digest(project)
    for name, extra in [("m.csv", []), ("excel.csv", ["--excel"]), ("m.xlsx", [])]:
        done = run_cli("export", project, "memos", "--out", tmp_path / name, *extra)
        assert done.returncode == 0, done.stderr
        assert f"Wrote memos to {tmp_path / name}" in done.stdout and "one row per memo (all coders)" in done.stdout
    assert file_digest(project) == before
    for name, encoding in [("m.csv", "utf-8"), ("excel.csv", "utf-8-sig")]:
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (name == "excel.csv")
        assert "\n# " not in raw.decode(encoding)   # a record table: its notes are on the terminal
        back = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False, encoding=encoding)
        assert list(back.columns) == MEMO_COLUMNS
        assert [tuple(row) for row in back[MEMO_COLUMNS[:5]].itertuples(index=False)] == expected()
    assert b"\r\n" in (tmp_path / "excel.csv").read_bytes()
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["memos", "notes"]
    sheet = book["memos"]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == tuple(MEMO_COLUMNS)
    memos = [row[4] for row in rows[1:]]
    # in an .xlsx only "=" would start a formula: the rest are text cells as they were written
    assert memos == ["'" + text if text.startswith("=") else text for *_, text in ROWS]
    assert MULTI_LINE in memos and all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert any(str(note).startswith("one row per memo") for (note,) in book["notes"].iter_rows(values_only=True))


@pytest.mark.slow
def test_coder_option_keeps_that_coders_memos(project, tmp_path):
    out = tmp_path / "bob.csv"
    done = run_cli("export", project, "memos", "--coder", "bob", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "one row per memo (coder bob)" in done.stdout
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert [tuple(row) for row in back[MEMO_COLUMNS[:5]].itertuples(index=False)] == expected("bob")
    refused = run_cli("export", project, "memos", "--coder", "carol", "--out", tmp_path / "carol.csv")
    assert "--coder 'carol': no codings or memos by this coder" in one_line_error(refused)
    assert not (tmp_path / "carol.csv").exists()


@pytest.mark.slow
def test_a_project_or_coder_without_memos_gives_the_header_and_says_so(tmp_path):
    path = tmp_path / "plain.coder"
    assert run_cli("init", path, "--codebook", CODEBOOK).returncode == 0
    done = run_cli("export", path, "memos", "--out", tmp_path / "none.csv")
    assert done.returncode == 0, done.stderr
    assert "no memos in this project" in done.stdout
    assert (tmp_path / "none.csv").read_text() == ",".join(MEMO_COLUMNS) + "\n"
    done = run_cli("export", path, "memos", "--out", tmp_path / "none.xlsx")
    assert done.returncode == 0, done.stderr
    book = load_workbook(tmp_path / "none.xlsx", read_only=True)
    assert list(book["memos"].iter_rows(values_only=True)) == [tuple(MEMO_COLUMNS)]
    assert "no memos in this project" in [note for (note,) in book["notes"].iter_rows(values_only=True)]


def test_a_coder_with_codings_and_no_memos_gets_the_header_and_a_note(tmp_path):
    conn = open_project(make_small_project(tmp_path / "s.coder"))
    with transaction(conn):
        set_memo(conn, "response", "r3", "alice", None)   # alice's memos deleted, her codings kept
        set_memo(conn, "project", "", "alice", None)
    tables = memo_tables(conn, coder="alice")
    conn.close()
    assert tables.sheets["memos"].empty and list(tables.sheets["memos"].columns) == MEMO_COLUMNS
    assert "no memos by coder alice" in tables.notes


@pytest.mark.slow
def test_the_export_help_lists_the_memos_kind():
    shown = run_cli("export", "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())   # argparse wraps the epilog to the terminal
    assert "binary, memos, qdpx, chart" in text and "memos (one row per memo on the project, a theme" in text
