"""`coder export` and `coder import-qdpx` end to end, in a subprocess."""

from __future__ import annotations

import zipfile
from collections import Counter

import pandas as pd
import pytest
from export_fixtures import make_small_project
from helpers import CODEBOOK, PROJECT_XSD, demo_comments, demo_reference, file_digest, run_cli
from lxml import etree
from openpyxl import load_workbook

from coder.cli import main
from coder.store import open_project, transaction
from coder.store.codings import import_codings
from coder.store.responses import insert_responses

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them



@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The social work framework, the demo corpus and the gold coding as coder "gold"."""
    path = tmp_path_factory.mktemp("demo") / "demo.coder"
    done = run_cli("init", path, "--codebook", CODEBOOK)
    assert done.returncode == 0, done.stderr
    rows = demo_comments()
    gold = demo_reference()
    conn = open_project(path)
    with transaction(conn):
        insert_responses(conn, [(r["id"], r["text"], {"setting": r["setting"], "year": r["year"]})
                                for r in rows])
        import_codings(conn, [(rid, code) for rid, codes in gold.items() for code in codes], "gold")
    conn.close()
    return path


def test_counts_csv_on_demo_match_the_gold_file(demo, tmp_path):
    before = file_digest(demo)
    out = tmp_path / "counts.csv"
    done = run_cli("export", demo, "counts", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "source: human coding only (all coders)" in done.stdout
    table = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    expected = Counter(code for codes in demo_reference().values() for code in codes)
    codes = table[table["row"] == "code"]
    yaml_ids = {"paperwork": "2.1", "caseload": "1.1", "staffing": "1.2"}
    for code_id, index in yaml_ids.items():
        row = codes[codes["code_index"] == index].iloc[0]
        assert int(row["responses"]) == expected[code_id]
        assert float(row["percent"]) == round(expected[code_id] / 371 * 100, 1)
    assert table[table["row"] == "base"].iloc[0]["responses"] == "371"
    assert file_digest(demo) == before  # an export never changes the project


def test_counts_of_the_coded_responses_mid_coding(demo, tmp_path):
    out = tmp_path / "coded.csv"
    done = run_cli("export", demo, "counts", "--base", "coded", "--out", out)
    assert done.returncode == 0, done.stderr
    coded = len(demo_reference())
    assert f"percent base: the {coded} responses with any code (of 371 in the project)" in done.stdout
    table = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    assert table[table["row"] == "base"].iloc[0]["responses"] == str(coded)
    paperwork = table[table["code_index"] == "2.1"].iloc[0]
    assert float(paperwork["percent"]) == round(int(paperwork["responses"]) / coded * 100, 1)
    chart = tmp_path / "coded.svg"
    done = run_cli("export", demo, "chart", "--base", "coded", "--out", chart)
    assert done.returncode == 0 and f"% of the {coded} coded responses" in done.stdout


def test_every_kind_writes_on_demo(demo, tmp_path, capsys):
    for kind, name, extra in [("counts", "c.xlsx", ["--by", "setting"]),
                              ("crosstab", "x.csv", ["--by", "setting"]),
                              ("cooccurrence", "o.xlsx", []), ("matrix", "m.xlsx", []),
                              ("codings", "k.csv", ["--excel"]), ("binary", "b.csv", []), ("memos", "n.xlsx", []),
                              ("chart", "t.png", ["--by", "setting"]), ("qdpx", "p.qdpx", [])]:
        assert main(["export", str(demo), kind, "--out", str(tmp_path / name), *extra]) == 0, \
            capsys.readouterr().err
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "k.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    binary = pd.read_csv(tmp_path / "b.csv")
    assert len(binary) == 371 and list(binary.columns[:3]) == ["response_id", "setting", "year"]
    assert load_workbook(tmp_path / "m.xlsx").sheetnames[:2] == ["all", "1 Workload and caseloads"]
    schema = etree.XMLSchema(etree.parse(str(PROJECT_XSD)))
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        assert schema.validate(etree.fromstring(archive.read("project.qde"))), schema.error_log


def test_qdpx_round_trip_through_the_cli(demo, tmp_path):
    assert run_cli("export", demo, "qdpx", "--out", tmp_path / "d.qdpx").returncode == 0
    done = run_cli("import-qdpx", tmp_path / "d.qdpx", tmp_path / "back.coder")
    assert done.returncode == 0, done.stderr
    assert "371 responses" in done.stdout
    for project, name in ((demo, "a.csv"), (tmp_path / "back.coder", "b.csv")):
        assert main(["export", str(project), "codings", "--out", str(tmp_path / name)]) == 0
    columns = ["response_id", "code_id", "coder", "start", "end", "excerpt"]
    original = pd.read_csv(tmp_path / "a.csv", dtype=str)[columns]
    copy = pd.read_csv(tmp_path / "b.csv", dtype=str)[columns]
    pd.testing.assert_frame_equal(original, copy)


def test_source_and_coder_options(tmp_path, capsys):
    project = make_small_project(tmp_path / "s.coder")
    out = tmp_path / "c.csv"
    assert main(["export", str(project), "counts", "--out", str(out), "--source", "both",
                 "--coder", "bob"]) == 0
    assert "Wrote counts to" in capsys.readouterr().out
    text = out.read_text()
    assert "# source: human coding (coder bob) and machine suggestions" in text
    table = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    assert table[table["code_index"] == "2.1"].iloc[0]["responses"] == "1"  # r6's suggestion only


def test_codings_with_suggestions_name_no_coder_for_them_in_csv_and_xlsx_alike(tmp_path):
    """`--source both` put the engine's name in the coder column, as if a person had coded."""
    project = make_small_project(tmp_path / "s.coder")
    read = {}
    for name in ("k.csv", "k.xlsx"):
        done = run_cli("export", project, "codings", "--source", "both", "--out", tmp_path / name)
        assert done.returncode == 0, done.stderr
        assert "source column: coding (a coder's decision: coder set) or suggestion" in done.stdout
        read[name] = (pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False) if name.endswith(".csv")
                      else pd.read_excel(tmp_path / name, sheet_name="codings", dtype=str).fillna(""))
    table = read["k.csv"]
    assert list(table.columns[6:9]) == ["source", "coder", "engine"]
    pd.testing.assert_frame_equal(table, read["k.xlsx"])
    rows = {(r.response_id, r.code_id, r.source): (r.coder, r.engine, r.origin) for r in table.itertuples()}
    assert rows[("r6", "paperwork", "suggestion")] == ("", "keywords", "suggestion")
    assert rows[("r2", "staffing", "suggestion")] == ("", "keywords", "suggestion")
    assert rows[("r2", "staffing", "coding")] == ("alice", "", "manual")
    assert set(table["source"]) == {"coding", "suggestion"} and "keywords" not in set(table["coder"])


