"""Bad input files for `coder import`: a one-line error naming the place, and the
project left byte-identical."""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path

import pytest
from helpers import file_digest
from hostile_files import password_protected_xlsx
from import_files import fails_untouched, write_csv, write_xlsx

from coder.errors import InputError
from coder.importers.background import in_background
from coder.importers.responses import check_responses, write_responses
from coder.store import open_project
from coder.store.responses import get_response


@pytest.fixture
def project(project_path, tmp_path):
    """A project that already holds responses R1 and R2."""
    conn = open_project(project_path)
    rows = [["id", "comment"], ["R1", "already here"], ["R2", "also here"]]
    write_responses(conn, check_responses(conn, write_csv(tmp_path / "first.csv", rows)))
    conn.close()
    return project_path


def fails(project: Path, file: Path, pattern: str, **options) -> str:
    """Import `file`, expect an InputError matching `pattern`; check the project is untouched."""
    def action():
        conn = open_project(project)
        try:
            write_responses(conn, check_responses(conn, file, **options))
        finally:
            conn.close()
    return fails_untouched(project, action, pattern)


def test_missing_file(project, tmp_path):
    fails(project, tmp_path / "nope.csv", r"nope\.csv: no such file")


def test_a_folder_is_named_as_one(project, tmp_path):
    (tmp_path / "answers").mkdir()
    fails(project, tmp_path / "answers", r"answers: that is a folder, not a file \(name a file in it\)")


def test_a_password_protected_workbook_says_so(project, tmp_path):
    message = fails(project, password_protected_xlsx(tmp_path / "locked.xlsx"),
                    r"locked\.xlsx: the workbook is password-protected \(encrypted\)")
    assert "remove the password" in message


def test_unknown_file_type(project, tmp_path):
    file = tmp_path / "a.docx"
    file.write_text("x")
    fails(project, file, r"unknown file type '\.docx'.*\.csv, \.tsv, \.xlsx")


def test_unknown_column(project, tmp_path):
    file = write_csv(tmp_path / "a.csv", [["id", "comment"], ["1", "x"]])
    fails(project, file, r"no column 'resp' \(given by --id-col\); columns are: 'id', 'comment'",
          id_col="resp")
    fails(project, file, r"no column 'txt' \(given by --text-col\)", text_col="txt")


def test_a_lone_column_of_labels_beside_the_id_is_not_taken_for_the_text(project, tmp_path):
    file = write_csv(tmp_path / "a.csv", [["respondent", "department"], ["R900", "IT"], ["R901", "HR"]])
    fails(project, file, r"no column looks like the text; columns are: 'respondent', 'department' "
                         r"\(give --text-col NAME\)")
    conn = open_project(project)   # a lone column of answers is
    answers = write_csv(tmp_path / "b.csv", [["respondent", "q7"], ["R900", "Too many forms to fill in every day"]])
    plan = check_responses(conn, answers)
    conn.close()
    assert (plan.id_column, plan.text_column) == ("respondent", "q7")


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", "", "nothing to import: the file holds no rows of responses"),
    ("blank.txt", "\n  \n\n", "nothing to import: the file holds no rows of responses"),
    ("header.csv", "id,comment\n", "nothing to import: the file holds no rows of responses"),
    ("blank.csv", "id,comment\n1,\n2,  \n", r"column 'comment'.*nothing to import: the text of every row is "
                                            r"empty \(2 rows\) \(give --text-col NAME"),
])
def test_a_file_without_one_response_is_refused(project, tmp_path, name, content, message):
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    fails(project, file, message)


def test_no_text_column(project, tmp_path):
    file = write_csv(tmp_path / "a.csv", [["id", "region", "role"], ["1", "North", "manager"]])
    fails(project, file, r"no column looks like the text; columns are: 'id', 'region', 'role' "
                         r"\(give --text-col NAME\)")


def test_ragged_rows(project, tmp_path):
    file = tmp_path / "a.csv"
    file.write_text("id,region,comment\n1,North,fine\n2,South,too,many,cells\n", encoding="utf-8")
    fails(project, file, r"a\.csv, line 3: 5 cells where the header has 3 columns")


def test_a_forced_encoding_that_does_not_fit(project, tmp_path):
    file = write_csv(tmp_path / "a.csv", [["id", "comment"], ["1", "fine"], ["2", "café"]],
                     encoding="cp1252")
    message = fails(project, file, r"a\.csv, line 3: cannot be read as utf-8: byte 0xe9 is not "
                                   r"valid UTF-8 \(byte offset 25\)", encoding="utf-8")
    assert "--encoding cp1252" in message


