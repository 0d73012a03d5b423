"""Record tables (codings, binary, matrix) and the formula-safe CSV/XLSX writer."""

from __future__ import annotations

import pandas as pd
import pytest
from export_fixtures import TEXTS, make_small_project
from openpyxl import load_workbook

from coder.errors import CoderError
from coder.export import (ExportTables, binary_table, build_tables, codings_table, framework_matrix,
                          load_project_data, neutralise, write_tables)
from coder.store import open_project


@pytest.fixture
def data(tmp_path):
    conn = open_project(make_small_project(tmp_path / "small.coder"), readonly=True)
    yield load_project_data(conn)
    conn.close()


def test_codings_table_rows_and_excerpts(data):
    table = codings_table(data.codebook, data.segments, data.responses)
    assert len(table) == 10
    first = table.iloc[0]
    assert (first["response_id"], first["code_index"], first["coder"], first["start"], first["end"]) == (
        "r1", "1.1", "alice", 0, 5)
    assert first["excerpt"] == TEXTS["r1"][0:5]
    assert table.iloc[1]["excerpt"] == TEXTS["r1"][10:15]
    whole = table[(table["response_id"] == "r1") & (table["coder"] == "bob")].iloc[0]
    assert pd.isna(whole["start"]) and whole["excerpt"] == TEXTS["r1"]
    assert list(table["response_id"]) == sorted(table["response_id"])  # response order
    assert set(table["origin"]) == {"manual"}


def test_codings_table_with_suggestions(tmp_path):
    conn = open_project(make_small_project(tmp_path / "s.coder"), readonly=True)
    data = load_project_data(conn, source="both")
    table = codings_table(data.codebook, data.segments, data.responses)
    suggested = table[table["source"] == "suggestion"]
    assert sorted(suggested["response_id"]) == ["r2", "r6"] and set(suggested["origin"]) == {"suggestion"}
    # a suggestion is nobody's decision: no coder, its engine in a column of its own
    assert suggested["coder"].isna().all() and set(suggested["engine"]) == {"keywords"}
    assert suggested["score"].notna().all()
    coded = table[table["source"] == "coding"]
    assert len(coded) == 10 and coded["engine"].isna().all() and set(coded["coder"]) == {"alice", "bob"}
    r2 = table[(table["response_id"] == "r2") & (table["code_id"] == "staffing")]
    assert r2["source"].tolist() == ["coding", "suggestion"]   # the coding first
    conn.close()


def test_binary_table(data):
    table = binary_table(data.codebook, data.segments, data.responses, data.attributes)
    assert list(table.columns) == ["response_id", "setting", "team", "caseload", "staffing",
                                   "paperwork", "old"]
    assert table["caseload"].tolist() == [1, 1, 1, 0, 0, 0]
    assert table["old"].tolist() == [0, 0, 0, 0, 1, 0]
    assert table["setting"].tolist()[-1] == ""


def test_framework_matrix(data):
    sheets = framework_matrix(data.codebook, data.segments, data.responses, data.attributes,
                              data.charts)
    assert list(sheets) == ["all", "1 Workload", "2 Paperwork"]
    whole = sheets["all"]
    assert list(whole.columns) == ["response_id", "setting", "team", "1 summary", "1.1 Caseload",
                                   "1.2 Staffing", "2 summary", "2.1 Paperwork", "2.3 Old code (retired)"]
    r1 = whole.iloc[0]
    assert r1["1 summary"] == "rising cases"
    # alice's two spans and bob's whole response, one per line
    assert r1["1.1 Caseload"].split("\n") == [TEXTS["r1"][0:5], TEXTS["r1"][10:15], TEXTS["r1"]]
    assert whole.iloc[5]["2.1 Paperwork"] == ""
    assert list(sheets["1 Workload"].columns) == ["response_id", "setting", "team", "1 summary",
                                                  "1.1 Caseload", "1.2 Staffing"]


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    for sign in "+-@":
        assert neutralise(sign + "x") == "'" + sign + "x"
    assert neutralise("\t=cmd") == "'\t=cmd"
    assert neutralise("plain") == "plain" and neutralise(-3) == -3 and neutralise(None) is None


