"""A disk that refuses writes (full, failing, read-only): a one-line error, nothing half-written,
every committed decision kept, and the coding UI keeps running."""

from __future__ import annotations

import resource
import shutil
import signal
import sqlite3
import sys
import subprocess

import pytest
from textual.widgets import TextArea
from batch_fixtures import make_project as make_batch_project, run_results
from tui_driver import run, running, stored_codings
from tui_project import make_project

from coder.coding import toggle_code
from coder.errors import ProjectError
from coder.store import open_project
from coder.store.memos import get_memo, set_memo
from coder.store.responses import insert_responses
from coder.tui.screens.note_editor import DRAFT_DELAY
from helpers import file_digest, run_cli

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    path = make_project(tmp_path / "p.coder", n=30)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    conn.close()
    return path


def _contents(path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return (conn.execute("SELECT count(*) FROM responses").fetchone(),
                conn.execute("SELECT response_id, code_id, coder FROM codings").fetchall(),
                conn.execute("SELECT count(*) FROM events").fetchone())
    finally:
        conn.close()


def test_a_full_disk_is_a_clear_error_and_changes_nothing(project):
    before = _contents(project)
    conn = open_project(project)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")   # what SQLite sees on a full disk: SQLITE_FULL
    rows = [(f"new{i}", "a long answer about caseloads " * 40, {}) for i in range(200)]
    with pytest.raises(ProjectError, match=r"p\.coder: could not save: the disk is full .*nothing was changed"):
        insert_responses(conn, rows)
    with pytest.raises(ProjectError, match="the disk is full"):
        set_memo(conn, "project", "", "alice", "x" * 20_000)
    assert not conn.in_transaction
    conn.close()
    assert _contents(project) == before


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # so a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_the_cli_says_so_in_one_line_and_leaves_the_project_untouched(project, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("id,text\n" + "".join(f"r{i},an answer about caseloads and paperwork number {i}\n"
                                          for i in range(20_000)), encoding="utf-8")
    before, digest = _contents(project), file_digest(project)
    done = subprocess.run([sys.executable, "-m", "coder", "import", str(project), str(big)],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_file_size_limit(project.stat().st_size + 100_000))
    assert done.returncode == 1
    assert done.stderr.startswith(f"coder: error: {project}: could not save: the disk")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert file_digest(project) == digest and _contents(project) == before


def test_a_batch_run_stops_in_one_line_keeps_its_chunks_and_resumes(tmp_path):
    path = make_batch_project(tmp_path / "p.coder", 4000)
    whole = tmp_path / "whole.coder"
    shutil.copy(path, whole)
    done = subprocess.run([sys.executable, "-m", "coder", "suggest", str(path), "--chunk-size", "20"],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_file_size_limit(path.stat().st_size + 200_000))
    assert done.returncode == 1
    assert done.stderr.startswith(f"coder: error: {path}: could not save: the disk")
    assert f"every finished chunk is stored (continue with: coder suggest {path} --resume)" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    status, stored, total = conn.execute("SELECT status, done, total FROM runs").fetchone()
    # Marked interrupted where one more page fits; where the last chunk ended less than a page from the
    # limit not even the mark does, and the run reads as one killed outright: it resumes the same way.
    assert status in ("interrupted", "running") and 0 < stored < total and stored % 20 == 0
    assert conn.execute("SELECT count(*) FROM suggestion_scores").fetchone() == (stored,)
    conn.close()

    assert run_cli("suggest", path, "--resume").returncode == 0   # space freed: the run finishes
    assert run_cli("suggest", whole, "--chunk-size", "20").returncode == 0
    first, second = open_project(path), open_project(whole)
    assert run_results(first) == run_results(second)
    first.close()
    second.close()


def test_the_coding_ui_keeps_running_and_the_typed_note_stays(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            screen.conn.execute("PRAGMA query_only = ON")   # every write now refused, as on a read-only disk
            await pilot.press("2")
            await pilot.pause()
            assert stored_codings(project, "q0001") == [("caseload", None, None, "manual")]
            assert any("could not save" in n.message for n in app._notifications)
            await pilot.press("m", *"keep me", "escape")
            await pilot.pause()
            assert isinstance(app.screen.focused, TextArea) and app.screen.focused.text == "keep me"
            screen.conn.execute("PRAGMA query_only = OFF")   # the disk is fine again
            await pilot.press("escape")
            await pilot.pause()
            assert get_memo(screen.conn, "response", "q0001", "alice") == "keep me"
            await pilot.press("2")
            assert stored_codings(project, "q0001") == [("caseload", None, None, "manual"),
                                                  ("staffing", None, None, "manual")]
    run(scenario)


def test_a_note_that_cannot_be_saved_comes_back_with_all_its_text_not_an_older_draft(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("m", *"first part")
            await pilot.pause(DRAFT_DELAY + 0.5)   # kept as a draft
            screen.conn.execute("PRAGMA query_only = ON")
            await pilot.press(*" and the rest", "escape")
            assert app.screen.focused.text == "first part and the rest"
            screen.conn.execute("PRAGMA query_only = OFF")
            await pilot.press("escape")
            assert get_memo(screen.conn, "response", "q0001", "alice") == "first part and the rest"
    run(scenario)


def test_a_theme_chosen_on_a_full_disk_holds_for_the_session_and_says_it_is_not_kept(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            screen.conn.execute("PRAGMA query_only = ON")
            app.theme = "nord"
            await pilot.pause()
            assert app.theme == "nord" and app.screen is screen
            assert any("not kept for next time" in n.message for n in app._notifications)
    run(scenario)
