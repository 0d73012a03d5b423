"""The real `coder import` and `coder import-codes` commands in a subprocess."""

from __future__ import annotations

from helpers import CODEBOOK, DEMO_CORPUS, DEMO_REFERENCE, file_digest, run_cli
from import_files import codings_of, imported, write_csv


def test_import_then_import_codes_of_the_anes_layout(codebook_project, tmp_path):
    x = write_csv(tmp_path / "Xtrain.csv", [["caseID", "verbatim"], ["4", "jobs and the economy"],
                                            ["4", "  "], ["9", "health care for all"]])
    y = write_csv(tmp_path / "ytrain.csv", [["1", "97"], ["1", "0"], ["0", "1"], ["0", "1"]])
    done = run_cli("import", codebook_project, x, "--id-col", "@row")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"read 3 rows from {x} (CSV, comma-separated, UTF-8)",
        "id: @row, text: verbatim, attributes: caseID",
        "imported 2 new responses",
        "skipped 1: 1 with empty text"]
    assert imported(codebook_project) == {"1": ("jobs and the economy", {"caseID": "4"}),
                                          "3": ("health care for all", {"caseID": "9"})}
    # Row 2 was skipped (empty text) but is coded: the ids no longer line up, so nothing is written.
    before = file_digest(codebook_project)
    done = run_cli("import-codes", codebook_project, y, "--coder", "anes", "--id-col", "@row",
                   "--add-codes")
    assert done.returncode == 1
    assert done.stderr == (f"coder: error: {y}, column '@row': 1 response id is not in the "
                           "project: 2 (import the responses first with `coder import` "
                           "--id-col @row)\n")
    assert file_digest(codebook_project) == before
    write_csv(y, [["1", "97"], ["1", "0"], ["0", "0"], ["0", "1"]])
    done = run_cli("import-codes", codebook_project, y, "--coder", "anes", "--id-col", "@row",
                   "--add-codes")
    assert done.returncode == 0, done.stderr
    assert "created 2 codes under theme 'imported': 1, 97" in done.stdout
    assert codings_of(codebook_project, "anes") == {("1", "1", "imported"),
                                                    ("3", "97", "imported")}


def test_import_errors_are_one_line_and_leave_the_project(project_path, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(b"id,comment\n1,caf\xe9\n")
    before = file_digest(project_path)
    done = run_cli("import", project_path, file, "--encoding", "utf-8")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "line 2" in done.stderr
    assert "--encoding cp1252" in done.stderr
    assert file_digest(project_path) == before


def test_import_codes_of_one_row_says_row_coding_and_response_in_the_singular(codebook_project, tmp_path):
    run_cli("import", codebook_project, write_csv(tmp_path / "r.csv", [["id", "text"], ["R1", "too many cases"]]))
    file = write_csv(tmp_path / "c.csv", [["id", "code"], ["R1", "caseload"]])
    done = run_cli("import-codes", codebook_project, file, "--coder", "alice")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"read 1 row from {file} (CSV, comma-separated, UTF-8; long layout)",
                                        "1 coding of 1 response: 1 added for alice, 0 already there",
                                        f"the wrong file? undo (u) in `coder code {codebook_project} --coder alice` "
                                        "takes this import back as one step"]


def test_import_the_demo_corpus_and_gold_coding(codebook_project):
    assert run_cli("import", codebook_project, DEMO_CORPUS).returncode == 0
    done = run_cli("import-codes", codebook_project, DEMO_REFERENCE, "--coder", "gold")
    assert done.returncode == 0, done.stderr
    assert "340 codings of 187 responses: 340 added for gold" in done.stdout
    assert len(imported(codebook_project)) == 371


def test_import_codes_refuses_two_rows_of_one_id_and_follows_row_numbers(codebook_project, tmp_path):
    # Respondent 7 answered twice. `coder import --on-duplicate skip` keeps the first answer; the
    # coding file must not pour the second answer's codes onto it.
    answers = write_csv(tmp_path / "answers.csv", [["respondent", "answer", "Code 1"],
                                                   ["7", "too many cases", "caseload"],
                                                   ["8", "forms all day", "paperwork"],
                                                   ["7", "we need more staff", "staffing"]])
    assert run_cli("import", codebook_project, answers, "--id-col", "respondent",
                   "--on-duplicate", "skip").returncode == 0
    before = file_digest(codebook_project)
    done = run_cli("import-codes", codebook_project, answers, "--coder", "lead")
    assert done.returncode == 1
    assert done.stderr == (f"coder: error: {answers}, column 'respondent': duplicate ids: 1 id repeats in the "
                           "file, first: 7 (lines 2 and 4) (the columns layout has one line per response: "
                           "give each its own id, use --id-col @row if the responses were imported with "
                           "`coder import --id-col @row`, or --format long for one code per line)\n")
    assert file_digest(codebook_project) == before
    # Responses numbered by row take their codes by row number, each answer its own.
    numbered = tmp_path / "numbered.coder"
    assert run_cli("init", numbered, "--codebook", CODEBOOK).returncode == 0
    assert run_cli("import", numbered, answers, "--id-col", "@row").returncode == 0
    done = run_cli("import-codes", numbered, answers, "--coder", "lead", "--id-col", "@row")
    assert done.returncode == 0, done.stderr
    assert codings_of(numbered, "lead") == {("1", "caseload", "imported"), ("2", "paperwork", "imported"),
                                            ("3", "staffing", "imported")}