def test_utf16_forced_on_a_file_without_its_byte_order_mark_is_one_line(project, tmp_path):
    """--encoding utf-16 on a UTF-8 file ended in a traceback ("UTF-16 stream does not start with BOM")."""
    message = fails(project, write_csv(tmp_path / "a.csv"), r"cannot be read as utf-16", encoding="utf-16")
    assert "reads as UTF-8: try --encoding utf-8" in message


def test_a_single_byte_encoding_forced_on_a_utf8_file_would_garble_it(project, tmp_path):
    """cp1252 on a UTF-8 file stored "niÃ±os" for "niños", and said nothing."""
    file = write_csv(tmp_path / "a.csv", [["id", "comment"], ["1", "Los niños"]])
    fails(project, file, r"the file is UTF-8, not cp1252.*leave --encoding out", encoding="cp1252")


def test_the_hint_names_an_encoding_the_file_reads_in_never_the_one_that_failed(project, tmp_path):
    utf16 = write_csv(tmp_path / "u.csv", [["id", "comment"], ["1", "niños"]], encoding="utf-16")
    assert "try --encoding utf-16" in fails(project, utf16, r"cannot be read as utf-8", encoding="utf-8")
    odd = tmp_path / "b.csv"
    odd.write_bytes(b"id,comment\n1,bad \x81 byte\n")     # no Windows-1252 character; Latin-1 reads it
    assert "try --encoding latin-1" in fails(project, odd, r"cannot be read as cp1252", encoding="cp1252")


