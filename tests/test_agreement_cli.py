"""`coder agreement` on a real project file, run as the real CLI."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from coder.store import open_project
from coder.store.codings import add_coding
from coder.store.responses import insert_responses
from agreement_fixtures import code_spans, pilot_project
from helpers import REPO, file_digest, run_cli

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


def _double_coded(path):
    conn = open_project(path)
    insert_responses(conn, [(f"r{i}", f"response {i}", {}) for i in range(1, 6)])
    for rid, alice, bob in [("r1", ["paperwork"], ["paperwork"]),
                            ("r2", ["paperwork", "caseload"], ["paperwork"]),
                            ("r3", ["caseload"], ["caseload"]),
                            ("r4", ["caseload"], [])]:          # bob has not reached r4
        for code in alice:
            add_coding(conn, rid, code, "alice")
        for code in bob:
            add_coding(conn, rid, code, "bob")
    conn.close()


def test_agreement_reports_per_code_and_writes_tables(codebook_project, tmp_path):
    _double_coded(codebook_project)
    before = file_digest(codebook_project)
    out, dis = tmp_path / "agreement.xlsx", tmp_path / "disagreements.csv"
    result = run_cli("agreement", codebook_project, "--out", out, "--disagreements", dis)
    assert result.returncode == 0, result.stderr
    assert "Responses coded by all of alice, bob: 3" in result.stdout
    table = pd.read_excel(out, sheet_name="agreement").set_index("code id")
    assert table.loc["paperwork", "agreement %"] == 100.0
    assert table.loc["caseload", "agreement %"] == round(100 * 2 / 3, 1)
    assert table.loc["caseload", "applied by alice"] == 2
    assert {"kappa 95% low", "kappa 95% high", "alpha 95% low", "alpha 95% high"} <= set(table.columns)
    printed = result.stdout.split("\n\n")[0].splitlines()
    assert printed[0].split() == ["code", "responses", "agree", "%", "kappa", "95%", "CI", "alpha", "AC1"]
    caseload = next(line for line in printed if line.startswith("1.1 Caseload size and allocation "))
    assert caseload.split()[5:8] == ["2/1", "66.7", "0.400"]   # alice's count, then bob's
    # Codes no one applied to r1..r3 are not assessable: no AC1 of 1.0, left out of the pooled figures.
    unused = table[table["note"].str.startswith("not assessable", na=False)]
    assert set(unused.index) == set(table.index) - {"paperwork", "caseload"}
    assert unused["AC1"].isna().all() and unused["agreement %"].isna().all()
    assert f"left out of pooled kappa and mean alpha: {len(unused)} of {len(table)} codes" in result.stdout
    notes = pd.read_excel(out, sheet_name="notes")["note"].tolist()
    assert any(f"{len(unused)} of {len(table)} codes, left out of the pooled kappa" in note for note in notes)
    rows = pd.read_csv(dis)
    assert rows[["response id", "applied by", "not applied by"]].values.tolist() == [["r2", "alice", "bob"]]
    assert file_digest(codebook_project) == before


def test_agreement_needs_two_known_coders(codebook_project):
    _double_coded(codebook_project)
    result = run_cli("agreement", codebook_project, "--coders", "alice", "carol")
    assert result.returncode == 1
    assert "no coding by carol" in result.stderr
    result = run_cli("agreement", codebook_project, "--coders", "alice")
    assert result.returncode == 1 and "--coders names alice only; agreement compares two or more" in result.stderr
    result = run_cli("agreement", codebook_project, "--coders", "alice", "alice")
    assert result.returncode == 1 and "--coders names alice only" in result.stderr


def test_agreement_over_characters(codebook_project, tmp_path):
    code_spans(codebook_project)   # the hand-worked example of test_reliability_spans.py
    out = tmp_path / "spans.xlsx"
    result = run_cli("agreement", codebook_project, "--unit", "span", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Responses coded by all of alice, bob: 2 (15 characters)" in result.stdout
    header, *rows = result.stdout.split("\n\n")[0].splitlines()
    assert header.split() == ["code", "characters", "agree", "%", "kappa", "alpha", "AC1"]   # no intervals
    assert next(row for row in rows if row.startswith("1.1 ")).split()[5:7] == ["11/6", "40.0"]
    assert "characters: how many of the 15 characters of the 2 responses coded by all of alice, bob" in result.stdout
    assert "Exact match of whole code sets (per character): 0.40" in result.stdout
    table = pd.read_excel(out, sheet_name="agreement").set_index("code id")
    assert table.loc["caseload", ["characters", "applied by alice", "applied by bob", "agreement %", "kappa"]
                     ].tolist() == [15, 11, 6, 40.0, round(-4 / 41, 3)]
    assert table["kappa 95% low"].isna().all()   # no intervals over characters
    notes = pd.read_excel(out, sheet_name="notes")["note"].tolist()
    assert any(note.startswith("unit: the character") for note in notes)


def test_disagreements_are_listed_in_framework_order(codebook_project, tmp_path):
    conn = open_project(codebook_project)
    insert_responses(conn, [("r1", "response 1", {})])
    for code in ("paperwork", "time_pressure"):   # 2.1 and 1.3: the alphabet puts them the other way
        add_coding(conn, "r1", code, "alice")
    add_coding(conn, "r1", "caseload", "bob")
    conn.close()
    dis = tmp_path / "disagreements.csv"
    assert run_cli("agreement", codebook_project, "--disagreements", dis).returncode == 0
    assert pd.read_csv(dis, dtype=str)["code index"].tolist() == ["1.1", "1.3", "2.1"]


def test_agreement_with_the_consensus_says_what_it_is_measured_on(codebook_project):
    """The consensus exists only where the coders differed: the output says so, and its figures
    read to three places whatever they are (pandas printed a lone 1.0 and -0.0)."""
    from coder.adjudication import TAKE_B, settle

    _double_coded(codebook_project)
    conn = open_project(codebook_project)
    settle(conn, "r2", "alice", "bob", TAKE_B, "lead")
    conn.close()
    result = run_cli("agreement", codebook_project, "--coders", "alice", "consensus")
    assert result.returncode == 0, result.stderr
    assert "Responses coded by all of alice, consensus: 1" in result.stdout
    assert "measured on the hard cases alone" in result.stdout
    table = result.stdout.split("\n\n")[0]
    assert "1.000" in table and " 1.0 " not in table and " -0.0" not in table


def _on_a_terminal(*args, columns: int = 80) -> str:
    """What the real CLI prints to a terminal `columns` wide (a pseudo-terminal)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run([sys.executable, "-m", "coder", *map(str, args)], stdout=follower, stderr=follower,
                          env=env, timeout=120)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:   # the terminal's other end is closed: all is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_every_code_is_one_readable_line_at_80_columns(tmp_path):
    """At 80 columns pandas split the per-code table into four blocks of 23 rows (only the first
    named the code) and the terminal broke summary lines mid-word; COLUMNS=80 into a file wrapped
    the table with backslashes. Now a row is a code's index, label and figures, fitted to the
    width; the lines under it wrap at spaces; with no width a label is whole."""
    path = pilot_project(tmp_path / "study.coder")
    whole = run_cli("agreement", path, "--coders", "alice", "bob")
    assert whole.returncode == 0, whole.stderr
    for shown in (_on_a_terminal("agreement", path, "--coders", "alice", "bob", columns=80),
                  run_cli("agreement", path, "--coders", "alice", "bob", columns=80).stdout):
        assert max(len(line) for line in shown.splitlines()) <= 80, shown
        assert "\\" not in shown
        table, *under = shown.split("\n\n")
        header, *rows = table.splitlines()
        assert len(rows) == 23 and all(row[:4] == f"{row.split()[0]} " for row in rows)
        row = {line.split()[0]: line for line in rows}
        assert re.search(r"  6/5  +91\.7  0\.833  \[0\.\d\d, 1\.00\]  +0\.839  0\.834$", row["1.2"])
        assert row["2.3"].split()[-7:] == ["*", "1/0", "91.7", "0.000", "n/a", "0.000", "0.909"]   # * : a note
        assert "\n\n".join(under).split() == whole.stdout.split("\n\n", 1)[1].split()   # no word broken
    assert "2.3 Bureaucracy and procedures *" in whole.stdout.split("\n\n")[0]


