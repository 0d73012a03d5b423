"""Hostile and broken workbooks for `coder import`: zip bombs, lying zip headers and
junk XML end in one line naming the file, the member and the limit; the project
stays as it was."""

from __future__ import annotations

import zipfile

import pytest
from helpers import file_digest, run_cli
from hostile_files import (SHARED_STRINGS, SHEET, inline_sheet, set_declared_size,
                           shared_strings_bomb, xlsx_with)
from import_files import imported


def refused(project, file, pattern_parts, *options):
    """Run `coder import`; it fails with one line holding every part; the project is unchanged."""
    before = file_digest(project)
    result = run_cli("import", project, file, *options)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for part in pattern_parts:
        assert part in lines[0], lines[0]
    assert file_digest(project) == before
    return lines[0]


def test_a_shared_strings_bomb_is_refused_by_its_ratio(project_path, tmp_path):
    bomb = shared_strings_bomb(tmp_path, 20)
    assert bomb.stat().st_size < 200_000
    line = refused(project_path, bomb, [str(bomb), SHARED_STRINGS, "over the limit of 100 times",
                                        "--max-unzip-mb"])
    assert "Traceback" not in line


def test_the_limit_a_message_suggests_lets_the_whole_file_through(project_path, tmp_path):
    """The ratio check failed on a 20 MB part and suggested 128, under which a larger part failed next."""
    file = set_declared_size(shared_strings_bomb(tmp_path, 20), SHEET, 300 * 1024 * 1024)
    line = refused(project_path, file, ["over the limit of 100 times", "--max-unzip-mb 301"])
    assert "Traceback" not in line


def test_pictures_and_embedded_files_are_not_held_to_the_limits(project_path, tmp_path):
    """openpyxl never opens them, so a large picture is no reason to refuse a workbook."""
    file = set_declared_size(xlsx_with(tmp_path, "pictures.xlsx", {"xl/media/image1.png": b"x" * 1000}),
                             "xl/media/image1.png", 2_000_000_000)
    result = run_cli("import", project_path, file)
    assert result.returncode == 0, result.stderr
    assert len(imported(project_path)) == 3


def test_a_declared_size_over_the_limit_is_refused_before_reading(project_path, tmp_path):
    file = xlsx_with(tmp_path, "big.xlsx", {SHARED_STRINGS: b"<sst/>"})
    set_declared_size(file, SHARED_STRINGS, 2_000_000_000)
    refused(project_path, file, [SHARED_STRINGS, "expands to 1,907 MB", "limit of 128 MB",
                                 "--max-unzip-mb 1908"])


def test_a_sheet_may_expand_further_than_a_part_read_whole(project_path, tmp_path):
    file = set_declared_size(xlsx_with(tmp_path, "sheet.xlsx", {}), SHEET, 2_000_000_000)
    refused(project_path, file, [SHEET, "limit of 1,024 MB"])


def test_a_member_expanding_past_its_declared_size_is_an_error(project_path, tmp_path):
    # zipfile stops at the declared size, so the lie shows as a damaged member
    file = set_declared_size(xlsx_with(tmp_path, "lie.xlsx", {SHEET: inline_sheet(6000, 200)}),
                             SHEET, 1000)
    refused(project_path, file, [str(file), "not a readable XLSX workbook"])


@pytest.mark.slow
def test_a_large_repetitive_sheet_as_spreadsheets_write_it_is_read(project_path, tmp_path):
    file = xlsx_with(tmp_path, "repetitive.xlsx", {SHEET: inline_sheet(30_000, 40)})  # 23 MB, 60x
    result = run_cli("import", project_path, file)
    assert result.returncode == 0, result.stderr
    assert len(imported(project_path)) == 30_000


@pytest.mark.slow
def test_raising_the_limit_lets_a_genuine_large_part_through(project_path, tmp_path):
    file = xlsx_with(tmp_path, "repetitive.xlsx", {SHEET: inline_sheet(6000, 200)})  # 20 MB, 160x
    refused(project_path, file, [SHEET, "expands 1"])
    result = run_cli("import", project_path, file, "--max-unzip-mb", "100")
    assert result.returncode == 0, result.stderr
    assert len(imported(project_path)) == 6000


def test_a_member_in_another_compression_method_is_refused(project_path, tmp_path):
    file = xlsx_with(tmp_path, "bzip.xlsx", {SHARED_STRINGS: b"<sst/>"},
                     compress_type=zipfile.ZIP_BZIP2)
    refused(project_path, file, ["compression method 12", "only stored or deflated"])


def test_junk_xml_in_the_workbook_part_is_one_line(project_path, tmp_path):
    file = xlsx_with(tmp_path, "junk.xlsx", {"xl/workbook.xml": b"<workbook><sheets><sheet"})
    refused(project_path, file, [str(file), "not a readable XLSX workbook"])


def test_junk_xml_in_the_sheet_is_one_line(project_path, tmp_path):
    file = xlsx_with(tmp_path, "junk-sheet.xlsx", {SHEET: b"<worksheet><sheetData><row><c r="})
    refused(project_path, file, [str(file), "not a readable XLSX workbook"])


def test_a_zip_of_junk_is_one_line(project_path, tmp_path):
    file = tmp_path / "junk.xlsx"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    refused(project_path, file, [str(file), "not a readable XLSX workbook"])