def test_hostile_cells_neutralised_in_csv_and_xlsx(data, tmp_path):
    tables = build_tables("codings", data)
    csv_path, xlsx_path = tmp_path / "c.csv", tmp_path / "c.xlsx"
    write_tables(tables, csv_path)
    write_tables(tables, xlsx_path)
    text = csv_path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text
    sheet = load_workbook(xlsx_path)["codings"]
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("'=HYPERLINK") for v in cells)
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_hostile_header_neutralised(tmp_path):
    frame = pd.DataFrame({"=cmd()": ["@x", 1], "ok": ["-2", -2]})
    write_tables(ExportTables({"t": frame}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == ["'=cmd(),ok", "'@x,-2", "1,-2"]   # "-2": a number


def test_csv_bom_notes_and_stable_columns(data, tmp_path):
    tables = build_tables("counts", data, by="setting")
    write_tables(tables, tmp_path / "plain.csv")
    write_tables(tables, tmp_path / "excel.csv", excel_bom=True)
    plain = (tmp_path / "plain.csv").read_bytes()
    excel = (tmp_path / "excel.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and excel.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in excel
    lines = plain.decode().splitlines()
    assert lines[0].startswith("row,theme_index,theme_label,code_index,code_label,responses,percent,segments,")
    assert "# source: human coding only (all coders); suggestions not counted" in lines
    assert "# percent base: all 6 responses in the project, of which 5 (83.3%) have any code" in lines
    back = pd.read_csv(tmp_path / "plain.csv", comment="#", dtype={"theme_index": str, "code_index": str})
    assert back["responses"].tolist() == tables.sheets["counts"]["responses"].tolist()


def test_xlsx_sheets_and_notes(data, tmp_path):
    write_tables(build_tables("matrix", data), tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["all", "1 Workload", "2 Paperwork", "notes"]
    assert book["notes"]["A2"].value.startswith("source: human coding only")


def test_bad_output_names(data, tmp_path):
    tables = build_tables("counts", data)
    with pytest.raises(CoderError, match=r"\.csv or \.xlsx"):
        write_tables(tables, tmp_path / "out.txt")
    with pytest.raises(CoderError, match="does not exist"):
        write_tables(tables, tmp_path / "nope" / "out.csv")
    assert not [p for p in tmp_path.iterdir() if "out" in p.name]


def test_by_rules(data):
    with pytest.raises(CoderError, match="crosstab needs --by"):
        build_tables("crosstab", data)
    with pytest.raises(CoderError, match="--by applies to"):
        build_tables("codings", data, by="setting")


def test_theme_chart_data_and_file(data, tmp_path):
    from coder.export import theme_chart_data, theme_code_counts, write_theme_chart
    counts = theme_code_counts(data.codebook, data.segments, data.attributes, by="setting")
    chart = theme_chart_data(counts, by="setting")
    assert list(chart.index) == ["1 Workload", "2 Paperwork"]
    assert list(chart.columns) == ["adults", "children", "(missing)"]
    assert chart.loc["1 Workload", "children"] == 100.0  # r1 r2 of r1 r2
    assert chart.loc["2 Paperwork", "adults"] == 66.7    # r4 r5 of r3 r4 r5
    assert theme_chart_data(counts)["all"].tolist() == [50.0, 50.0]
    assert write_theme_chart(counts, tmp_path / "t.svg", by="setting") == []
    assert "<svg" in (tmp_path / "t.svg").read_text()


def test_a_chart_says_which_characters_no_font_could_draw(data, tmp_path, recwarn):
    """A theme labelled 多言語 printed twelve raw matplotlib warnings and drew boxes."""
    import dataclasses

    from coder.export import theme_code_counts, write_theme_chart
    from coder.export.chart import FALLBACK_FONTS
    import matplotlib.font_manager

    if FALLBACK_FONTS[0] in {f.name for f in matplotlib.font_manager.fontManager.ttflist}:
        pytest.skip("a CJK font is installed: the characters are drawn")
    themes = tuple(dataclasses.replace(t, label="多言語") if i == 0 else t for i, t in enumerate(data.codebook.themes))
    counts = theme_code_counts(dataclasses.replace(data.codebook, themes=themes), data.segments, data.attributes)
    notes = write_theme_chart(counts, tmp_path / "t.png")
    assert len(notes) == 1 and "3 characters of the labels (多言語) are in no installed font" in notes[0]
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_xlsx_row_limit_is_a_clear_error(tmp_path, monkeypatch):
    import coder.export.tables as tables_module
    monkeypatch.setattr(tables_module, "XLSX_MAX_ROWS", 2)
    with pytest.raises(CoderError, match="do not fit in an XLSX sheet"):
        write_tables(ExportTables({"t": pd.DataFrame({"a": [1, 2, 3]})}), tmp_path / "t.xlsx")
    assert not list(tmp_path.iterdir())