def test_bytes_neither_utf8_nor_windows_1252(project, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(b"id,comment\n1,ok\n2,bad \x81 byte\n")
    fails(project, file, r"line 3: byte 0x81 is not valid UTF-8 \(byte offset 22\).*--encoding")


def test_unknown_encoding_name(project, tmp_path):
    fails(project, write_csv(tmp_path / "a.csv"), r"unknown encoding 'klingon'", encoding="klingon")


def test_nul_bytes(project, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(b"id,comment\n1,ok\n2,bad\x00text\n")
    fails(project, file, r"a\.csv, line 3: NUL byte in the text \(byte offset 21\)")


def test_utf16_without_bom_is_reported_as_nul_bytes(project, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes("id,comment\n1,ok\n".encode("utf-16-le"))
    fails(project, file, r"line 1: NUL byte.*UTF-16 without a byte-order mark")


def test_duplicate_ids_in_the_file(project, tmp_path):
    rows = [["id", "comment"], ["A", "x"], ["B", "y"], ["A", "z"], ["B", "w"], ["A", "v"]]
    fails(project, write_csv(tmp_path / "a.csv", rows),
          r"duplicate ids: 2 ids repeat in the file, first: A \(lines 2 and 4\), B \(lines 3 and 5\) "
          r"\(--on-duplicate skip")


def test_duplicate_ids_against_the_project(project, tmp_path):
    rows = [["id", "comment"], ["R2", "x"], ["R9", "y"], ["R1", "z"]]
    fails(project, write_csv(tmp_path / "a.csv", rows),
          r"2 ids are already in the project, e.g. R1, R2")


def test_empty_id(project, tmp_path):
    rows = [["id", "comment"], ["R7", "x"], [" ", "y"]]
    fails(project, write_csv(tmp_path / "a.csv", rows), r"line 3, column 'id': empty id")


def test_header_problems(project, tmp_path):
    fails(project, write_csv(tmp_path / "a.csv", [["id", "", "comment"], ["1", "", "x"]]),
          r"line 1: column 2 of the header has no name")
    fails(project, write_csv(tmp_path / "b.csv", [["id", "comment", "comment"]]),
          r"line 1: the header names column 'comment' twice")
    empty = tmp_path / "c.csv"
    empty.write_text("\n\n")
    fails(project, empty, r"the file is empty")


def test_bad_json_line(project, tmp_path):
    file = tmp_path / "a.jsonl"
    file.write_text('{"id": "1", "text": "fine"}\n{"id": "2", "text": oops}\n[1, 2]\n')
    fails(project, file, r"a\.jsonl, line 2: not valid JSON")
    file.write_text('{"id": "1", "text": "fine"}\n[1, 2]\n')
    fails(project, file, r"line 2: each line must be a JSON object")


def test_not_a_workbook(project, tmp_path):
    file = tmp_path / "a.xlsx"
    file.write_text("id,comment\n1,x\n")
    fails(project, file, r"a\.xlsx: not a readable XLSX workbook")


def test_a_workbook_whose_first_sheet_is_not_the_data_names_the_sheet_read_and_the_others(project, tmp_path):
    data = [["id", "comment"], ["W1", "too much paperwork"]]
    cover = write_xlsx(tmp_path / "cover.xlsx", [["About this survey"], ["Wave 3"]], sheets={"Data": data})
    fails(project, cover, r"cover\.xlsx, sheet 'answers': no column looks like an id; columns are: "
                          r"'About this survey' \(.*; the workbook also has 'Data': choose one with --sheet NAME\)$")
    blank = write_xlsx(tmp_path / "blank.xlsx", [], sheets={"Data": data, "Notes": [["n"]]})
    fails(project, blank, r"blank\.xlsx, sheet 'answers', row 1: the sheet is empty \(no header row\) "
                          r"\(the workbook also has 'Data', 'Notes': choose one with --sheet NAME\)")
    # A sheet asked for by name is not second-guessed.
    message = fails(project, cover, r"cover\.xlsx, sheet 'answers': no column 'x'", sheet="answers", id_col="x")
    assert "also has" not in message
    conn = open_project(project)
    write_responses(conn, check_responses(conn, cover, sheet="Data"))
    conn.close()


def test_a_text_that_is_a_formula_saved_without_its_value_is_named_not_skipped_as_empty(project, tmp_path):
    """openpyxl, like many scripts, saves a formula without computing it: the cell read as empty and
    its row was skipped as one "with empty text", saying nothing of why."""
    rows = [["id", "comment", "score"], ["F1", "workload is high", "=1+1"], ["F2", None, 3],
            ["F3", '=CONCAT("too much ", "paperwork")', 4], ["F4", "fine", 5]]
    file = write_xlsx(tmp_path / "formulas.xlsx", rows)
    fails(project, file, r"formulas\.xlsx, row 2, column 'score': a formula saved without its value "
                         r".*open the file in Excel or LibreOffice and save it")   # an attribute too
    rows[1][2] = 2
    file = write_xlsx(tmp_path / "formulas.xlsx", rows)
    fails(project, file, r"formulas\.xlsx, row 4, column 'comment': a formula saved without its value")
    # Saved with its value, as Excel and LibreOffice save one, the value is the text.
    with zipfile.ZipFile(file) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'(<c r="B4")(><f>[^<]*</f>)<v></v>', rb'\1 t="str"\2<v>too much paperwork</v>',
                            members[sheet])
    assert b"<v>too much paperwork</v>" in members[sheet]
    with zipfile.ZipFile(tmp_path / "saved.xlsx", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    conn = open_project(project)
    plan = check_responses(conn, tmp_path / "saved.xlsx")
    write_responses(conn, plan)
    assert plan.empty_text == 1 and get_response(conn, "F3").text == "too much paperwork"
    conn.close()


def test_unclosed_quote_with_a_huge_cell(project, tmp_path):
    # An unclosed quote swallows the rest of the file into one cell: the row count is wrong.
    file = tmp_path / "a.csv"
    file.write_text('id,comment\n1,"never closed\n2,more\n3,text\n', encoding="utf-8")
    fails(project, file, r"a\.csv, line 2: not readable as CSV \(unexpected end of data\)")


def test_a_file_changed_between_check_and_write_rolls_back(project, tmp_path):
    # Rows past the first chunk are parsed in a background thread during the write.
    rows = [["id", "comment"]] + [[f"N{i}", f"text {i}"] for i in range(25_000)]
    file = write_csv(tmp_path / "a.csv", rows)
    before = file_digest(project)
    conn = open_project(project)
    try:
        plan = check_responses(conn, file)
        with file.open("a", encoding="utf-8") as f:
            f.write("N9,late,ragged\n")
        with pytest.raises(InputError, match=r"line 25002: 3 cells where the header has 2"):
            write_responses(conn, plan)
    finally:
        conn.close()
    assert file_digest(project) == before


def test_background_reading_hands_over_items_and_errors():
    assert list(in_background(iter(range(100)), depth=2)) == list(range(100))

    def broken():
        yield 1
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        list(in_background(broken()))
    produced = []

    def endless():
        while True:
            produced.append(1)
            yield len(produced)

    reader = in_background(endless(), depth=2)
    assert next(reader) == 1
    reader.close()   # stops the producer thread and waits for it
    assert not any(t.name == "coder-import-reader" for t in threading.enumerate())
    assert len(produced) <= 5


@pytest.mark.parametrize("name, options", [("answers.csv", {}), ("answers.csv", {"encoding": "latin-1"}),
                                           ("answers.jsonl", {})])
def test_a_workbook_under_a_text_files_name_says_what_it_is(project, tmp_path, name, options):
    workbook = write_xlsx(tmp_path / "answers.xlsx", [["id", "comment"], ["R9", "too many cases"]])
    file = tmp_path / name
    file.write_bytes(workbook.read_bytes())
    fails(project, file, r"answers\.\w+: this is a zip archive \(an Excel \.xlsx workbook.*name it \.xlsx", **options)


def test_a_pdf_under_a_text_files_name_says_what_it_is(project, tmp_path):
    file = tmp_path / "answers.csv"
    file.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    fails(project, file, r"answers\.csv: this is a PDF, not text \(export the answers .* as CSV or XLSX\)")


def test_a_bad_json_line_is_named_once(project, tmp_path):
    file = tmp_path / "answers.jsonl"
    file.write_text('{"id": "R9", "comment": "fine"}\n{"id": "R10", "comment": "tab\tinside"}\n')
    message = fails(project, file, r"answers\.jsonl, line 2: not valid JSON: Invalid control character at character")
    assert " at at " not in message


@pytest.mark.parametrize("data", [b"PK\x03\x04", b"PK\x03\x04" + bytes(range(200)),
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)],
                         ids=["zip signature only", "zip signature and junk", "OLE header and zeros"])
def test_a_damaged_xls_is_one_line(project, tmp_path, data):
    """A zip or an OLE file that xlrd cannot read (it raised zipfile's and its own CompDocError)."""
    file = tmp_path / "answers.xls"
    file.write_bytes(data)
    fails(project, file, r"answers\.xls: not a readable XLS workbook")


def test_ids_excel_shortened_into_one_say_so(project, tmp_path):
    """Long numeric ids saved by Excel as 1.23457E+15 collide; 'skip' then imported 1 row of 50."""
    file = write_csv(tmp_path / "a.csv", [["id", "comment"], ["1.23457E+15", "one"], ["1.23457E+15", "two"]])
    message = fails(project, file, r"duplicate ids: 1 id repeats in the file")
    assert "long numbers Excel shortened" in message and "format the id column as text" in message


def test_forced_encodings_that_read_without_an_error_but_cannot_be_right(project, tmp_path):
    """Latin-1 took Windows-1252's curly quotes and € as control characters, and utf-16-le read a
    UTF-8 file as Chinese-looking characters, both with exit 0."""
    windows = tmp_path / "w.csv"
    windows.write_bytes(b"id,comment\n1,\x93Too many cases\x94 \x96 \x805\n")
    fails(project, windows, r"the file is Windows-1252, not latin-1: .*--encoding cp1252", encoding="latin-1")
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes(b"id,comment\n1,Too many cases her\n")     # an even number of bytes: UTF-16 reads it
    fails(project, utf8, r"the file is UTF-8, not utf-16-le", encoding="utf-16-le")


def test_utf8_forced_on_a_file_with_a_byte_order_mark_reads_the_first_column_whole(project, tmp_path):
    file = tmp_path / "b.csv"
    file.write_bytes(b"\xef\xbb\xbfid,comment\nB1,fine\n")
    conn = open_project(project)
    try:
        assert check_responses(conn, file, encoding="utf-8").id_column == "id"   # not "\ufeffid"
    finally:
        conn.close()


def test_a_ragged_tab_separated_txt_is_an_error_not_a_file_of_lines(project, tmp_path):
    file = tmp_path / "r.txt"
    file.write_text("respondent\tcomment\tsetting\n1\tToo many\tadults\n2\tfine\n3\tForms\tkids\n", encoding="utf-16")
    fails(project, file, r"r\.txt, line 3: 2 cells where the header has 3 columns")


def test_a_header_whose_first_column_has_no_name_is_not_taken_for_a_title(project, tmp_path):
    """pandas' index column (",text") made the first answer the header; then it was refused outright."""
    file = tmp_path / "p.csv"
    file.write_text(",text\n0,I am tired\n1,Too many cases\n", encoding="utf-8")
    fails(project, file, r"no column looks like an id; columns are: 'row_names', 'text'")
    conn = open_project(project)
    try:
        write_responses(conn, check_responses(conn, file, id_col="row_names"))
        texts = dict(conn.execute("SELECT id, text FROM responses WHERE id IN ('0', '1')").fetchall())
    finally:
        conn.close()
    assert texts == {"0": "I am tired", "1": "Too many cases"}
