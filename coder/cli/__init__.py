"""The `coder` command line: git-style subcommands, one module each.

Each command module has `register(subparsers)`, which adds its parser (named
as the user types it, e.g. `import-codes`) and sets `run` (a function of the
parsed arguments returning an exit code) as its default.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sqlite3
import sys
import threading

from coder import __version__
from coder.errors import CoderError

# Each command as the user types it, and its module under coder.cli, in the order
# `coder --help` lists them.
COMMANDS = [
    ("init", "init"),
    ("import", "import_responses"),
    ("import-codes", "import_codes"),
    ("codebook", "codebook"),
    ("code", "code"),
    ("suggest", "suggest"),
    ("evaluate", "evaluate"),
    ("agreement", "agreement"),
    ("sample", "sample"),
    ("merge", "merge"),
    ("demo", "demo"),
    ("export", "export"),
    ("import-qdpx", "import_qdpx"),
    ("check", "check"),
    ("backup", "backup"),
]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with every subcommand registered, or only `command` (as typed).

    Registering a command imports its module and what that imports (YAML,
    XML, the importers ...): a third of a second for all of them, which a
    command that needs none of it (`coder code` opening the UI) should not wait for.
    """
    parser = argparse.ArgumentParser(
        prog="coder",
        description="Qualitative coding of free-text survey responses with a framework codebook.",
    )
    parser.add_argument("--version", action="version", version=f"coder {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for typed, module in COMMANDS:
        if command is None or typed == command:
            importlib.import_module(f"coder.cli.{module}").register(subparsers)
    return parser


def _command_typed(argv: list[str]) -> str | None:
    """The command named on the command line, if it is one (else None: every command is registered)."""
    typed = next((arg for arg in argv if not arg.startswith("-")), None)
    return typed if typed in dict(COMMANDS) else None


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 bad input, 130 interrupted)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command_typed(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    # `kill` (SIGTERM) stops a command as Ctrl-C does: what is finished is kept, a run is marked
    # interrupted, and one line says so.
    if threading.current_thread() is threading.main_thread():   # only the main thread may set it
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.run(args) or 0
    except MemoryError:
        print("coder: error: out of memory (what was saved before is in the project; close other "
              "programs, or run it on a machine with more memory)", file=sys.stderr)
        return 1
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


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


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
