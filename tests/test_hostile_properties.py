"""Property tests: whatever bytes or text a CSV, XLSX, JSON Lines or YAML codebook
file holds (random bytes, deep nesting, huge fields, control characters, RTL text
and emoji, mixed line endings), reading it ends in success or in a one-line
CoderError, and nothing is written beside the project."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_files import write_xlsx

from coder.codebook.yaml_file import read_yaml_codebook
from coder.errors import CoderError
from coder.importers.responses import check_responses, write_responses
from coder.store import open_project

pytestmark = pytest.mark.slow  # many generated files, or real processes: `pytest -m "not slow"` skips them

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text a respondent might type, and worse: control characters, RTL marks and
# Arabic, emoji, combining marks, every kind of line ending.
NASTY = st.sampled_from(["\r\n", "\r", "\n", "\u2028", "\x00", "\x1b[31m", "\u202e", "مرحبا",
                         "👩‍👩‍👧", "e\u0301", "\ufeff", '"', ",", ";", "\t", "=1+1", "  @x", "{",
                         "[", "- ", ": ", "&a", "*a", "!!python/object"])
TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=30).map("".join)
HUGE = st.integers(10_000, 100_000).map(lambda n: "x" * n)
CELL = st.one_of(TEXT, HUGE.map(lambda s: s[:50_000]))


@pytest.fixture
def project(project_path):
    conn = open_project(project_path)
    yield conn
    conn.close()


def imports_or_one_line(conn, path: Path) -> None:
    """Check and write `path`; it works, or it is a CoderError of one line. Nothing else appears."""
    before = set(path.parent.iterdir())
    try:
        write_responses(conn, check_responses(conn, path, id_col="@row", on_duplicate="skip"))
    except CoderError as exc:
        assert "\n" not in str(exc), str(exc)
    after = {p for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))}
    assert after <= before, after - before


@SETTINGS
@given(data=st.binary(max_size=4000))
def test_random_bytes_as_any_format(project, tmp_path, data):
    for suffix in (".csv", ".tsv", ".jsonl", ".txt", ".xlsx", ".xls"):
        path = tmp_path / f"input{suffix}"
        path.write_bytes(data)
        imports_or_one_line(project, path)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=8),
       ending=st.sampled_from(["\n", "\r\n", "\r", "\n\r"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_of_nasty_cells(project, tmp_path, rows, ending, delimiter):
    path = tmp_path / "input.csv"
    lines = [delimiter.join('"' + c.replace('"', '""') + '"' for c in ["text", *rows[0][1:]])]
    lines += [delimiter.join(c for c in row) for row in rows]
    path.write_bytes(ending.join(lines).encode("utf-8", "surrogatepass"))
    imports_or_one_line(project, path)


JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(TEXT, inner, max_size=3)),
                          max_leaves=20)


@SETTINGS
@given(objects=st.lists(st.dictionaries(st.sampled_from(["text", "id", "a", "b"]), JSON_VALUE,
                                        max_size=4), min_size=1, max_size=6),
       junk=st.lists(TEXT, max_size=3), depth=st.integers(0, 5000))
def test_json_lines_of_nasty_values_and_deep_nesting(project, tmp_path, objects, junk, depth):
    lines = [json.dumps(o, ensure_ascii=False) for o in objects] + junk
    lines.append('{"text": ' + "[" * depth + "]" * depth + "}")
    path = tmp_path / "input.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    imports_or_one_line(project, path)


XLSX_MEMBERS = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]


@SETTINGS
@given(member=st.sampled_from(XLSX_MEMBERS),
       content=st.one_of(st.binary(max_size=2000), TEXT.map(str.encode),
                         st.integers(0, 3000).map(lambda n: b"<a>" * n)))
def test_xlsx_with_one_member_replaced_by_junk(project, tmp_path, member, content):
    plain = tmp_path / "plain.xlsx"
    if not plain.exists():
        write_xlsx(plain)
    buffer = io.BytesIO()
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, content if info.filename == member else old.read(info))
        if member not in old.namelist():
            new.writestr(member, content)
    path = tmp_path / "input.xlsx"
    path.write_bytes(buffer.getvalue())
    imports_or_one_line(project, path)


@SETTINGS
@given(text=st.one_of(TEXT, st.integers(0, 3000).map(lambda n: "themes:" + " [" * n),
                      st.integers(0, 500).map(lambda n: "".join("  " * i + "- a:\n"
                                                                for i in range(n)))))
def test_yaml_codebook_of_anything(tmp_path, text):
    path = tmp_path / "codebook.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        read_yaml_codebook(path)
    except CoderError as exc:
        assert "\n" not in str(exc), str(exc)