def test_the_figures_are_explained_under_the_table(tmp_path):
    """The responses column, an n/a interval beside kappa 1.000, kappa 0.000 at 91.7% agreement
    and the disagreement count were explained only in the --out notes sheet."""
    path = pilot_project(tmp_path / "study.coder")
    shown = run_cli("agreement", path, "--coders", "alice", "bob").stdout
    legend = shown.split("\n\n")[1]
    assert legend.startswith("responses: how many of the 12 responses coded by all of alice, bob each applied "
                             "the code to (alice/bob); agree %: ")
    assert "AC1: Gwet's (robust when a code is rare); each is 1 for perfect agreement" in legend
    assert "95% CI of kappa: percentile bootstrap over the responses" in legend
    assert "n/a when too few responses have the code (or lack it) to tell." in legend
    # Applied once, by alice alone: no agreement on it at all, which the kappa paradox note excused.
    assert ("2.3 Bureaucracy and procedures: low kappa: the coders never both applied it to one unit, so "
            "each time it was applied they disagreed") in " ".join(legend.split())
    assert "  1.1 Caseload size and allocation: kappa and alpha undefined: every coder applied it" in legend
    assert "Disagreements: 5 (response, code) pairs; list them with --disagreements FILE" in shown
    dis = tmp_path / "dis.csv"
    assert "Disagreements: 5 (response, code) pairs\n" in run_cli("agreement", path, "--disagreements", dis).stdout