def test_an_xlsx_export_keeps_numbers_and_true_false_as_they_came(tmp_path):
    """Attributes from a workbook or JSON Lines stay numbers and booleans in an .xlsx export
    (Excel flagged 'number stored as text', and R and SPSS read the columns as text)."""
    project = tmp_path / "typed.coder"
    assert run_cli("init", project, "--codebook", CODEBOOK).returncode == 0
    conn = open_project(project)
    with transaction(conn):
        insert_responses(conn, [("r1", "too many cases", {"score": 7, "ratio": 0.5, "paid": True, "site": "York",
                                                          "user_id": 1234567890123456789}),
                                ("r2", "paperwork", {"score": 3, "site": "Leeds"})])
        import_codings(conn, [("r1", "caseload")], "ann")
    conn.close()
    done = run_cli("export", project, "binary", "--out", tmp_path / "b.xlsx")
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(tmp_path / "b.xlsx").worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    first = dict(zip(header, rows[1]))
    assert (first["score"], first["ratio"], first["paid"], first["site"]) == (7, 0.5, True, "York")
    assert first["user_id"] == "1234567890123456789"   # too long to be a spreadsheet number exactly
    assert dict(zip(header, rows[2]))["ratio"] in (None, "")   # r2 has no ratio


@pytest.mark.parametrize("args, message", [
    (["crosstab", "--out", "x.csv"], "crosstab needs --by"),
    (["counts", "--out", "x.txt"], ".csv or .xlsx"),
    (["counts", "--out", "x.csv", "--by", "region"], "no such attribute"),
    (["counts", "--out", "x.csv", "--coder", "carol"], "no codings by this coder"),
    (["binary", "--out", "x.csv", "--by", "setting"], "--by applies to"),
    (["codings", "--out", "x.csv", "--base", "coded"], "--base applies to"),
    (["chart", "--out", "x.csv"], ".png, .svg or .pdf"),
    (["qdpx", "--out", "x.qdpx", "--source", "both"], "human coding only"),
    (["qdpx", "--out", "x.zip"], "name the file .qdpx"),
    (["qdpx", "--out", "x.qdpx", "--coder", "carol"], "no codings by this coder"),
    (["matrix", "--out", "nowhere/x.csv"], "does not exist"),
    (["memos", "--out", "x.txt"], ".csv or .xlsx"),
    (["memos", "--out", "x.csv", "--by", "setting"], "--by applies to counts, crosstab, chart, not memos"),
    (["memos", "--out", "x.csv", "--base", "coded"], "--base applies to counts, crosstab, chart, not memos"),
    (["memos", "--out", "x.csv", "--source", "both"], "memos are no coding: leave out --source"),
    (["memos", "--out", "x.csv", "--roll-up"], "--roll-up applies to the tables"),
    (["memos", "--out", "x.csv", "--coder", "carol"], "no codings or memos by this coder"),
])
def test_bad_options_fail_with_one_line_and_leave_project(tmp_path, args, message, capsys,
                                                         monkeypatch):
    project = make_small_project(tmp_path / "s.coder")
    before = file_digest(project)
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(project), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coder: error:") and message in err
    assert len(err.strip().splitlines()) == 1
    assert file_digest(project) == before
    assert not list(tmp_path.glob("x.*"))


