"""What `coder evaluate` and `coder suggest` print at 80 columns, run as the real CLI on real projects."""

from __future__ import annotations

import csv
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from coder.store import open_project
from coder.store.codebook_read import load_codebook
from coder.store.responses import insert_responses
from helpers import CODEBOOK, DEMO_CORPUS, run_cli

pytestmark = pytest.mark.slow  # real processes: `pytest -m "not slow"` skips them


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    done = run_cli("demo", "--no-ui", "--dir", folder)
    assert done.returncode == 0, done.stderr
    return folder / "demo.coder"


def _fits(text: str, columns: int = 80) -> bool:
    return max(map(len, text.splitlines())) <= columns


def test_evaluate_prints_a_line_per_code_at_80_columns_and_why_a_code_got_no_suggestion(demo):
    done = run_cli("evaluate", demo, columns=80)
    assert done.returncode == 0, done.stderr
    assert _fits(done.stdout)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["code", "coded", "precision", "recall", "F1", "engine"]
    conn = open_project(demo, readonly=True)
    codes = load_codebook(conn).codes
    conn.close()
    rows = lines[1:1 + len(codes)]
    assert [row.split()[0] for row in rows] == [c.index for c in codes]   # one line each, in order
    figures = {row.split()[0]: re.search(r"(\d+)\s+(n/a|\d\.\d{3})\s+(\d\.\d{3})\s+(\d\.\d{3})\s", row).groups()
               for row in rows}
    assert rows[13].startswith("4.4 Team and peer support *") and figures["4.4"] == ("2", "n/a", "0.000", "0.000")
    for row in rows:   # every code never suggested out of fold is marked, and only those
        assert (figures[row.split()[0]][1] == "n/a") == (" * " in row), row
    notes = done.stdout.split("Codes marked * got no suggestion out of fold:\n")[1]
    assert notes.startswith("  4.4 Team and peer support: its keywords' learned trust is under the")