def test_the_sample_measured_on_is_named_with_the_responses_left_out(tmp_path):
    """--sample pilot printed what the run without it printed, with no word of the sample or of
    the 8 of its 20 responses nobody had coded."""
    path = pilot_project(tmp_path / "study.coder")
    out = tmp_path / "pilot.csv"
    shown = run_cli("agreement", path, "--coders", "alice", "bob", "--sample", "pilot", "--out", out).stdout
    said = ("Responses coded by all of alice, bob: 12 of the 20 in sample pilot (the other 8 are left out: "
            "not coded by all of them)")
    assert said in shown
    notes = [line for line in out.read_text().splitlines() if line.startswith("# ")]
    assert any("responses coded by all of them: 12 of the 20 in sample pilot (the other 8" in n for n in notes)
    spans = run_cli("agreement", path, "--coders", "alice", "bob", "--sample", "pilot", "--unit", "span").stdout
    assert "Responses coded by all of alice, bob: 12 (" in spans and " characters) of the 20 in sample pilot" in spans


def test_the_readme_example_is_what_the_command_prints(tmp_path):
    path = pilot_project(tmp_path / "study.coder")
    command = "    $ coder agreement study.coder --coders alice bob --sample pilot\n"
    readme = (REPO / "README.md").read_text(encoding="utf-8").split(command, 1)[1]
    example = []
    for line in readme.splitlines():
        if line and not line.startswith("    "):
            break
        example.append(line[4:])
    shown = run_cli("agreement", path, "--coders", "alice", "bob", "--sample", "pilot", columns=80).stdout
    assert "\n".join(example).strip() == shown.strip()


def test_three_coders_have_no_kappa_column_and_alpha_has_the_interval(codebook_project):
    _double_coded(codebook_project)
    conn = open_project(codebook_project)
    for rid in ("r1", "r2", "r3"):
        add_coding(conn, rid, "paperwork", "carol")
    conn.close()
    shown = run_cli("agreement", codebook_project).stdout
    assert shown.splitlines()[0].split() == ["code", "responses", "agree", "%", "alpha", "95%", "CI", "AC1"]
    assert "95% CI of alpha: " in shown and "(alice/bob/carol)" in shown


def test_three_coders_with_nothing_in_common_are_told_which_pairs_to_compare(codebook_project):
    """Without --coders every coder is compared; a third coder who shares no response with the
    others ended it with "no response has been coded by all of ..." and nothing to do next."""
    _double_coded(codebook_project)
    conn = open_project(codebook_project)
    add_coding(conn, "r5", "caseload", "carol")
    conn.close()
    result = run_cli("agreement", codebook_project)
    assert result.returncode == 1
    assert ("no response has been coded by all of alice, bob, carol; compare fewer: "
            "--coders alice bob (3 responses in common)") in result.stderr
