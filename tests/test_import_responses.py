"""`coder import` through the library: every format, column choice, encodings, duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_files import DATA, ROWS, fails_untouched, imported, write_csv, write_xlsx

from coder.errors import InputError
from coder.importers.responses import check_responses, write_responses
from coder.store import open_project


def run_import(project: Path, file: Path, **options):
    conn = open_project(project)
    try:
        plan = check_responses(conn, file, **options)
        return write_responses(conn, plan)
    finally:
        conn.close()


EXPECTED = {"R1": ("Too many cases and not enough staff to cover them", {"setting": "adults"}),
            "R2": ("Paperwork takes all of my time these days", {"setting": "children"}),
            "R3": ("Good supervision keeps me going", {"setting": "adults"})}


@pytest.mark.parametrize("delimiter,suffix", [(",", ".csv"), (";", ".csv"), ("\t", ".csv"),
                                              ("\t", ".tsv")])
def test_delimited_files_are_sniffed_and_imported(project_path, tmp_path, delimiter, suffix):
    file = write_csv(tmp_path / f"answers{suffix}", delimiter=delimiter)
    summary = run_import(project_path, file)
    assert imported(project_path) == EXPECTED
    assert (summary.id_column, summary.text_column) == ("respondent_id", "comment")
    assert (summary.rows_read, summary.imported, summary.attributes) == (3, 3, ("setting",))


def test_semicolon_file_with_commas_in_the_text(project_path, tmp_path):
    rows = [["id", "region", "answer"], ["1", "North", "Cases, cases, and more cases"],
            ["2", "South", "Admin; forms, and more forms"]]
    run_import(project_path, write_csv(tmp_path / "a.csv", rows, delimiter=";"))
    assert imported(project_path)["1"] == ("Cases, cases, and more cases", {"region": "North"})


@pytest.mark.parametrize("encoding,described", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                                ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")])
def test_encodings_are_detected(project_path, tmp_path, encoding, described):
    rows = [["id", "comment"], ["é1", "Café staff say “we’re stretched” – £5 cuts"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows, encoding=encoding))
    assert imported(project_path) == {"é1": ("Café staff say “we’re stretched” – £5 cuts", {})}
    assert summary.description.endswith(described)


def test_a_forced_encoding_is_used(project_path, tmp_path):
    rows = [["id", "comment"], ["1", "Ça va, naïve"]]
    run_import(project_path, write_csv(tmp_path / "a.csv", rows, encoding="latin-1"),
               encoding="latin-1")
    assert imported(project_path)["1"][0] == "Ça va, naïve"


def test_xlsx_keeps_numbers_and_writes_dates_as_iso(project_path, tmp_path):
    import datetime as dt
    rows = [["ID", "Comment", "age", "score", "interviewed", "note"],
            [7, "Too much paperwork", 34, 2.5, dt.datetime(2024, 3, 5), None],
            [8, "Not enough time for families", 51, 3.0, dt.datetime(2024, 3, 6, 14, 30), "late"]]
    summary = run_import(project_path, write_xlsx(tmp_path / "a.xlsx", rows))
    assert imported(project_path) == {
        "7": ("Too much paperwork", {"age": 34, "score": 2.5, "interviewed": "2024-03-05"}),
        "8": ("Not enough time for families",
              {"age": 51, "score": 3, "interviewed": "2024-03-06T14:30:00", "note": "late"})}
    assert summary.description == "XLSX, sheet 'answers'"


@pytest.mark.parametrize("sheet", ["second", "2"])
def test_xlsx_sheet_by_name_or_number(project_path, tmp_path, sheet):
    file = write_xlsx(tmp_path / "a.xlsx", [["x"], [1]], sheets={"second": ROWS})
    run_import(project_path, file, sheet=sheet)
    assert imported(project_path) == EXPECTED


def test_xlsx_unknown_sheet_lists_the_sheets(project_path, tmp_path):
    file = write_xlsx(tmp_path / "a.xlsx", sheets={"second": ROWS})
    with pytest.raises(InputError, match=r"no sheet 'third'; sheets are: 'answers', 'second'"):
        run_import(project_path, file, sheet="third")


def test_xls_legacy_workbook(project_path):
    # tests/data/import_responses.xls was written once with xlwt (not a dependency).
    summary = run_import(project_path, DATA / "import_responses.xls")
    assert imported(project_path) == {
        "101": ("Too many cases to hold safely", {"age": 34, "interviewed": "2024-03-05"}),
        "102": ("Supervision helps me cope", {"age": 51.5})}
    assert summary.skipped_empty == 1


def test_jsonl_keys_are_columns_and_values_keep_their_types(project_path, tmp_path):
    file = tmp_path / "a.jsonl"
    lines = [{"id": "a", "text": "Stressed every day", "year": 2014, "tags": ["x"]},
             {"id": "b", "text": "Love the team", "year": 2016, "extra": True}]
    file.write_text("\n".join(json.dumps(o) for o in lines) + "\n\n", encoding="utf-8")
    run_import(project_path, file)
    assert imported(project_path) == {"a": ("Stressed every day", {"year": 2014, "tags": ["x"]}),
                                      "b": ("Love the team", {"year": 2016, "extra": True})}


def test_txt_one_response_per_non_empty_line_ids_are_line_numbers(project_path, tmp_path):
    file = tmp_path / "a.txt"
    file.write_text("First answer\n\n   \nSecond answer\r\nThird\n", encoding="utf-8")
    summary = run_import(project_path, file)
    assert imported(project_path) == {"1": ("First answer", {}), "4": ("Second answer", {}),
                                      "5": ("Third", {})}
    assert summary.skipped_empty == 0


def test_free_text_column_is_found_when_no_name_says_so(project_path, tmp_path):
    rows = [["caseid", "region", "what they said"],
            ["1", "North", "There are far too many cases on my list to manage"],
            ["2", "South", "Supervision is rare and rushed when it happens at all"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    assert summary.text_column == "what they said"


def test_ambiguous_columns_stop_with_the_column_list(project_path, tmp_path):
    rows = [["id", "respondent", "comment"], ["1", "a", "x y z"]]
    with pytest.raises(InputError, match=r"several columns look like ids \(id, respondent\); "
                                         r"columns are: 'id', 'respondent', 'comment'"):
        run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    rows = [["key", "comment"], ["1", "x y z"]]
    with pytest.raises(InputError, match=r"no column looks like an id.*--id-col @row"):
        run_import(project_path, write_csv(tmp_path / "b.csv", rows))


def test_given_columns_and_row_numbers_with_a_prefix(project_path, tmp_path):
    rows = [["caseID", "verbatim"], ["1", "first"], ["1", "  "], ["3", "third"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows), id_col="@row",
                         text_col="verbatim", id_prefix="train-")
    # Row numbers count every data row, so a file aligned by row still matches.
    assert imported(project_path) == {"train-1": ("first", {"caseID": "1"}),
                                      "train-3": ("third", {"caseID": "3"})}
    assert (summary.rows_read, summary.imported, summary.skipped_empty) == (3, 2, 1)


def test_a_workbook_under_the_other_extension_is_read_as_what_it_is(project_path, tmp_path):
    """Excel opens an .xlsx renamed .xls by what it holds; so does coder."""
    renamed = tmp_path / "answers.xls"
    write_xlsx(tmp_path / "answers.xlsx").rename(renamed)
    summary = run_import(project_path, renamed)
    assert imported(project_path) == EXPECTED
    assert summary.description.startswith("XLSX")


def test_an_answer_of_invisible_characters_only_is_empty(project_path, tmp_path):
    rows = [["id", "text"], ["1", "\u200b"], ["2", " \ufeff\u00ad "], ["3", "real\u200b words"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    assert list(imported(project_path)) == ["3"]
    assert summary.skipped_empty == 2


def test_empty_cells_are_left_out_of_attributes(project_path, tmp_path):
    rows = [["id", "role", "comment"], ["1", "", "some text"]]
    run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    assert imported(project_path)["1"] == ("some text", {})


def test_duplicates_skip_keeps_the_first_and_the_project_response(project_path, tmp_path):
    run_import(project_path, write_csv(tmp_path / "a.csv", [["id", "text"], ["1", "old one"]]))
    rows = [["id", "text"], ["1", "new one"], ["2", "first two"], ["2", "second two"]]
    summary = run_import(project_path, write_csv(tmp_path / "b.csv", rows), on_duplicate="skip")
    assert imported(project_path) == {"1": ("old one", {}), "2": ("first two", {})}
    assert (summary.imported, summary.skipped_duplicate, summary.repeated) == (1, 1, 1)


def test_duplicates_replace_keeps_the_last_and_the_position(project_path, tmp_path):
    run_import(project_path, write_csv(tmp_path / "a.csv", [["id", "text"], ["1", "old"],
                                                            ["9", "other"]]))
    rows = [["id", "text"], ["1", "new one"], ["2", "first two"], ["2", "second two"]]
    summary = run_import(project_path, write_csv(tmp_path / "b.csv", rows),
                         on_duplicate="replace")
    assert list(imported(project_path).items()) == [
        ("1", ("new one", {})), ("9", ("other", {})), ("2", ("second two", {}))]
    assert (summary.imported, summary.replaced, summary.repeated) == (1, 1, 1)


def test_a_large_cell_imports(project_path, tmp_path):
    big = "word " * (1024 * 1024)   # 5 MB in one cell
    run_import(project_path, write_csv(tmp_path / "a.csv", [["id", "text"], ["1", big]]))
    assert imported(project_path)["1"][0] == big


QUALTRICS = [["StartDate", "ResponseId", "Q1", "Q2_TEXT"],
             ["Start Date", "Response ID", "What is your setting?", "Please describe your workload"],
             ['{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"_recordId"}',
              '{"ImportId":"QID1"}', '{"ImportId":"QID2_TEXT"}'],
             ["2024-03-05 14:30:00", "R_1a", "adults", "My caseload is huge and I work late."],
             ["2024-03-06 09:00:00", "R_2b", "children", "Not enough staff; sickness everywhere."]]


@pytest.mark.parametrize("write, name", [(write_csv, "survey.csv"), (write_xlsx, "survey.xlsx")])
def test_a_qualtrics_exports_question_and_import_id_rows_are_not_responses(project_path, tmp_path, write, name):
    summary = run_import(project_path, write(tmp_path / name, QUALTRICS), id_col="ResponseId", text_col="Q2_TEXT")
    assert list(imported(project_path)) == ["R_1a", "R_2b"]
    assert summary.rows_read == 2
    assert summary.description.endswith("a Qualtrics export: its 2 rows of question texts and import ids "
                                        "under the header skipped")
    summary = run_import(project_path, write(tmp_path / f"n{name}", QUALTRICS), id_col="@row", text_col="Q2_TEXT",
                         id_prefix="n")
    assert list(imported(project_path))[2:] == ["n1", "n2"]   # @row counts responses, not the extra rows


# Sparse, as real exports are (questions skipped, metadata missing), and with ids that hold no digit:
# the rows under the question texts showed no pattern they broke, so the texts became a response.
SPARSE_QUALTRICS = {
    "own ids": [["id", "setting", "Q2_TEXT"],            # embedded data: its names come again verbatim
                ["id", "setting", "Please describe your workload"],
                ["alpha", "", "My caseload is huge and I work late."],
                ["beta", "adults", ""],
                ["gamma", "", "Not enough staff; sickness everywhere."]],
    "Qualtrics ids": [["ResponseId", "Q1", "Q2_TEXT"],
                      ["Response ID", "What is your setting?", "Please describe your workload"],
                      ["R_abcDEFghiJKLmno", "", "My caseload is huge and I work late."],
                      ["R_pqrSTUvwxYZabcd", "adults", ""],
                      ["R_efgHIJklmNOPqrs", "", "Not enough staff; sickness everywhere."]],
    "old Qualtrics": [["V1", "V7", "V8", "Q1"],
                      ["ResponseID", "Status", "StartDate", "Please describe your workload"],
                      ["R_abcDEFghiJKLmno", "0", "2016-03-06 09:12:55", "My caseload is huge and I work late."],
                      ["R_pqrSTUvwxYZabcd", "", "", ""],
                      ["R_efgHIJklmNOPqrs", "0", "", "Not enough staff; sickness everywhere."]],
}


@pytest.mark.parametrize("write, name", [(write_csv, "survey.csv"), (write_xlsx, "survey.xlsx")])
@pytest.mark.parametrize("export", SPARSE_QUALTRICS)
def test_a_sparse_exports_row_of_question_texts_is_not_a_response(project_path, tmp_path, write, name, export):
    rows = SPARSE_QUALTRICS[export]
    summary = run_import(project_path, write(tmp_path / name, rows), id_col=rows[0][0], text_col=rows[0][-1])
    assert list(imported(project_path)) == [row[0] for row in rows[2:] if row[-1]]
    assert summary.rows_read == 3
    assert summary.description.endswith(f"a second header row under the header skipped ({rows[1][0]!r}, "
                                        f"{rows[1][1]!r}, {rows[1][2]!r}{' ...' if len(rows[1]) > 3 else ''})")


@pytest.mark.parametrize("rows", [
    [["id", "comment"], ["alpha", "Comment: too many forms"], ["beta", "Not enough staff"]],   # a name, once
    [["id", "text"], ["Text", "Text messages all day"], ["beta", "Not enough staff"]],        # an id, not the name
    [["id", "age", "score", "comment"], ["anon", "unknown", "n/a", "Too many cases"],
     ["bea", "34", "2", "Paperwork all day"], ["cal", "51", "3", "Not enough staff"]],
    [["V1", "V2", "comment"], ["alpha", "Yes", "Too many cases"], ["beta", "No", "Paperwork"]],   # SPSS names
])
def test_a_first_response_under_the_header_is_kept_whatever_its_words(project_path, tmp_path, rows):
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows), id_col=rows[0][0], text_col=rows[0][-1])
    assert list(imported(project_path)) == [row[0] for row in rows[1:]]
    assert summary.description == "CSV, comma-separated, UTF-8"


def test_a_cell_that_mentions_an_import_id_does_not_drop_rows(project_path, tmp_path):
    rows = [["id", "comment"], ["1", '{"ImportId": is what Qualtrics calls it'], ["2", "more work"]]
    run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    assert list(imported(project_path)) == ["1", "2"]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_txt_of_tab_separated_columns_is_read_as_the_table_excel_saved(project_path, tmp_path, encoding):
    """Excel's "Unicode Text" (UTF-16, tabs, .txt) was read as one response per line: the header
    and each line of a multi-line answer became responses."""
    rows = [ROWS[0], ["R1", "adults", "Too many cases\nand not enough staff"], *ROWS[2:]]
    summary = run_import(project_path, write_csv(tmp_path / "answers.txt", rows, delimiter="\t", encoding=encoding))
    assert imported(project_path)["R1"] == ("Too many cases\nand not enough staff", {"setting": "adults"})
    assert summary.rows_read == 3 and "tab-separated" in summary.description


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_title_line_above_the_header_is_skipped_and_named(project_path, tmp_path, delimiter):
    """A title line above the header made it the only column; --id-col @row then imported the header."""
    file = tmp_path / "a.csv"
    file.write_text(f"Staff survey 2024{delimiter}{delimiter}\n\n" + "".join(
        delimiter.join(row) + "\n" for row in ROWS), encoding="utf-8")
    summary = run_import(project_path, file)
    assert imported(project_path) == EXPECTED
    assert summary.description.endswith("1 row above the header skipped ('Staff survey 2024')")


def test_a_workbooks_title_and_blank_rows_above_the_header_are_skipped(project_path, tmp_path):
    summary = run_import(project_path, write_xlsx(tmp_path / "a.xlsx", [["Staff survey 2024"], [], *ROWS]))
    assert imported(project_path) == EXPECTED
    assert summary.description.endswith("2 rows above the header skipped ('Staff survey 2024')")


def test_every_title_row_skipped_is_quoted_and_long_ones_cut_at_a_word(project_path, tmp_path):
    """Only the first was quoted, cut mid-word with a trailing space: ('Inpatient Experience Survey 2024 - Free ')."""
    titles = [["Inpatient Experience Survey 2024 - Free text comments on the ward"], ["Exported 2024-05-01"], []]
    summary = run_import(project_path, write_xlsx(tmp_path / "a.xlsx", [*titles, *ROWS]))
    assert imported(project_path) == EXPECTED
    assert summary.description.endswith(
        "3 rows above the header skipped ('Inpatient Experience Survey 2024 - Free…', 'Exported 2024-05-01')")


def test_a_one_column_sheet_with_a_stray_cell_is_not_taken_for_a_title(project_path, tmp_path):
    file = write_xlsx(tmp_path / "a.xlsx", [["comment"], ["Too many cases", "x"], ["Paperwork"], ["Supervision"]])
    fails_untouched(project_path, lambda: run_import(project_path, file), "row 2.*no header")


def test_a_surveymonkey_workbooks_last_question_of_several_columns_keeps_them(project_path, tmp_path):
    """The header's blank cells over the last question's later columns are at its end: they are named
    by the second header row, not cut off."""
    rows = [["Respondent ID", "Start Date", "Comment", "Which apply?", None],
            [None, None, "Open-Ended Response", "Caseload", "Paperwork"],
            [101, "2024-03-06 09:12:55", "Too many cases", "Caseload", None],
            [102, "2024-03-06 10:12:55", "Forms, forms, forms", None, "Paperwork"]]
    summary = run_import(project_path, write_xlsx(tmp_path / "sm.xlsx", rows), text_col="Comment")
    assert imported(project_path) == {"101": ("Too many cases", {"Start Date": "2024-03-06 09:12:55",
                                                                 "Which apply? - Caseload": "Caseload"}),
                                      "102": ("Forms, forms, forms", {"Start Date": "2024-03-06 10:12:55",
                                                                      "Which apply? - Paperwork": "Paperwork"})}
    assert summary.description.endswith("its labels complete 2 column names")


@pytest.mark.parametrize("first", [["7", "", "n/a", "Too many cases"],            # an id, then odd cells
                                   ["anon", "", "", "Too many cases"]])           # ids that are words
def test_a_first_response_that_merely_looks_odd_is_not_taken_for_a_second_header(project_path, tmp_path, first):
    ids = ["8", "9"] if first[0].isdigit() else ["bea", "cal"]
    rows = [["id", "age", "score", "comment"], first,
            [ids[0], "34", "2", "Paperwork all day"], [ids[1], "51", "3", "Not enough staff"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows))
    assert list(imported(project_path)) == [first[0], *ids]
    assert summary.description == "CSV, comma-separated, UTF-8"


def test_a_row_of_empty_cells_under_the_header_is_a_response_for_row_numbers(project_path, tmp_path):
    rows = [["id", "age", "comment"], ["", "", ""], ["8", "34", "Paperwork all day"], ["9", "51", "Not enough staff"]]
    summary = run_import(project_path, write_csv(tmp_path / "a.csv", rows), id_col="@row")
    assert list(imported(project_path)) == ["2", "3"]
    assert summary.skipped_empty == 1
