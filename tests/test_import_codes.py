"""`coder import-codes` through the library: the three layouts, code matching, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_files import codings_of, fails_untouched, write_csv, write_xlsx

from coder.coding_import import CodeMatcher, read_codings, write_codings
from coder.records import Code
from coder.importers.responses import check_responses, write_responses
from coder.store import open_project, transaction
from coder.store.codebook import add_code
from coder.store.codebook_read import load_codebook
from coder.store.code_merge import merge_codes
from coder.store.codings import add_coding
from coder.store.events import Action, list_events, record_event
from coder.history import History, describe


@pytest.fixture
def project(codebook_project, tmp_path):
    """The social work framework and responses R1..R3."""
    rows = [["id", "comment"], ["R1", "Too many cases"], ["R2", "Forms all day"],
            ["R3", "Good supervision"]]
    conn = open_project(codebook_project)
    write_responses(conn, check_responses(conn, write_csv(tmp_path / "responses.csv", rows)))
    conn.close()
    return codebook_project


def import_codes(project: Path, file: Path, coder: str = "alice", **options):
    conn = open_project(project)
    try:
        return write_codings(conn, read_codings(conn, file, **options), coder)
    finally:
        conn.close()


def test_long_layout_matches_codes_by_id_index_and_label(project, tmp_path):
    rows = [["respondent", "code", "note"], ["R1", "caseload", "x"], ["R1", "1.2", ""],
            ["R2", "paperwork and recording burden", ""], ["R3", "", ""]]
    summary = import_codes(project, write_csv(tmp_path / "c.csv", rows))
    assert codings_of(project, "alice") == {("R1", "caseload", "imported"),
                                            ("R1", "staffing", "imported"),
                                            ("R2", "paperwork", "imported")}
    assert (summary.layout, summary.rows_read, summary.added) == ("long", 4, 3)


def test_long_layout_with_a_named_code_column_and_a_jsonl_list(project, tmp_path):
    rows = [["c", "rid", "label"], ["x", "R1", "Caseload size and allocation"]]
    import_codes(project, write_csv(tmp_path / "c.csv", rows), id_col="rid", code_col="label")
    file = tmp_path / "c.jsonl"
    file.write_text(json.dumps({"id": "R2", "codes": ["ics", "2.3"]}) + "\n")
    import_codes(project, file)
    assert codings_of(project, "alice") == {("R1", "caseload", "imported"),
                                            ("R2", "ics", "imported"),
                                            ("R2", "bureaucracy", "imported")}


def test_a_spreadsheet_number_is_the_one_index_it_can_be(project, tmp_path):
    conn = open_project(project)
    add_code(conn, Code("caseload_mix", "workload", "1.10", "Mix of cases"), "alice")
    conn.close()
    rows = [["id", "code"], ["R1", 1.2], ["R2", 2.3]]   # number cells: 1.2 and 2.3 are each one index
    import_codes(project, write_xlsx(tmp_path / "n.xlsx", rows))
    assert codings_of(project, "alice") == {("R1", "staffing", "imported"), ("R2", "bureaucracy", "imported")}
    message = fails_untouched(project, lambda: import_codes(project, write_xlsx(tmp_path / "a.xlsx",
                                                                                 [["id", "code"], ["R3", 1.1]])),
                              "the number 1.1 could be code 1.1 or 1.10")
    assert "row 2" in message and "'code'" in message and "format the column as text" in message


def test_wide_layout_one_01_column_per_code(project, tmp_path):
    rows = [["id", "caseload", "2.1", "Staff shortages and vacancies"],
            ["R1", 1, 0, 1], ["R2", 0, 1, None], ["R3", 0, 0, 0]]
    summary = import_codes(project, write_xlsx(tmp_path / "w.xlsx", rows))
    assert codings_of(project, "alice") == {("R1", "caseload", "imported"),
                                            ("R1", "staffing", "imported"),
                                            ("R2", "paperwork", "imported")}
    assert summary.layout == "wide"


def test_wide_layout_leaves_out_the_columns_that_hold_no_codes(project, tmp_path):
    rows = [["id", "comment", "caseload", "age", "2.1"],
            ["R1", "Too many cases", 1, 34, 0], ["R2", "Forms all day", 0, 51, 1]]
    file = write_xlsx(tmp_path / "w.xlsx", rows)
    message = fails(project, file, r"w\.xlsx, row 2, column 'comment': 'Too many cases' is not 0 or 1")
    assert "--skip-col comment" in message
    import_codes(project, file, skip_cols=("comment", "age"))
    assert codings_of(project, "alice") == {("R1", "caseload", "imported"), ("R2", "paperwork", "imported")}
    fails(project, file, r"no column 'agee' \(given by --skip-col\)", skip_cols=("comment", "agee"))
    noted = write_csv(tmp_path / "noted.csv", [["id", "Code 1", "caseload"], ["R3", "a note", 1]])
    import_codes(project, noted, skip_cols=("Code 1",))   # a skipped column does not make it the columns layout
    assert ("R3", "caseload", "imported") in codings_of(project, "alice")
    long = write_csv(tmp_path / "long.csv", [["id", "code", "note"], ["R1", "caseload", "x"]])
    fails(project, long, r"--skip-col is for the wide layout", skip_cols=("note",))


def test_columns_layout_with_hierarchy(project, tmp_path):
    rows = [["Respondent", "Code 1", "Code 2", "text"],
            ["R1", "Workload and caseloads->Caseload size and allocation", "recording/ics",
             "ignored"],
            ["R2", "2->2.3", "", "ignored"]]
    summary = import_codes(project, write_csv(tmp_path / "c.csv", rows))
    assert codings_of(project, "alice") == {("R1", "caseload", "imported"),
                                            ("R1", "ics", "imported"),
                                            ("R2", "bureaucracy", "imported")}
    assert summary.layout == "columns"


def test_reimport_adds_nothing_and_one_event_per_import(project, tmp_path):
    file = write_csv(tmp_path / "c.csv", [["id", "code"], ["R1", "caseload"]])
    import_codes(project, file)
    summary = import_codes(project, file)
    assert summary.added == 0
    conn = open_project(project)
    actions = [e.action for e in list_events(conn, coder="alice")]
    conn.close()
    assert actions == ["codings.import", "codings.import"]


def test_undo_takes_an_import_back_as_one_step_and_redo_brings_it_back(project, tmp_path):
    """A researcher who imported the wrong file could only remove its codings one by one."""
    conn = open_project(project)
    add_coding(conn, "R1", "caseload", "alice")                     # by hand, before: stays
    conn.close()
    rows = [["id", "code"], ["R1", "caseload"], ["R2", "paperwork"], ["R3", "supervision"], ["R3", "1.2"]]
    assert import_codes(project, write_csv(tmp_path / "wrong.csv", rows)).added == 3
    conn = open_project(project)
    add_coding(conn, "R2", "caseload", "alice")                     # by hand, after: undone first
    history = History(conn, "alice")
    assert history.undo().action == "coding.remove"
    assert describe(history.undo()) == "took back the import of 3 codings from wrong.csv"
    conn.close()
    assert codings_of(project, "alice") == {("R1", "caseload", "manual")}
    conn = open_project(project)
    assert describe(History(conn, "alice").redo()) == "imported 3 codings from wrong.csv"
    conn.close()
    assert codings_of(project, "alice") == {("R1", "caseload", "manual"), ("R2", "paperwork", "imported"),
                                            ("R3", "supervision", "imported"), ("R3", "staffing", "imported")}


def test_an_import_undone_after_a_code_merge_takes_its_codings_off_the_code_they_are_on_now(project, tmp_path):
    """The codings moved by a merge of caseload into staffing stayed, the step said 3, and redo put
    them back on the retired caseload."""
    rows = [["id", "code"], ["R1", "caseload"], ["R2", "caseload"], ["R3", "staffing"]]
    import_codes(project, write_csv(tmp_path / "wrong.csv", rows), coder="ann")
    conn = open_project(project)
    merge_codes(conn, "caseload", "staffing", "lead")
    history = History(conn, "ann")
    assert describe(history.undo()) == "took back the import of 3 codings from wrong.csv"
    conn.close()
    assert codings_of(project, "ann") == set()
    conn = open_project(project)
    history = History(conn, "ann")
    assert describe(history.redo()) == "imported 3 codings from wrong.csv"
    conn.close()
    assert codings_of(project, "ann") == {("R1", "staffing", "imported"), ("R2", "staffing", "imported"),
                                          ("R3", "staffing", "imported")}
    conn = open_project(project)   # and again: the steps name the import, whose list they read
    history = History(conn, "ann")
    history.undo()
    assert describe(history.redo()) == "imported 3 codings from wrong.csv"
    steps = [e for e in list_events(conn, coder="ann") if e.action.startswith("codings.")]
    conn.close()
    assert [("codings" in e.data, e.data.get("import_event")) for e in steps] == [
        (True, None), *[(False, steps[0].id)] * 4]


def test_an_import_that_added_nothing_is_no_undo_step(project, tmp_path):
    """Re-importing a file already in cost the coder their redo, and the next u said '0 codings'."""
    file = write_csv(tmp_path / "c.csv", [["id", "code"], ["R1", "caseload"]])
    import_codes(project, file)
    conn = open_project(project)
    add_coding(conn, "R2", "caseload", "alice")
    History(conn, "alice").undo()
    conn.close()
    assert import_codes(project, file).added == 0
    conn = open_project(project)
    history = History(conn, "alice")
    assert history.can_redo and history.redo().action == "coding.add"
    conn.close()


def test_an_import_logged_without_its_codings_is_not_on_the_undo_stack(project, tmp_path):
    """An older coder logged only how many it added: nothing to take back by."""
    conn = open_project(project)
    with transaction(conn):
        conn.execute("INSERT INTO codings(response_id, code_id, coder, origin, created_at) "
                     "VALUES ('R1', 'caseload', 'alice', 'imported', '2026-11-01T10:00:00.000Z')")
        record_event(conn, "alice", Action.CODINGS_IMPORT, "c.csv", {"source": "c.csv", "origin": "imported", "added": 1})
    assert not History(conn, "alice").can_undo
    conn.close()


def test_add_codes_creates_them_under_theme_imported(project, tmp_path):
    rows = [["id", "Fear of litigation", "caseload", "Fear of litigation!"],
            ["R1", 1, 1, 0], ["R2", 0, 0, 1]]
    summary = import_codes(project, write_csv(tmp_path / "w.csv", rows), add_codes=True)
    assert summary.created_codes == ("fear_of_litigation", "fear_of_litigation_2")
    conn = open_project(project)
    codebook = load_codebook(conn)
    conn.close()
    theme = next(t for t in codebook.themes if t.id == "imported")
    assert (theme.index, theme.label) == ("7", "Imported")
    assert [(c.id, c.index, c.label) for c in codebook.codes_of("imported")] == [
        ("fear_of_litigation", "7.1", "Fear of litigation"),
        ("fear_of_litigation_2", "7.2", "Fear of litigation!")]
    assert codings_of(project, "alice") == {("R1", "fear_of_litigation", "imported"),
                                            ("R1", "caseload", "imported"),
                                            ("R2", "fear_of_litigation_2", "imported")}


def test_rows_aligned_with_an_import_by_row_number(codebook_project, tmp_path):
    x = write_csv(tmp_path / "x.csv", [["caseID", "verbatim"], ["5", "a"], ["5", "b"]])
    y = write_csv(tmp_path / "y.csv", [["1", "95"], ["0", "1"], ["1", "1"]])
    conn = open_project(codebook_project)
    write_responses(conn, check_responses(conn, x, id_col="@row", id_prefix="test-"))
    write_codings(conn, read_codings(conn, y, id_col="@row", id_prefix="test-", add_codes=True),
                  "anes")
    conn.close()
    assert codings_of(codebook_project, "anes") == {("test-1", "95", "imported"),
                                                    ("test-2", "1", "imported"),
                                                    ("test-2", "95", "imported")}


def test_matcher_reads_index_with_label_and_theme_paths(project):
    conn = open_project(project)
    matcher = CodeMatcher(load_codebook(conn))
    conn.close()
    assert matcher.match(" 1.1 ") == "caseload"
    assert matcher.match("1.1 Caseload size") == "caseload"
    assert matcher.match("workload/nope") is None
    assert matcher.match("Workload and caseloads") is None   # a theme, not a code
    assert (matcher.match("CASELOAD"), matcher.match("Time_Pressure")) == ("caseload", "time_pressure")   # ids in any case


def fails(project: Path, file: Path, pattern: str, **options) -> str:
    return fails_untouched(project, lambda: import_codes(project, file, **options), pattern)


def test_unknown_codes_are_listed(project, tmp_path):
    rows = [["id", "code"], ["R1", "caseload"], ["R1", "nope"], ["R2", "zilch"]]
    fails(project, write_csv(tmp_path / "c.csv", rows),
          r"2 codes not in the codebook \(by id, index or label\): 'nope', 'zilch' .*--add-codes")


def test_unknown_response_ids_are_listed(project, tmp_path):
    rows = [["id", "code"], ["R1", "caseload"], ["R8", "caseload"], ["R9", "1.2"]]
    fails(project, write_csv(tmp_path / "c.csv", rows),
          r"column 'id': 2 response ids are not in the project: R8, R9")


def test_a_file_without_one_coding_is_refused(project, tmp_path):
    fails(project, write_csv(tmp_path / "h.csv", [["id", "code"]]),
          r"h\.csv: nothing to import: the file holds no rows of codings")
    fails(project, write_csv(tmp_path / "w.csv", [["id", "caseload", "staffing"], ["R1", "0", "0"], ["R2", "", "0"]]),
          r"w\.csv: nothing to import: no row holds a code \(2 rows, wide layout\)")


def test_a_wide_cell_that_is_not_01(project, tmp_path):
    rows = [["id", "caseload", "staffing"], ["R1", "1", "0"], ["R2", "0", "often"]]
    fails(project, write_csv(tmp_path / "w.csv", rows),
          r"w\.csv, line 3, column 'staffing': 'often' is not 0 or 1")


def test_long_layout_without_the_code_column(project, tmp_path):
    rows = [["id", "what"], ["R1", "caseload"]]
    fails(project, write_csv(tmp_path / "c.csv", rows),
          r"no column 'kode' \(given by --code-col\); columns are: 'id', 'what'", code_col="kode")


def test_add_codes_failure_leaves_no_new_codes(project, tmp_path):
    rows = [["id", "code"], ["R1", "brand new"], ["R7", "caseload"]]
    fails(project, write_csv(tmp_path / "c.csv", rows), r"1 response id is not in the project: R7",
          add_codes=True)
