"""`coder merge`: two coders' copies of a project merged into one, on real project files."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import downgrade, file_digest, one_line_error, run_cli
from import_files import write_csv
from team_projects import ANSWERS, cli, codings, copy_project, count, import_codes, new_project

from coder.cli import main
from coder.coding import toggle_code
from coder.errors import CoderError
from coder.history import History, describe
from coder.merge import MergeConflicts, merge_project
from coder.store import open_project
from coder.store.charts import get_chart, set_chart
from coder.store.codebook import update_code
from coder.store.exchange import add_coders, known_coders
from coder.store.memos import get_memo, set_memo

ALICE = [("R1", "caseload"), ("R1", "staffing"), ("R2", "paperwork"), ("R3", "supervision")]
BOB = [("R1", "caseload"), ("R2", "paperwork"), ("R2", "caseload"), ("R4", "caseload")]


@pytest.fixture
def copies(tmp_path):
    """(alice's copy, bob's copy) of one project, each coded by its coder with `import-codes`."""
    base = new_project(tmp_path / "study.coder")
    alice = copy_project(base, tmp_path / "alice.coder")
    bob = copy_project(base, tmp_path / "bob.coder")
    import_codes(alice, "alice", ALICE)
    import_codes(bob, "bob", BOB)
    return alice, bob


def merge(project, other, *options) -> int:
    """`coder merge PROJECT OTHER` by the lead, in this process; returns the exit code."""
    return main(["merge", str(project), str(other), "--coder", "lead", *options])


def test_two_copies_merge_into_the_union_of_their_codings(copies, capsys):
    alice, bob = copies
    union = codings(alice) | codings(bob)
    before = file_digest(bob)
    assert merge(alice, bob) == 0
    assert codings(alice) == union
    out = capsys.readouterr().out
    assert "codings: 4 added, 0 already present" in out
    assert "coders: bob (new here: bob)" in out and "conflicts: 0" in out
    assert file_digest(bob) == before
    assert sorted(p.name for p in bob.parent.glob("bob.coder*")) == ["bob.coder"]   # nothing made beside it


def test_merging_the_same_file_twice_adds_nothing(copies, capsys):
    alice, bob = copies
    assert merge(alice, bob) == 0
    after_first, events = codings(alice), count(alice, "events")
    capsys.readouterr()
    assert merge(alice, bob) == 0
    assert codings(alice) == after_first and count(alice, "events") == events
    out = capsys.readouterr().out
    assert out.startswith("Nothing new to merge") and "codings: 0 added, 4 already present" in out


def test_a_response_whose_text_differs_is_listed_and_leaves_the_project_unchanged(copies, capsys):
    alice, bob = copies
    changed = [ANSWERS[0], ["R2", "children", "Paperwork, and nothing but paperwork"]]
    cli("import", bob, write_csv(bob.with_name("changed.csv"), changed), "--id-col", "id",
        "--text-col", "comment", "--on-duplicate", "replace")
    before = file_digest(alice)
    assert merge(alice, bob) == 1
    err = capsys.readouterr().err
    assert "response R2: text differs" in err and "nothing was merged" in err
    assert file_digest(alice) == before
    assert merge(alice, bob, "--skip-conflicts") == 0
    out = capsys.readouterr().out
    assert "held back: 2 codings" in out
    assert {("R1", "caseload", "bob", None, None, "imported"),
            ("R4", "caseload", "bob", None, None, "imported")} <= codings(alice)
    assert not {c for c in codings(alice) if c[0] == "R2" and c[2] == "bob"}


def test_a_code_whose_label_or_theme_differs_is_a_conflict(copies):
    alice, bob = copies
    conn = open_project(bob)
    update_code(conn, "caseload", "bob", label="Cases held")
    conn.close()
    conn = open_project(alice)
    try:
        with pytest.raises(MergeConflicts) as caught:
            merge_project(conn, bob, "lead")
    finally:
        conn.close()
    assert caught.value.report.conflicts == [
        "code caseload: label 'Caseload size and allocation' here, 'Cases held' in bob.coder"]


def test_conflicts_are_listed_one_a_line_up_to_a_cap(tmp_path, capsys):
    rows = [["id", "comment"]] + [[f"R{i}", f"answer {i}"] for i in range(30)]
    ours = new_project(tmp_path / "ours.coder", rows)
    theirs = new_project(tmp_path / "theirs.coder", [rows[0]] + [[r[0], r[1] + "!"] for r in rows[1:]])
    assert merge(ours, theirs) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 22 and lines[20] == "... and 10 more conflicts"
    assert lines[-1].startswith("coder: error: ") and "30 conflicts" in lines[-1]


def test_a_project_that_is_not_a_copy_is_refused_as_such_and_held_back_coders_are_not_new(tmp_path, capsys):
    """A usage test: merging another study's project listed each response as a conflict and advised
    --skip-conflicts; with it, 'Nothing new to merge' came with 'new here: carol', who was not added."""
    ours = new_project(tmp_path / "study.coder")
    other = new_project(tmp_path / "other.coder", [["id", "comment"], ["r1", "A different survey"], ["R1", "Not ours"]])
    import_codes(other, "carol", [("r1", "caseload"), ("R1", "staffing")])
    before = file_digest(ours)
    assert merge(ours, other) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "other.coder: not a copy of study.coder: none of the responses coded or noted there is here" in error
    assert file_digest(ours) == before
    assert merge(ours, other, "--skip-conflicts") == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing new to merge from") and "coders: carol\n" in out and "new here" not in out


def test_memos_charts_and_new_codes_come_in_and_undo_takes_the_merge_back(copies):
    alice, bob = copies
    import_codes(bob, "bob", [("R5", "evenings")], "--add-codes")
    conn = open_project(bob)
    set_memo(conn, "response", "R5", "bob", "writing up at home")
    set_chart(conn, "R2", "workload", "bob", "paperwork eats the week")
    conn.close()
    before = (codings(alice), count(alice, "codes"), count(alice, "themes"))
    conn = open_project(alice)
    try:
        report = merge_project(conn, bob, "lead")
        assert report.added == {"themes": 1, "codes": 1, "codings": 5, "memos": 1, "charts": 1, "coders": 0}
        assert get_memo(conn, "response", "R5", "bob") == "writing up at home"
        assert get_chart(conn, "R2", "workload", "bob") == "paperwork eats the week"
        assert codings(report.backup) == before[0]   # the safety copy is the project before the merge
        history = History(conn, "lead")
        assert describe(history.undo()) == "took back the merge of bob.coder (5 codings it added removed)"
        assert (codings(alice), count(alice, "codes"), count(alice, "themes")) == before
        assert get_memo(conn, "response", "R5", "bob") is None
        history.redo()
        assert ("R5", "evenings", "bob", None, None, "imported") in codings(alice)
        assert get_chart(conn, "R2", "workload", "bob") == "paperwork eats the week"
    finally:
        conn.close()


def test_an_older_schema_is_read_from_a_copy_and_left_as_it_is(copies):
    alice, bob = copies
    downgrade(bob, 2)
    before = file_digest(bob)
    assert merge(alice, bob) == 0
    assert file_digest(bob) == before
    assert ("R4", "caseload", "bob", None, None, "imported") in codings(alice)


def test_the_project_itself_is_refused(copies):
    alice, _ = copies
    conn = open_project(alice)
    try:
        with pytest.raises(CoderError, match="is the project itself"):
            merge_project(conn, alice.parent / "." / alice.name, "lead")
    finally:
        conn.close()


@pytest.mark.slow
def test_merge_end_to_end_as_the_real_cli(copies):
    alice, bob = copies
    union = codings(alice) | codings(bob)
    result = run_cli("merge", alice, bob, "--coder", "lead")
    assert result.returncode == 0, result.stderr
    assert codings(alice) == union and "safety copy: " in result.stdout
    again = run_cli("merge", alice, bob, "--coder", "lead")
    assert again.returncode == 0 and "codings: 0 added, 4 already present" in again.stdout
    assert codings(alice) == union


@pytest.mark.slow
def test_bad_files_are_one_line_and_leave_the_project_untouched(copies, tmp_path):
    alice, bob = copies
    junk = tmp_path / "junk.coder"
    junk.write_bytes(b"hello" * 1000)
    damaged = tmp_path / "damaged.coder"
    damaged.write_bytes(bob.read_bytes()[:20_000])
    before = file_digest(alice)
    for other, what in [(junk, "not a coder project file"), (damaged, "damaged"),
                        (alice, "is the project itself"), (tmp_path / "none.coder", "no such project file")]:
        line = one_line_error(run_cli("merge", alice, other))
        assert what in line and str(other.name) in line, line
    assert file_digest(alice) == before


@pytest.mark.slow
def test_a_locked_project_is_one_line_and_untouched(copies):
    alice, bob = copies
    raw = sqlite3.connect(alice)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    before = file_digest(alice)
    holder = sqlite3.connect(alice, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        line = one_line_error(run_cli("merge", alice, bob))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in line
    assert file_digest(alice) == before


def test_a_new_code_numbered_as_another_here_is_a_conflict(copies, capsys):
    alice, bob = copies
    import_codes(alice, "alice", [("R6", "weekends")], "--add-codes")
    import_codes(bob, "bob", [("R5", "evenings")], "--add-codes")
    before = file_digest(alice)
    assert merge(alice, bob) == 1
    err = capsys.readouterr().err
    assert "code evenings: its index '7.1' is taken by code weekends in this project" in err
    assert "1 conflict with" in err
    assert file_digest(alice) == before
    assert merge(alice, bob, "--skip-conflicts") == 0
    assert "conflicts: 1 (held back: 1 coding, 1 code)" in capsys.readouterr().out
    assert ("R5", "evenings", "bob", None, None, "imported") not in codings(alice)


def test_a_copy_still_being_coded_is_read_with_its_write_ahead_log(copies):
    alice, bob = copies
    coding = open_project(bob)   # bob is still coding: his latest change is in bob.coder-wal
    try:
        cli("import-codes", bob, write_csv(bob.with_name("late.csv"), [["id", "code"], ["R8", "risk"]]),
            "--coder", "bob")
        assert bob.with_name("bob.coder-wal").stat().st_size
        assert merge(alice, bob) == 0
    finally:
        coding.close()
    assert ("R8", "risk", "bob", None, None, "imported") in codings(alice)


def test_a_response_only_the_copy_holds_and_a_memo_that_differs_are_conflicts(copies):
    alice, bob = copies
    extra = [ANSWERS[0], ["R9", "adults", "Added to bob's copy only"], ["R10", "adults", "Not coded"]]
    cli("import", bob, write_csv(bob.with_name("extra.csv"), extra), "--id-col", "id", "--text-col", "comment")
    import_codes(bob, "bob", [("R9", "risk")])
    for path, text in ((alice, "pilot in March"), (bob, "pilot in April")):
        conn = open_project(path)
        set_memo(conn, "project", "", "carol", text)
        conn.close()
    conn = open_project(alice)
    try:
        with pytest.raises(MergeConflicts) as caught:
            merge_project(conn, bob, "lead")
        report = caught.value.report
        assert report.conflicts == ["response R9: not in this project, but coded or noted in bob.coder",
                                    "memo by carol on project: text differs"]
        assert report.left_out == 1   # R10: nothing on it, counted, not a conflict
        report = merge_project(conn, bob, "lead", skip_conflicts=True)
        assert report.held_back == {"codings": 1, "memos": 1, "charts": 0, "themes": 0, "codes": 0}
        assert get_memo(conn, "project", "", "carol") == "pilot in March"
    finally:
        conn.close()


def test_undoing_a_merge_keeps_what_was_changed_since(copies):
    alice, bob = copies
    conn = open_project(bob)
    set_memo(conn, "response", "R1", "bob", "first thoughts")
    conn.close()
    conn = open_project(alice)
    try:
        merge_project(conn, bob, "lead")
        set_memo(conn, "response", "R1", "bob", "second thoughts")
        History(conn, "lead").undo()
        assert get_memo(conn, "response", "R1", "bob") == "second thoughts"
        assert ("R4", "caseload", "bob", None, None, "imported") not in codings(alice)
    finally:
        conn.close()


def test_a_coder_the_copy_knows_without_coding_comes_in_and_goes_with_undo(copies, capsys):
    alice, bob = copies
    conn = open_project(bob)
    add_coders(conn, ["dana"])
    conn.close()
    assert merge(alice, bob) == 0
    assert "coders: bob, dana (new here: bob, dana)" in capsys.readouterr().out
    conn = open_project(alice)
    try:
        assert known_coders(conn) == ["dana"]
        History(conn, "lead").undo()
        assert known_coders(conn) == []
    finally:
        conn.close()


def test_an_import_taken_back_in_the_copy_is_taken_back_here(tmp_path, capsys):
    """The lead imports ann's coding, hands ann a copy, and ann takes the import back there (the
    wrong file): merging her copy said "Nothing new to merge" and the wrong codings stayed."""
    lead = new_project(tmp_path / "study.coder")
    import_codes(lead, "ann", ALICE)
    ann = copy_project(lead, tmp_path / "ann.coder")
    conn = open_project(ann)
    assert History(conn, "ann").undo().action == "codings.unimport"
    conn.close()
    capsys.readouterr()
    assert merge(lead, ann) == 0
    assert f"codings: 0 added, {len(ALICE)} taken off" in capsys.readouterr().out
    assert not any(who == "ann" for _, _, who, *_ in codings(lead))
    conn = open_project(ann)   # brought back there, and merged again: back here too
    History(conn, "ann").redo()
    conn.close()
    assert merge(lead, ann) == 0
    assert {(r, c) for r, c, who, *_ in codings(lead) if who == "ann"} == set(ALICE)


def test_a_coding_taken_off_in_the_copy_is_taken_off_here_and_back_on_undo(copies, capsys):
    """Bob's copy merged, then revised (R4: caseload taken off, staffing on) and merged again:
    the project holds what bob holds, not both; undoing the merge puts caseload back. A coding
    made here again since (another moment) is another decision, and stays."""
    alice, bob = copies
    assert merge(alice, bob) == 0
    conn = open_project(bob)
    toggle_code(conn, "R4", "caseload", "bob")
    toggle_code(conn, "R4", "staffing", "bob")
    toggle_code(conn, "R2", "paperwork", "bob")   # taken off there, ...
    conn.close()
    here = sqlite3.connect(alice)   # ... but made again here later
    here.execute("UPDATE codings SET created_at = '2999-01-01T00:00:00Z' "
                 "WHERE response_id = 'R2' AND code_id = 'paperwork' AND coder = 'bob'")
    here.commit()
    here.close()
    capsys.readouterr()
    assert merge(alice, bob) == 0
    assert "codings: 1 added, 1 taken off (as in bob.coder), 2 already present" in capsys.readouterr().out
    bobs = {(r, c) for r, c, who, *_ in codings(alice) if who == "bob"}
    assert bobs == {("R1", "caseload"), ("R2", "paperwork"), ("R2", "caseload"), ("R4", "staffing")}
    conn = open_project(alice)
    try:   # the step says what it changed: the merge that only took a coding off said "0 codings"
        assert describe(History(conn, "lead").undo()) == \
            "took back the merge of bob.coder (1 coding it added removed, 1 it took off put back)"
    finally:
        conn.close()
    bobs = {(r, c) for r, c, who, *_ in codings(alice) if who == "bob"}
    assert bobs == {("R1", "caseload"), ("R2", "paperwork"), ("R2", "caseload"), ("R4", "caseload")}
    assert merge(alice, bob) == 0   # and again: the same outcome as the first time
    assert ("R4", "caseload", "bob") not in {row[:3] for row in codings(alice)}


def test_a_coding_put_back_here_after_the_copy_was_made_stays(tmp_path, capsys):
    """Taken off by mistake, the copy handed out, then put back here by undo: the copy's history
    holds the removal from before it was made, which is the project's own, not a decision of the
    coder's since; merging the copy leaves the coding on."""
    project = new_project(tmp_path / "study.coder")
    import_codes(project, "alice", [("R1", "caseload"), ("R2", "paperwork")])
    conn = open_project(project)
    toggle_code(conn, "R1", "caseload", "alice")
    conn.close()
    copy = copy_project(project, tmp_path / "alice.coder")
    conn = open_project(project)
    History(conn, "alice").undo()
    conn.close()
    import_codes(copy, "alice", [("R3", "supervision")])
    capsys.readouterr()
    assert merge(project, copy) == 0
    assert "taken off" not in capsys.readouterr().out
    assert ("R1", "caseload", "alice") in {row[:3] for row in codings(project)}