def test_import_qdpx_bad_file(tmp_path):
    (tmp_path / "bad.qdpx").write_text("not a zip")
    done = run_cli("import-qdpx", tmp_path / "bad.qdpx", tmp_path / "new.coder")
    assert done.returncode == 1 and "bad.qdpx" in done.stderr
    assert not (tmp_path / "new.coder").exists()



def test_text_longer_than_an_xlsx_cell_is_cut_with_a_mark_and_a_note(tmp_path):
    """openpyxl cut a 5 MB excerpt to 32,767 characters with only a Python warning on the console."""
    project = tmp_path / "long.coder"
    assert run_cli("init", project, "--codebook", CODEBOOK).returncode == 0
    long = "word " * 20_000
    conn = open_project(project)
    with transaction(conn):
        insert_responses(conn, [("r1", long, {}), ("r2", "short", {})])
    import_codings(conn, [("r1", "caseload"), ("r2", "caseload")], "alice")
    conn.close()
    out = tmp_path / "codings.xlsx"
    result = run_cli("export", project, "codings", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "UserWarning" not in result.stderr
    assert "1 cell held more than an XLSX cell's 32,767 characters and was cut there" in result.stdout
    book = load_workbook(out, read_only=True)
    cells = [cell for row in book["codings"].iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    cut = [cell for cell in cells if cell.startswith("word word")]
    assert len(cut) == 1 and len(cut[0]) == 32_767 and cut[0].endswith("…")
    notes = [row[0] for row in book["notes"].iter_rows(values_only=True)]
    assert any("a .csv export holds the whole text" in (note or "") for note in notes)
    csv = tmp_path / "codings.csv"
    assert run_cli("export", project, "codings", "--out", csv).returncode == 0
    assert long.strip() in csv.read_text()
