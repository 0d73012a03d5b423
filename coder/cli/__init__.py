"""The `coder` command line: git-style subcommands, one module each.

Each command module has `register(subparsers)`, which adds its parser (named
as the user types it, e.g. `import-codes`) and sets `run` (a function of the
parsed arguments returning an exit code) as its default.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys

from coder import __version__
from coder.errors import CoderError

# Modules under coder.cli, one per command, in the order `coder --help` lists them.
COMMANDS = [
    "init",
    "import_responses",
    "import_codes",
    "codebook",
    "code",
    "suggest",
    "evaluate",
    "agreement",
    "sample",
    "merge",
    "demo",
    "export",
    "import_qdpx",
    "check",
    "backup",
]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="coder",
        description="Qualitative coding of free-text survey responses with a framework codebook.",
    )
    parser.add_argument("--version", action="version", version=f"coder {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"coder.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 bad input, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except CoderError as exc:
        print(f"coder: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coder: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `coder ... | head`): stop quietly, like other tools.
        sys.stderr.close()
        return 141
    except OSError as exc:   # a file the library did not expect to fail (permissions, a full disk)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"coder: error: {where}{exc.strerror or exc} (nothing was changed)", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:   # met mid-command: a file damaged since it was opened
        project = getattr(args, "project", None)
        advice = f" (check the project with `coder check {project}`)" if project else ""
        print(f"coder: error: {exc}{advice}", file=sys.stderr)
        return 1


def run() -> None:
    """The `coder` program: `main`, then exit without the interpreter's teardown.

    Everything a command writes is closed by the time it returns; what is left
    is freeing a large heap object by object (the word lexicon, trained
    models, spaCy's vocabulary), which took about half a second after a
    suggestion run.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if not stream.closed:   # main closes stderr when the reader of its output went away
                stream.flush()
        except BrokenPipeError:
            code = 141
    os._exit(code)
