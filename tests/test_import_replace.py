"""`coder import --on-duplicate replace` on coded responses: passages follow their words, a
passage the new text does not hold refuses the import, stale suggestions go, `coder check`
finds passages an older coder left past the end of their text."""

from __future__ import annotations

import sqlite3

from helpers import run_cli
from import_files import fails_untouched, write_csv

from coder.coding import toggle_code
from coder.importers.responses import check_responses, write_responses
from coder.passages import new_start
from coder.store import open_project
from coder.store.suggestions import start_run, suggestions_for_response, write_chunk

OLD = "This is a long answer about caseloads and staffing shortages."
PASSAGE = "staffing shortages"


def _replace(project, file, on_duplicate="replace"):
    conn = open_project(project)
    try:
        return write_responses(conn, check_responses(conn, file, on_duplicate=on_duplicate))
    finally:
        conn.close()


def _coded(project, tmp_path):
    """Responses 1 and 2, alice's staffing passage on 1, bob's whole-response ICS coding on 2, and
    a stored suggestion on each."""
    _replace(project, write_csv(tmp_path / "first.csv", [["id", "text"], ["1", OLD], ["2", "IT systems crash."]]))
    conn = open_project(project)
    start = OLD.index(PASSAGE)
    toggle_code(conn, "1", "staffing", "alice", start=start, end=start + len(PASSAGE))
    toggle_code(conn, "2", "ics", "bob")
    run = start_run(conn, engine="keywords", scope="all", coder=None, params={}, total=2)
    write_chunk(conn, run, [("1", "staffing", 0.8, 0.3, "keywords", '{"keywords": [{"start": 44, "end": 52}]}'),
                            ("2", "ics", 0.9, 0.3, "keywords", "{}")],
                [("1", 0.2, "staffing", 0.8, "staffing", 0.8, 0.3), ("2", 0.1, "ics", 0.9, "ics", 0.9, 0.3)], done=2)
    conn.close()


def _passages(project):
    with sqlite3.connect(project) as conn:
        return conn.execute('SELECT c.response_id, c.coder, substr(r.text, c.start + 1, c."end" - c.start) '
                            "FROM codings c JOIN responses r ON r.id = c.response_id "
                            "WHERE c.start IS NOT NULL").fetchall()


def test_a_passage_moves_with_its_words_and_the_changed_texts_suggestions_go(codebook_project, tmp_path):
    _coded(codebook_project, tmp_path)
    new = [["id", "text"], ["1", OLD.replace("This is a long", "A")], ["2", "IT systems crash."]]
    summary = _replace(codebook_project, write_csv(tmp_path / "new.csv", new))
    assert (summary.replaced, summary.passages_moved) == (2, 1)
    assert _passages(codebook_project) == [("1", "alice", PASSAGE)]
    conn = open_project(codebook_project)
    assert suggestions_for_response(conn, "1") == []                         # it scored the old text
    assert [s.code_id for s in suggestions_for_response(conn, "2")] == ["ics"]   # the same text: kept
    conn.close()


def test_a_passage_the_new_text_does_not_hold_refuses_the_import(codebook_project, tmp_path):
    _coded(codebook_project, tmp_path)
    file = write_csv(tmp_path / "new.csv", [["id", "text"], ["1", "Short."], ["2", "IT systems crash."]])
    message = fails_untouched(codebook_project, lambda: _replace(codebook_project, file),
                              r"new text of 1 response no longer holds 1 coded passage")
    assert "response '1': alice's staffing passage 'staffing shortages'" in message
    assert "--on-duplicate skip" in message


def test_the_cli_says_how_many_passages_moved_and_rows_repeated(codebook_project, tmp_path):
    _coded(codebook_project, tmp_path)
    rows = [["id", "text"], ["1", OLD.replace("This is", "Here's")], ["3", "first"], ["3", "second"]]
    done = run_cli("import", codebook_project, write_csv(tmp_path / "new.csv", rows), "--on-duplicate", "replace")
    assert done.returncode == 0, done.stderr
    assert "replaced 1 response whose id was already there; 1 coded passage moved with its words" in done.stdout
    assert "1 row repeated an earlier row's id; the last of each was kept (first: 3 (lines 3 and 4))" in done.stdout


def test_skip_tells_repeated_rows_from_ids_already_in_the_project(project_path, tmp_path):
    _replace(project_path, write_csv(tmp_path / "a.csv", [["id", "text"], ["1", "old one"]]))
    rows = [["id", "text"], ["1", "new one"], ["2", "first two"], ["2", "second two"]]
    done = run_cli("import", project_path, write_csv(tmp_path / "b.csv", rows), "--on-duplicate", "skip")
    assert "skipped 2: 1 with an id already there, 1 repeating an earlier row's id (first: 2 (lines 3 and 4))" in done.stdout


def test_new_start_keeps_moves_or_gives_up():
    assert new_start("cases", 5, "many cases here") == 5                  # still there
    assert new_start("cases", 5, "so many cases here") == 8               # moved, found once
    assert new_start("cases", 5, "cases and more cases") is None          # found twice: no guess
    assert new_start("cases", 5, "nothing of it") is None


def test_check_names_a_passage_past_the_end_of_its_text(codebook_project, tmp_path):
    _coded(codebook_project, tmp_path)
    with sqlite3.connect(codebook_project) as conn:   # as an older coder's replace left it
        conn.execute("UPDATE responses SET text = 'Short.' WHERE id = '1'")
    done = run_cli("check", codebook_project)
    assert done.returncode == 1
    assert ("1 coded passage reaches past the end of its response's text, first: response '1', "
            "alice's staffing at 42-60 of a text of 6 characters") in done.stdout + done.stderr
