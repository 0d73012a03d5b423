"""Rejected suggestions stay out of exports, as the coding screen hides them: the codings
export and the counts with suggestions left in the rejected (response, code) pairs."""

from __future__ import annotations

import pandas as pd
import pytest
from export_fixtures import make_small_project
from helpers import run_cli

from coder.coding import reject_suggestion
from coder.store import open_project
from coder.store.rejections import set_rejected

pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def rejected(tmp_path):
    """The small project (suggestions held: r6 paperwork, r2 staffing) with both rejected:
    r6 paperwork by alice, r2 staffing by bob; bob also rejected r6 paperwork and withdrew it."""
    path = make_small_project(tmp_path / "s.coder")
    conn = open_project(path)
    reject_suggestion(conn, "r6", "paperwork", "alice")
    reject_suggestion(conn, "r2", "staffing", "bob")
    reject_suggestion(conn, "r6", "paperwork", "bob")
    set_rejected(conn, "r6", "paperwork", "bob", False)
    conn.close()
    return path


def suggested_pairs(project, out, *coder) -> set[tuple[str, str]]:
    done = run_cli("export", project, "codings", "--source", "suggestions", *coder, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "rejected" in done.stdout   # the notes say rejected suggestions are left out
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    return {(r.response_id, r.code_id) for r in table.itertuples()}


def test_codings_export_leaves_out_rejected_suggestions(rejected, tmp_path):
    out = tmp_path / "k.csv"
    assert suggested_pairs(rejected, out) == set()   # all coders: anyone's rejection counts
    assert suggested_pairs(rejected, out, "--coder", "alice") == {("r2", "staffing")}
    assert suggested_pairs(rejected, out, "--coder", "bob") == {("r6", "paperwork")}  # his was withdrawn


def test_counts_with_suggestions_leave_out_rejected_ones(rejected, tmp_path):
    out = tmp_path / "c.csv"
    responses = {}
    for source, coder in (("suggestions", []), ("both", ["--coder", "alice"])):
        done = run_cli("export", rejected, "counts", "--source", source, *coder, "--out", out)
        assert done.returncode == 0, done.stderr
        table = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
        responses[source] = dict(zip(table["code_index"], table["responses"]))
    assert responses["suggestions"]["1.2"] == "0" and responses["suggestions"]["2.1"] == "0"
    # alice coded r1 r4 with paperwork (r6's suggestion she rejected), r2 r3 with staffing
    assert responses["both"]["2.1"] == "2" and responses["both"]["1.2"] == "2"