def test_an_import_is_one_event_in_the_projects_history(codebook_project, tmp_path):
    """Every change is in the append-only history: an import of 200,000 responses left none."""
    from coder.store import open_project
    from coder.store.events import list_events

    first = write_csv(tmp_path / "a.csv", [["id", "text"], ["r1", "one"], ["r2", "two"]])
    assert run_cli("import", codebook_project, first, "--coder", "dana").returncode == 0
    again = write_csv(tmp_path / "b.csv", [["id", "text"], ["r2", "two, revised"], ["r3", "three"]])
    assert run_cli("import", codebook_project, again, "--on-duplicate", "replace", "--coder", "dana").returncode == 0
    conn = open_project(codebook_project, readonly=True)
    events = [e for e in list_events(conn) if e.action == "responses.import"]
    conn.close()
    assert [(e.coder, e.target, e.data["imported"], e.data["replaced"], e.data["skipped"], e.data["positions"])
            for e in events] == [("dana", "a.csv", 2, 0, 0, [0, 2]), ("dana", "b.csv", 1, 1, 0, [2, 4])]   # (a replaced row keeps its place)


def test_json_lines_nan_and_infinity_are_stored_as_valid_json(project_path, tmp_path):
    """`{"x": NaN}` was stored bare: not JSON, so SQLite's JSON functions failed on the project."""
    import sqlite3

    file = tmp_path / "a.jsonl"
    file.write_text('{"id": "a", "text": "Too many cases here.", "x": NaN, "y": [1, -Infinity]}\n'
                    '{"id": "b", "text": "Not enough staff.", "x": 1e400}\n', encoding="utf-8")
    done = run_cli("import", project_path, file)
    assert done.returncode == 0, done.stderr
    assert imported(project_path) == {"a": ("Too many cases here.", {"x": "NaN", "y": [1, "-Infinity"]}),
                                      "b": ("Not enough staff.", {"x": "Infinity"})}
    conn = sqlite3.connect(project_path)
    assert conn.execute("SELECT json_extract(attributes, '$.x') FROM responses ORDER BY position").fetchall() == [
        ("NaN",), ("Infinity",)]
    conn.close()
    assert run_cli("check", project_path).returncode == 0


SURVEYMONKEY = [
    ["Respondent ID", "Collector ID", "Start Date", "What is your role?", "", "What makes your workload hard?"],
    ["", "", "", "Social worker", "Manager", "Open-Ended Response"],
    ["114378960771", "430214321", "06/03/2024 09:12:55 AM", "Social worker", "", "Too many cases, not enough staff."],
    ["114378960772", "430214321", "06/03/2024 10:12:55 AM", "", "Manager", ""],
    ["114378960773", "430214321", "06/04/2024 10:12:55 AM", "", "Manager", "Budget cuts and a slow IT system."]]


def test_a_surveymonkey_second_header_row_names_the_columns_and_is_not_a_response(project_path, tmp_path):
    """SurveyMonkey's row of answer labels stopped the import (the header is blank over a question's
    second column); named, it was an empty id, and with --id-col @row response 1 was its label."""
    file = write_csv(tmp_path / "sm.csv", SURVEYMONKEY)
    done = run_cli("import", project_path, file)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"read 3 rows from {file} (CSV, comma-separated, UTF-8; a second header row under the header skipped "
        "('Social worker', 'Manager', 'Open-Ended Response'); its labels complete 2 column names)",
        "id: Respondent ID, text: What makes your workload hard?, attributes: Collector ID, Start Date, "
        "What is your role? - Social worker, What is your role? - Manager"]
    assert imported(project_path)["114378960771"] == (
        "Too many cases, not enough staff.", {"Collector ID": "430214321", "Start Date": "06/03/2024 09:12:55 AM",
                                              "What is your role? - Social worker": "Social worker"})
    numbered = tmp_path / "numbered.coder"
    assert run_cli("init", numbered).returncode == 0
    done = run_cli("import", numbered, file, "--id-col", "@row")
    assert done.returncode == 0, done.stderr
    assert {rid: text for rid, (text, _) in imported(numbered).items()} == {   # row 2, empty, is skipped
        "1": "Too many cases, not enough staff.", "3": "Budget cuts and a slow IT system."}


def test_an_old_qualtrics_row_of_question_texts_is_not_a_response(project_path, tmp_path):
    """Under V1, V2 ... an old Qualtrics export has the question texts: they were response 'ResponseID'."""
    file = write_csv(tmp_path / "q.csv", [
        ["V1", "V7", "V8", "Q1"],
        ["ResponseID", "Status", "StartDate", "What makes your workload hard?"],
        ["R_1abc", "0", "2016-03-06 09:12:55", "Too many cases and not enough staff."],
        ["R_2abc", "0", "2016-03-06 10:12:55", "Budget cuts and slow IT."]])
    done = run_cli("import", project_path, file, "--id-col", "V1", "--text-col", "Q1")
    assert done.returncode == 0, done.stderr
    assert "a second header row under the header skipped ('ResponseID', 'Status', 'StartDate' ...)" in done.stdout
    assert list(imported(project_path)) == ["R_1abc", "R_2abc"]


def test_a_google_forms_timestamp_is_not_taken_for_the_text(project_path, tmp_path):
    """A Timestamp column (2024/03/06 9:12:55 AM GMT+1) was a second free-text column, so the import
    stopped asking which column is the text."""
    file = write_csv(tmp_path / "g.csv", [["Timestamp", "What makes your workload hard?", "Anything else?"]] + [
        [f"2024/03/0{day} 9:12:55 AM GMT+1", "Too many cases and not enough staff to cover them.", "no"]
        for day in range(1, 6)])
    done = run_cli("import", project_path, file, "--id-col", "@row")
    assert done.returncode == 0, done.stderr
    assert "id: @row, text: What makes your workload hard?, attributes: Timestamp, Anything else?" in done.stdout