def test_a_coding_taken_off_on_a_response_in_conflict_is_held_back(copies, capsys):
    alice, bob = copies
    assert merge(alice, bob) == 0
    conn = open_project(bob)
    toggle_code(conn, "R2", "paperwork", "bob")   # taken off there, on a response ...
    conn.close()
    changed = [ANSWERS[0], ["R2", "children", "Paperwork, and nothing but paperwork"]]   # ... whose text changed
    cli("import", bob, write_csv(bob.with_name("changed.csv"), changed), "--id-col", "id",
        "--text-col", "comment", "--on-duplicate", "replace")
    capsys.readouterr()
    assert merge(alice, bob, "--skip-conflicts") == 0
    out = capsys.readouterr().out
    assert "codings: 0 added, 3 already present" in out and "held back: 1 coding" in out
    assert ("R2", "paperwork", "bob") in {row[:3] for row in codings(alice)}


def test_a_copy_that_went_through_a_qdpx_merges_back_with_its_spans_on_the_same_characters(tmp_path):
    """A .qdpx writes \\r\\n as \\n, so every such response was a 'text differs' conflict on the way back."""
    rows = [ANSWERS[0], ["R1", "adults", "Too many cases.\r\nNot enough staff."], ANSWERS[2]]
    base = new_project(tmp_path / "study.coder", rows)
    cli("export", base, "qdpx", "--out", tmp_path / "study.qdpx")
    cli("import-qdpx", tmp_path / "study.qdpx", tmp_path / "bob.coder")
    bob = open_project(tmp_path / "bob.coder")
    text = bob.execute("SELECT text FROM responses WHERE id = 'R1'").fetchone()[0]
    assert text == "Too many cases.\nNot enough staff."
    start = text.index("staff")
    toggle_code(bob, "R1", "staffing", "bob", start=start, end=start + len("staff"))
    bob.close()
    assert merge(base, tmp_path / "bob.coder") == 0
    conn = open_project(base)
    try:
        ours = conn.execute("SELECT text FROM responses WHERE id = 'R1'").fetchone()[0]
        (begin, end), = conn.execute('SELECT start, "end" FROM codings WHERE coder = \'bob\'').fetchall()
        assert ours[begin:end] == "staff" and "\r\n" in ours
    finally:
        conn.close()