def test_scoring_a_file_wraps_its_summary_and_counts_an_invisible_answer_blank(demo, tmp_path):
    source, out = tmp_path / "new.csv", tmp_path / "out.csv"
    texts = ["My caseload is far too high and the paperwork never ends.", "", "\u200b",
             *[f"Supervision is rare and the team is short staffed ({i})." for i in range(9)]]
    with open(source, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("id", "text"), *[(f"n{i}", t) for i, t in enumerate(texts)]])
    done = run_cli("suggest", demo, "--input", source, "--output", out, columns=80)
    assert done.returncode == 0, done.stderr
    assert _fits(done.stdout)
    assert "Scored 12 responses (2 of them blank: nothing to suggest from)" in " ".join(done.stdout.split())
    with open(out, newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["n2"]["codes"] == rows["n2"]["best_code"] == rows["n2"]["unsure_code"] == ""
    four = re.compile(r"\d\.\d{4}")
    for row in rows.values():   # every score written alike: four decimals
        assert all(four.fullmatch(s) for s in [*filter(None, row["scores"].split(";")),
                                               row["best_score"], row["uncertainty"]]), row


def test_a_run_replaced_by_another_says_so_in_lines_of_80_columns(demo, tmp_path):
    path = tmp_path / "big.coder"
    path.write_bytes(demo.read_bytes())
    conn = open_project(path)
    insert_responses(conn, [(f"x{i}", f"the caseload is heavy and the paperwork grows, week {i}", {})
                            for i in range(20_000)])
    conn.close()
    env_columns = {"COLUMNS": "80"}
    first = subprocess.Popen([sys.executable, "-m", "coder", "suggest", str(path), "--chunk-size", "1",
                              "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**_environment(), **env_columns})
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not _running(path):
            time.sleep(0.2)
        assert _running(path), "the first run never started"
        second = run_cli("suggest", path, "--workers", "1", columns=80)
        _, errors = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 0, second.stderr
    assert "has not finished" in second.stderr and _fits(second.stderr)
    assert first.returncode == 1
    assert "another `coder suggest` started run 2" in " ".join(errors.split()) and _fits(errors), errors


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "COLUMNS"}


def _running(path) -> bool:
    with sqlite3.connect(path, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM runs WHERE status = 'running' AND done > 0").fetchone()[0] > 0


def test_a_queue_with_no_code_scored_says_there_is_no_basis_for_one(tmp_path):
    codebook = tmp_path / "no_keywords.yaml"
    codebook.write_text("".join(line for line in CODEBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.lstrip().startswith("keywords:")), encoding="utf-8")
    path = tmp_path / "uncoded.coder"
    assert run_cli("init", path, "--codebook", codebook).returncode == 0
    assert run_cli("import", path, DEMO_CORPUS).returncode == 0
    done = run_cli("suggest", path, "--queue", "5", columns=80)
    assert done.returncode == 0, done.stderr
    assert "Most worth coding next" not in done.stdout and "q0001" not in done.stdout
    assert _fits(done.stdout) and " ".join(done.stdout.split()).endswith(
        "No basis for a queue yet: no code is scored (code some responses, or add keywords to the codebook)")


def test_a_large_codebook_of_everyday_keywords_suggests_nothing_before_coding_and_says_why_once(tmp_path):
    """300 codes whose keywords were common words gave every response about 35 suggestions at
    cold start, each claiming to be right 36% of the time."""
    words = ["staff", "time", "work", "team", "cases", "people", "support", "need", "family", "manager"]
    themes = "\n".join(
        f"  - id: t{t}\n    index: \"{t + 1}\"\n    label: Theme {t}\n    codes:\n" + "\n".join(
            f"      - id: c{t}_{k}\n        index: \"{t + 1}.{k + 1}\"\n        label: Code {t}.{k}\n"
            f"        keywords: [{words[(t + k) % 10]}, {words[(3 * t + k + 1) % 10]}]" for k in range(30))
        for t in range(10))
    (tmp_path / "big.yaml").write_text(f"name: big\nversion: 1\nmethod: framework\nthemes:\n{themes}\n")
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("id", "text")] + [
            (f"r{i}", f"The {words[i % 10]} and the {words[(i * 7) % 10]} need more {words[(i + 3) % 10]}.")
            for i in range(40)])
    project = tmp_path / "big.coder"
    for command in (("init", project, "--codebook", tmp_path / "big.yaml"),
                    ("import", project, tmp_path / "answers.csv")):
        done = run_cli(*command)
        assert done.returncode == 0, done.stderr
    done = run_cli("suggest", project, columns=80)
    assert done.returncode == 0, done.stderr
    assert "scored 40 responses; 0 have suggestions" in done.stdout
    assert _fits(done.stdout)
    notes = " ".join(done.stdout.split("Codes with no suggestion in the whole run (300):\n")[1].split())
    assert notes.startswith("c0_0, c0_1, c0_2, c0_3, c0_4 and 295 more: before any coding a keyword match is "
                            "trusted at 0.")   # one line for the 300 codes, not 20 alike and "280 more"
    assert "keywords match" in notes and "codes per response on average" in notes


def test_codes_not_suggested_for_one_reason_share_a_line(tmp_path):
    """A 110-code codebook without keywords and no coding listed 40 identical lines,
    'code1_1: not enough coding: 5 more coded examples needed', and 'and 70 more'."""
    themes = "\n".join(
        f"  - id: t{t}\n    index: \"{t + 1}\"\n    label: Theme {t}\n    codes:\n" + "\n".join(
            f"      - id: c{t}_{k}\n        index: \"{t + 1}.{k + 1}\"\n        label: Code {t}.{k}" for k in range(11))
        for t in range(10))
    (tmp_path / "plain.yaml").write_text(f"name: plain\nversion: 1\nmethod: framework\nthemes:\n{themes}\n")
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("id", "text")] + [(f"r{i}", f"answer number {i}") for i in range(30)])
    project = tmp_path / "plain.coder"
    for command in (("init", project, "--codebook", tmp_path / "plain.yaml"),
                    ("import", project, tmp_path / "answers.csv")):
        assert run_cli(*command).returncode == 0
    done = run_cli("suggest", project, columns=80)
    assert done.returncode == 0, done.stderr
    notes = " ".join(done.stdout.split("Codes not suggested (110):\n")[1].split())
    assert notes == ("c0_0, c0_1, c0_2, c0_3, c0_4 and 105 more: not enough coding: 5 more coded examples "
                     "needed")


def test_ctrl_c_stops_evaluate_saying_whether_its_evaluation_was_saved(demo, tmp_path):
    """Ctrl-C while `coder evaluate` printed a saved evaluation said "interrupted" (exit 130), as one
    in the middle of cross-validating does."""
    from coder.cli.evaluate import stopped_by_user
    from coder.store.suggestions import latest_evaluation_id, save_evaluation

    path = tmp_path / "copy.coder"
    path.write_bytes(demo.read_bytes())
    process = subprocess.Popen([sys.executable, "-m", "coder", "evaluate", str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=_environment(), start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Cross-validating holds the project open (its -wal file is there) for 10-20 s on the demo.
    deadline = time.monotonic() + 120
    while not path.with_name(path.name + "-wal").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    assert process.poll() is None, process.communicate()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err.splitlines()[-1]) == (
        130, "coder: interrupted while cross-validating; nothing was stored")
    conn = open_project(path)
    before = latest_evaluation_id(conn)
    assert stopped_by_user(path, before, None)[1] == 130
    save_evaluation(conn, coder=None, engine="auto", folds=5, texts=10, overall={}, curve=[], codes=[])
    conn.close()
    assert stopped_by_user(path, before, None) == (
        f"coder: stopped while reporting; evaluation {before + 1} had finished and is saved "
        "(coder code shows its F1s; run coder evaluate again to print it)", 0)
    said, code = stopped_by_user(path, before, tmp_path / "table.csv")
    assert code == 130 and said.endswith(f"; {tmp_path / 'table.csv'} was not written")
