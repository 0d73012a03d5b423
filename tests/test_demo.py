"""`coder demo`: builds the demo project once, with corpus, codebook and reference coding."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coder.store import open_project
from coder.store.codebook_read import load_codebook
from coder.store.codings import coding_counts
from coder.store.responses import count_responses, get_response
from helpers import file_digest, run_cli

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


def test_demo_builds_once_and_reports_its_contents(tmp_path):
    first = run_cli("demo", "--no-ui", "--dir", tmp_path)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "demo.coder"
    assert f"Built the demo project at {path}" in first.stdout
    assert "responses:  371" in first.stdout
    assert "6 themes, 23 codes" in first.stdout
    assert "coder reference: 340 codings on 187 responses" in first.stdout
    conn = open_project(path)
    assert count_responses(conn) == 371
    assert len(load_codebook(conn).codes) == 23
    assert coding_counts(conn) == {"reference": (340, 187)}
    assert get_response(conn, "q0001").attributes["report"] == "social_work_watch_2014"
    conn.close()
    digest = file_digest(path)
    again = run_cli("demo", "--no-ui", "--dir", tmp_path)
    assert again.returncode == 0 and "Using the demo project" in again.stdout
    assert file_digest(path) == digest


def test_demo_defaults_to_the_user_data_folder(tmp_path):
    env_home = tmp_path / "data"
    result = subprocess.run([sys.executable, "-m", "coder", "demo", "--no-ui"], capture_output=True,
                            text=True, env={**os.environ, "XDG_DATA_HOME": str(env_home)}, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (env_home / "coder" / "demo.coder").is_file()


def test_demo_outside_a_terminal_reports_instead_of_opening_the_ui(tmp_path):
    done = run_cli("demo", "--dir", tmp_path)  # no terminal: stdin and stdout are pipes
    assert done.returncode == 0, done.stderr
    assert "Not a terminal, so the coding UI was not opened." in done.stdout
    assert f"Next: coder code {tmp_path / 'demo.coder'}" in done.stdout
