"""Batch runs on a project: chunk boundaries, parallel workers, progress, resume after Ctrl-C or a kill."""

import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_fixtures import make_project, run_results
from coder.cli.progress import Progress
from coder.cli.suggest import stopped_by_user
from coder.errors import CoderError
from coder.records import Code, Theme
from coder.store import create_project, open_project
from coder.store.codebook import add_code, add_theme
from coder.store.codings import import_codings
from coder.store.memos import set_memo
from coder.store.responses import insert_responses
from coder.store.suggestions import (RunReplaced, UnfinishedRun, latest_run, not_suggested_codes, run_of,
                                     unfinished_run)
from coder.suggest.batch import run_batch
from coder.suggest.project import project_suggester
from helpers import run_cli

from suggest_fixtures import LUNCH, OTHER, PRINTER, codes, corpus

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them

CHUNK = 20
UNCODED = len(OTHER)   # the tiny corpus's texts with no code are in scope too
SIZES = [CHUNK - 1, CHUNK, CHUNK + 1]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Each size's results from one single-process run in one chunk."""
    out = {}
    for n in SIZES:
        conn = open_project(make_project(tmp_path_factory.mktemp("ref") / "p.coder", n - UNCODED))
        run_batch(conn, chunk_size=10_000, workers=1)
        out[n] = run_results(conn)
        conn.close()
    return out


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("workers", [1, 2])
def test_every_response_is_scored_once_whatever_the_chunk_boundaries(tmp_path, reference, n, workers):
    conn = open_project(make_project(tmp_path / "p.coder", n - UNCODED))
    done = []
    summary = run_batch(conn, chunk_size=CHUNK, workers=workers, advance=done.append)
    assert summary.scored == n and sum(done) == n
    assert done == [CHUNK] * (n // CHUNK) + ([n % CHUNK] if n % CHUNK else [])
    run = latest_run(conn)
    assert (run["status"], run["total"], run["done"]) == ("done", n, n)
    assert run_results(conn) == reference[n]
    conn.close()


def test_progress_prints_plain_lines_when_not_on_a_terminal(tmp_path):
    conn = open_project(make_project(tmp_path / "p.coder", 50 - UNCODED))
    stream = io.StringIO()
    with Progress("Suggesting", 50, stream=stream, interval=0) as progress:
        run_batch(conn, chunk_size=CHUNK, workers=1, advance=progress.advance)
    lines = stream.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "Suggesting: 20/50 (40%)", "Suggesting: 40/50 (80%)", "Suggesting: 50/50 (100%)"]
    assert all(line.endswith(" s left") and "/s" in line for line in lines)


def test_the_cli_ends_with_a_summary_and_the_rate(tmp_path):
    path = make_project(tmp_path / "p.coder", 40 - UNCODED)
    done = run_cli("suggest", path, "--workers", "2", "--chunk-size", "15")
    assert done.returncode == 0, done.stderr
    assert "Run 1: scored 40 responses" in done.stdout
    assert "Scored 40 responses in " in done.stdout and " per second)" in done.stdout


def test_a_run_over_one_response_says_response_in_the_singular(tmp_path):
    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("printer",)), "tester")

    path = tmp_path / "one.coder"
    create_project(path, setup=setup).close()
    conn = open_project(path)
    insert_responses(conn, [("u0", "the printer is broken", {})])
    conn.close()
    done = run_cli("suggest", path, "--workers", "1")
    assert done.returncode == 0, done.stderr
    run, rate = done.stdout.splitlines()[:2]
    assert run == "Run 1: scored 1 response; 1 has suggestions (1 in all)"
    assert rate.startswith("Scored 1 response in ")


