"""`coder code` on the command line: bad input is refused with one line."""

from __future__ import annotations

import pytest
from helpers import file_digest, run_cli
from tui_project import make_project

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


def test_code_refuses_missing_project(tmp_path):
    result = run_cli("code", tmp_path / "nope.coder")
    assert result.returncode == 1
    assert result.stderr.startswith("coder: error:") and "no such project file" in result.stderr


def test_code_refuses_empty_coder_and_leaves_project(tmp_path):
    project = make_project(tmp_path / "p.coder", n=3)
    before = file_digest(project)
    result = run_cli("code", project, "--coder", " ")
    assert result.returncode == 2 and "--coder: a coder name cannot be empty" in result.stderr
    assert file_digest(project) == before


def test_code_help_mentions_coder():
    result = run_cli("code", "--help")
    assert result.returncode == 0 and "--coder" in result.stdout


def test_code_refuses_to_code_as_consensus(tmp_path):
    """Consensus codings are made on F5 only (origin consensus, with who settled them in the history)."""
    project = make_project(tmp_path / "p.coder", n=3)
    before = file_digest(project)
    result = run_cli("code", project, "--coder", "consensus")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "--coder consensus: that name is kept for the codings settled on F5" in result.stderr
    assert file_digest(project) == before


def test_code_outside_a_terminal_says_so_instead_of_drawing_escape_codes(tmp_path):
    """Run from a script, `coder code` drew the UI into the pipe until it was killed."""
    project = make_project(tmp_path / "p.coder", n=3)
    result = run_cli("code", project, "--coder", "ann")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "not a terminal: the coding UI needs one" in result.stderr


def test_a_colour_system_textual_does_not_know_is_one_line(tmp_path):
    """TEXTUAL_COLOR_SYSTEM=16 ended in a KeyError traceback from Textual."""
    import os
    import subprocess
    import sys

    project = make_project(tmp_path / "p.coder", n=3)
    result = subprocess.run([sys.executable, "-m", "coder", "code", str(project), "--coder", "ann"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TEXTUAL_COLOR_SYSTEM": "16"})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "TEXTUAL_COLOR_SYSTEM=16: use one of auto, standard, 256, truecolor, windows" in result.stderr