def test_the_original_merges_into_its_qdpx_copy_too(tmp_path):
    rows = [ANSWERS[0], ["R1", "adults", "Too many cases.\r\nNot enough staff."], ANSWERS[2]]
    base = new_project(tmp_path / "study.coder", rows)
    cli("export", base, "qdpx", "--out", tmp_path / "study.qdpx")
    cli("import-qdpx", tmp_path / "study.qdpx", tmp_path / "copy.coder")
    conn = open_project(base)
    ours = conn.execute("SELECT text FROM responses WHERE id = 'R1'").fetchone()[0]
    start = ours.index("staff")
    toggle_code(conn, "R1", "staffing", "alice", start=start, end=start + len("staff"))
    conn.close()
    assert merge(tmp_path / "copy.coder", base) == 0
    copy = open_project(tmp_path / "copy.coder")
    try:
        text = copy.execute("SELECT text FROM responses WHERE id = 'R1'").fetchone()[0]
        (begin, end), = copy.execute("SELECT start, \"end\" FROM codings WHERE coder = 'alice'").fetchall()
        assert text[begin:end] == "staff" and "\r\n" not in text
    finally:
        copy.close()


def test_a_copys_codings_on_a_code_merged_here_since_go_onto_the_code_it_was_merged_into(copies, capsys):
    """The lead merged 'staffing' into 'caseload' here (F2 `g`); bob's copy still coded with
    staffing. Merging it put codings back on the retired staffing, beside their moved copies on
    caseload: the counts had those responses twice, and no conflict was reported."""
    from coder.store.code_merge import merge_codes

    alice, bob = copies
    conn = open_project(bob)
    toggle_code(conn, "R3", "staffing", "bob")   # a new coding with the code merged away in the project
    conn.close()
    conn = open_project(alice)
    merge_codes(conn, "staffing", "caseload", "lead")
    conn.close()
    capsys.readouterr()
    assert merge(alice, bob) == 0
    out = capsys.readouterr().out
    assert "1 coding in bob.coder on codes merged into others here: taken as on the codes merged into" in out
    assert not [row for row in codings(alice) if row[1] == "staffing"]
    assert ("R3", "caseload", "bob") in {row[:3] for row in codings(alice)}
    capsys.readouterr()
    assert merge(alice, bob) == 0   # twice: nothing more
    assert "codings: 0 added" in capsys.readouterr().out
