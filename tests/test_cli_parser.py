"""The command line registers only the command typed (start-up), and every command otherwise."""

from __future__ import annotations

import subprocess
import sys

from helpers import run_cli

from coder.cli import COMMANDS


def test_a_command_typed_imports_only_its_own_module():
    # In a fresh interpreter: what registering `code` imports, against every command.
    probe = ("import sys; from coder.cli import build_parser; build_parser({}); "
             "print(sorted(m for m in sys.modules if m.startswith('coder.cli.')))")
    one = subprocess.run([sys.executable, "-c", probe.format("'code'")], capture_output=True, text=True, check=True)
    every = subprocess.run([sys.executable, "-c", probe.format("None")], capture_output=True, text=True, check=True)
    assert "coder.cli.code" in one.stdout and "coder.cli.import_qdpx" not in one.stdout
    assert all(f"coder.cli.{module}'" in every.stdout for _, module in COMMANDS)


def test_help_lists_every_command_and_each_command_has_its_own_help():
    listing = run_cli("--help")
    assert listing.returncode == 0
    for typed, _ in COMMANDS:
        assert f"    {typed}" in listing.stdout
        own = run_cli(typed, "--help")
        assert own.returncode == 0 and f"usage: coder {typed}" in own.stdout


def test_an_unknown_command_is_refused_naming_the_real_ones():
    result = run_cli("nosuch")
    assert result.returncode == 2
    assert "invalid choice: 'nosuch'" in result.stderr and "'import-qdpx'" in result.stderr