def _start_run(path, *extra):
    # SIGINT as a terminal would deliver it: a shell's background job (`pytest &`, some CI runners)
    # starts with it ignored, the run would inherit that and Ctrl-C would never reach it.
    return subprocess.Popen([sys.executable, "-m", "coder", "suggest", str(path), "--chunk-size", "20",
                             "--workers", "2", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_chunks(path, process, chunks):
    """Wait until the run in `process` has stored `chunks` chunks."""
    _wait_for_run(path, process, lambda status, done: done >= chunks * 20, f"store {chunks} chunks")


def _wait_for_run(path, process, ready, what: str) -> None:
    """Wait until `ready(status, done)` of the newest run in the project, while `process` goes on."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        conn = sqlite3.connect(path, timeout=30)
        try:
            run = conn.execute("SELECT status, done FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        except sqlite3.OperationalError:   # the run has not created its tables' rows yet
            run = None
        finally:
            conn.close()
        if run and ready(*run):
            return
        time.sleep(0.02)
    raise AssertionError(f"the run did not {what}: {process.communicate()}")


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
            for c in (task / "children").read_text().split()]


def _gone(pids: list[int], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]
                   for p in pids):
            return True
        time.sleep(0.05)
    return False


# ctrl-c and kill reach the process group, as a terminal and `kill -9 -PGID` send them; term and
# kill-parent reach the parent alone (`kill PID`, an OOM killer): its workers must not outlive it.
@pytest.mark.parametrize("how", ["ctrl-c", "kill", "term", "kill-parent"])
def test_an_interrupted_run_keeps_its_chunks_and_resume_finishes_it_identically(tmp_path, how):
    # 500 chunks of 20: enough that the run cannot finish between the check and the signal (at 4,000
    # it once did, in CI under load: the memo's write below waited on the run's chunk after chunk).
    n = 10_000
    path = make_project(tmp_path / "p.coder", n - UNCODED)
    shutil.copy(path, tmp_path / "whole.coder")
    process = _start_run(path)
    _wait_for_chunks(path, process, 3)
    ui = open_project(path)   # the UI keeps writing while the run writes (WAL, one chunk per transaction)
    set_memo(ui, "project", "", "ann", "written during the run")
    ui.close()
    workers = _children(process.pid) if sys.platform.startswith("linux") else []
    assert process.poll() is None, "the run ended before it could be stopped: give it more responses"
    if how in ("ctrl-c", "kill"):
        os.killpg(process.pid, signal.SIGINT if how == "ctrl-c" else signal.SIGKILL)
    else:
        os.kill(process.pid, signal.SIGTERM if how == "term" else signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    told = how in ("ctrl-c", "term")
    if told:
        assert process.returncode == 130, err
        assert "--resume" in err and "every finished chunk is stored" in err
    assert _gone(workers), f"workers left running after {how}"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    status, done, total = conn.execute("SELECT status, done, total FROM runs").fetchone()
    assert status == ("interrupted" if told else "running")
    assert 60 <= done < total == n and done % 20 == 0
    assert conn.execute("SELECT count(*) FROM suggestion_scores").fetchone()[0] == done
    assert conn.execute("SELECT text FROM memos").fetchall() == [("written during the run",)]
    conn.close()

    resumed = run_cli("suggest", path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"Run 1: scored {n:,} responses" in resumed.stdout
    assert run_cli("suggest", tmp_path / "whole.coder", "--chunk-size", "20").returncode == 0
    first, second = open_project(path), open_project(tmp_path / "whole.coder")
    assert latest_run(first)["status"] == "done" and latest_run(first)["done"] == n
    assert run_results(first) == run_results(second)
    first.close()
    second.close()


def test_resume_is_refused_when_the_coding_changed_or_nothing_is_unfinished(tmp_path):
    conn = open_project(make_project(tmp_path / "p.coder", 30 - UNCODED))
    with pytest.raises(CoderError, match="no run to resume"):
        run_batch(conn, resume=True)
    with pytest.raises(KeyboardInterrupt):
        run_batch(conn, chunk_size=CHUNK, workers=1, advance=_interrupt_after_first_chunk())
    assert (latest_run(conn)["status"], latest_run(conn)["done"]) == ("interrupted", CHUNK)
    import_codings(conn, [("u0", "lunch")], "ann")
    with pytest.raises(CoderError, match="coding or the codebook changed"):
        run_batch(conn, resume=True)
    assert latest_run(conn)["status"] == "interrupted"
    run_batch(conn, workers=1)
    with pytest.raises(CoderError, match="finished; there is nothing to resume"):
        run_batch(conn, resume=True)
    conn.close()


def _run_indexes(conn) -> set[str]:
    return {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('suggestions', 'suggestion_scores') "
        "AND sql IS NOT NULL")}


def test_a_run_drops_its_indexes_while_it_writes_and_builds_them_when_it_ends(tmp_path):
    conn = open_project(make_project(tmp_path / "p.coder", 60 - UNCODED))
    built = {"suggestion_scores_by_unsure_code"}
    assert _run_indexes(conn) == built
    seen = []
    run_batch(conn, chunk_size=CHUNK, workers=1, advance=lambda n: seen.append(_run_indexes(conn)))
    assert seen == [set()] * 3 and _run_indexes(conn) == built
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)   # as the caller's connection had it
    first = run_results(conn)
    with pytest.raises(KeyboardInterrupt):
        run_batch(conn, chunk_size=CHUNK, workers=1, advance=_interrupt_after_first_chunk())
    assert _run_indexes(conn) == built   # an interrupted run's scores feed the coding queue too
    assert conn.execute("SELECT count(*) FROM suggestion_scores").fetchone() == (CHUNK,)  # the last run's only
    run_batch(conn, resume=True)
    assert _run_indexes(conn) == built and run_results(conn) == first
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def _interrupt_after_first_chunk():
    def advance(n):
        raise KeyboardInterrupt
    return advance


def test_bad_batch_options_are_one_line_errors(tmp_path):
    path = make_project(tmp_path / "p.coder", 5)
    for args, message in [(["--workers", "0"], "--workers must be at least 1"),
                          (["--chunk-size", "0"], "--chunk-size must be at least 1"),
                          (["--input", "x.csv"], "--input and --output go together"),
                          (["--dask", "tcp://127.0.0.1:1"], "--dask scores a file")]:
        done = run_cli("suggest", path, *args)
        assert done.returncode == 1
        assert done.stderr.startswith(f"coder: error: {message}") and done.stderr.count("\n") == 1


def test_responses_imported_while_a_run_goes_on_are_not_in_it(tmp_path):
    """A run scored the responses another process imported while it went on: 220,023 done of a
    total of 200,179, progress and ETA wrong. Its scope is the responses there when it started."""
    from coder.store.responses import insert_responses

    path = make_project(tmp_path / "p.coder", 40)
    conn = open_project(path)

    def import_meanwhile(run: dict) -> None:
        other = open_project(path)
        insert_responses(other, [(f"late{i}", "the printer jammed again at lunch", {}) for i in range(30)])
        other.close()

    summary = run_batch(conn, chunk_size=7, workers=1, started=import_meanwhile)
    run = latest_run(conn)
    assert run["done"] == run["total"] == summary.scored
    assert not conn.execute("SELECT count(*) FROM suggestion_scores WHERE response_id LIKE 'late%'").fetchone()[0]
    conn.close()


def test_a_run_that_another_run_replaced_stops_with_one_line_and_the_newer_run_keeps_its_suggestions(tmp_path):
    """Two `coder suggest` at once on a project: the first wrote its next chunk among the second's
    rows and ended in "UNIQUE constraint failed: suggestions.response_id, suggestions.code_id"."""
    path = make_project(tmp_path / "p.coder", 40)
    conn = open_project(path)
    newer = {}

    def another_run_starts(run: dict) -> None:
        other = open_project(path)
        newer["summary"] = run_batch(other, workers=1)
        newer["results"] = run_results(other)
        other.close()

    with pytest.raises(RunReplaced, match=r"run 1 stopped: another `coder suggest` started run 2 .* run 2's "
                                          r"suggestions are the ones kept"):
        run_batch(conn, chunk_size=7, workers=1, started=another_run_starts)
    assert latest_run(conn)["id"] == 2 and latest_run(conn)["status"] == "done"
    assert run_results(conn) == newer["results"] and newer["summary"].scored == newer["summary"].total > 0
    assert conn.execute("SELECT status FROM runs WHERE id = 1").fetchone() == ("interrupted",)
    conn.close()


def _interrupted_project(path, n=60):
    """A project whose latest run stopped by Ctrl-C after its first chunk of CHUNK."""
    conn = open_project(make_project(path, n - UNCODED))
    with pytest.raises(KeyboardInterrupt):
        run_batch(conn, chunk_size=CHUNK, workers=1, advance=_interrupt_after_first_chunk())
    conn.close()
    return path


def test_check_names_an_interrupted_run_how_far_it_got_and_how_to_continue(tmp_path):
    """A run stopped by Ctrl-C or SIGTERM left half the corpus without suggestions, and check said ok."""
    path = _interrupted_project(tmp_path / "my study.coder")
    conn = open_project(path)
    assert unfinished_run(conn) == UnfinishedRun(1, "interrupted", CHUNK, 60)
    conn.close()
    done = run_cli("check", path)
    assert done.returncode == 0, done.stderr   # the file is whole
    first, second = done.stdout.splitlines()
    assert first.startswith(f"{path}: ok (")
    assert second == (f"{path}: suggestion run 1 was interrupted after scoring {CHUNK} of 60 responses; "
                      f"continue it with: coder suggest '{path}' --resume")
    assert run_cli("suggest", path, "--resume").returncode == 0
    conn = open_project(path)
    assert unfinished_run(conn) is None
    conn.close()
    assert run_cli("check", path).stdout.count("\n") == 1


def test_ctrl_c_once_the_run_is_saved_says_it_finished_and_exits_0(tmp_path):
    """Ctrl-C while the summary and queue were printed said "interrupted" (exit 130) of a run saved whole."""
    n = 1_500
    path = make_project(tmp_path / "p.coder", n - UNCODED)
    # The queue asked for (about 150 KB) is more than a pipe holds: read by no one yet, it holds the
    # run at its printing, saved as done, until the test reads it.
    process = _start_run(path, "--queue", str(n))
    _wait_for_run(path, process, lambda status, done: status == "done", "finish")
    assert process.poll() is None, "the run printed everything before it could be stopped: ask for a longer queue"
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)   # the summary, as far as it got (nothing, if stopped before it)
    assert process.returncode == 0, err
    # Its last line: a slow run says how far it got every few seconds before it (in logs and CI).
    assert err.splitlines()[-1] == (
        f"coder: stopped while reporting; run 1 had finished: its suggestions for {n:,} responses are saved")
    assert "interrupted" not in err
    conn = open_project(path, readonly=True)
    assert (latest_run(conn)["status"], latest_run(conn)["done"]) == ("done", n)
    conn.close()


def test_what_ctrl_c_says_follows_the_state_the_run_was_saved_in(tmp_path):
    path = _interrupted_project(tmp_path / "p.coder")
    conn = open_project(path)
    assert stopped_by_user(run_of(conn, 1), path) == (
        f"coder: interrupted after scoring {CHUNK} responses; every finished chunk is stored "
        f"(continue with: coder suggest {path} --resume)", 130)
    run_batch(conn, resume=True, workers=1)
    assert stopped_by_user(run_of(conn, 1), path) == (
        "coder: stopped while reporting; run 1 had finished: its suggestions for 60 responses are saved", 0)
    conn.close()
    assert stopped_by_user(None, path) == ("coder: interrupted while training; nothing was stored", 130)


def test_check_names_a_run_killed_outright(tmp_path):
    path = _interrupted_project(tmp_path / "p.coder")
    conn = sqlite3.connect(path)   # as SIGKILL leaves it: no process left to mark it interrupted
    conn.execute("UPDATE runs SET status = 'running', finished_at = NULL")
    conn.commit()
    conn.close()
    done = run_cli("check", path)
    assert done.stdout.splitlines()[1] == (
        f"{path}: suggestion run 1 has not finished: it scored {CHUNK} of 60 responses and was killed "
        f"(or is still going in another window); continue it with: coder suggest {path} --resume")


def test_a_new_run_says_it_discards_the_interrupted_one(tmp_path):
    path = _interrupted_project(tmp_path / "p.coder")
    done = run_cli("suggest", path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"coder: suggestion run 1 was interrupted after scoring {CHUNK} of 60 responses; this new run "
        f"discards its suggestions (to continue it instead: coder suggest {path} --resume)")
    assert "Run 2: scored 60 responses" in done.stdout
    again = run_cli("suggest", path)
    assert "interrupted" not in again.stderr and "discards" not in again.stderr


def _project_without_lunch_late(path):
    """The tiny coding, a code `odd` whose keyword is the printer code's, and 60 uncoded
    responses: lunch only among the first 20 (the first chunk: the corpus's 12 uncoded texts, then 8 of lunch)."""
    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        for code in codes(printer_keywords=("printer",), lunch_keywords=("lunch",)):
            add_code(conn, code, "tester")
        add_code(conn, Code("odd", "t", "1.3", "Odd", keywords=("printer",)), "tester")

    create_project(path, setup=setup).close()
    texts, labels = corpus()
    rng = random.Random(2)
    late = [". ".join(rng.choices(PRINTER + OTHER, k=2)) for _ in range(40)]
    conn = open_project(path)
    insert_responses(conn, [(f"r{i}", t, {}) for i, t in enumerate(texts)])
    insert_responses(conn, [(f"u{i}", t, {}) for i, t in enumerate(LUNCH + late)])
    import_codings(conn, [(f"r{i}", code) for i in range(len(texts))
                          for j, code in enumerate(["printer", "lunch"]) if labels[i, j]], "ann")
    return conn


def test_a_run_names_the_codes_it_suggested_nowhere_and_why(tmp_path):
    """Codes that ended a run of 291k answers with no suggestion were not named (only codes no
    engine could score were), so the researcher was left wondering."""
    conn = _project_without_lunch_late(tmp_path / "p.coder")
    conn.execute("DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE id LIKE 'u%' "
                 "ORDER BY position LIMIT 8)")   # no lunch at all among the uncoded
    summary = run_batch(conn, chunk_size=CHUNK, workers=1)
    assert summary.scored == 52 and summary.codes_on("model") == ["printer", "lunch"]
    # what the reasons claim, on the scores themselves: `odd`'s keyword matched and scored under its threshold
    texts = [text for (text,) in conn.execute("SELECT text FROM responses WHERE id NOT IN "
                                               "(SELECT response_id FROM codings)")]
    odd = project_suggester(conn).score_texts(texts)[:, 2]
    threshold = summary.decisions[2].threshold
    assert 0 < odd.max() < threshold
    assert summary.unsuggested == {
        "lunch": "its model (8 coded examples) scored no response over its threshold "
                 f"{summary.decisions[1].threshold:.2f}, or only on answers that a stronger code already carries",
        "odd": f"its keyword's learned trust is under the threshold: a match scores {odd.max():.2f}, "
               f"under {threshold:.2f}"}
    assert not_suggested_codes(conn) == summary.unsuggested   # what the coding UI shows beside a code
    assert not conn.execute("SELECT count(*) FROM suggestions WHERE code_id IN ('lunch', 'odd')").fetchone()[0]
    conn.close()
    done = run_cli("suggest", tmp_path / "p.coder")
    assert done.stdout.splitlines()[-3:] == [
        "Codes with no suggestion in the whole run (2):",
        f"  lunch: {summary.unsuggested['lunch']}", f"  odd: {summary.unsuggested['odd']}"]


@pytest.mark.parametrize("older", [False, True])
def test_a_resumed_run_counts_the_suggestions_made_before_it_stopped(tmp_path, older):
    conn = _project_without_lunch_late(tmp_path / "p.coder")
    with pytest.raises(KeyboardInterrupt):
        run_batch(conn, chunk_size=CHUNK, workers=1, advance=_interrupt_after_first_chunk())
    if older:   # an older coder's run kept no counts: its stored suggestions are counted
        conn.execute("UPDATE runs SET params = json_remove(params, '$.suggested')")
    assert conn.execute("SELECT count(*) FROM suggestions WHERE code_id = 'lunch'").fetchone()[0] == 8
    summary = run_batch(conn, resume=True)
    assert summary.scored == 60 and set(summary.unsuggested) == {"odd"}
    conn.close()


def test_on_a_terminal_the_cli_says_it_is_training_before_the_bar(tmp_path):
    """Training on 12,188 coded responses of 291k took 288 s with nothing on the terminal."""
    from test_export_progress import run_with_terminal_stderr

    path = make_project(tmp_path / "p.coder", 40 - UNCODED)
    status, stdout, terminal = run_with_terminal_stderr("suggest", path, "--workers", "1")
    assert status == 0, terminal
    assert "Training on the coding" in terminal and "Suggesting" in terminal
    assert terminal.index("Training on the coding") < terminal.index("Suggesting")
    assert "Run 1: scored 40 responses" in stdout and "Training" not in stdout
