"""`coder code PROJECT`: open the coding UI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from coder.cli.common import add_coder_option, add_project_argument
from coder.errors import CoderError
from coder.store import open_project
from coder.store.connection import require_project_file

COLOR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "code", help="code responses in the terminal UI",
        description="Open the coding UI. Every decision is written to the project the moment "
                    "you make it, tagged with --coder. Press ? in the UI for every key.")
    add_project_argument(parser)
    add_coder_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    open_ui(args.project, args.coder)   # a name, stripped and never empty (`coder_name`)
    return 0


def open_ui(project, coder: str) -> None:
    """Open the project and run the UI until the user quits."""
    from coder.adjudication import CONSENSUS
    from coder.tui.app import CoderApp
    from coder.tui.session import Session

    if coder == CONSENSUS:   # consensus codings are settled on F5, recorded with who settled them
        raise CoderError(f"--coder {CONSENSUS}: that name is kept for the codings settled on F5 (adjudication); "
                         "open the UI under your own name (e.g. --coder lead) and press F5 to settle differences")

    system = os.environ.get("TEXTUAL_COLOR_SYSTEM", "auto")
    if system not in COLOR_SYSTEMS:   # Textual would end in a traceback
        raise CoderError(f"TEXTUAL_COLOR_SYSTEM={system}: use one of {', '.join(COLOR_SYSTEMS)} (or unset it)")
    require_project_file(Path(project), f" (create one with `coder init {project}`)")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):   # before opening: an older project is not upgraded for nothing
        raise CoderError("not a terminal: the coding UI needs one (run coder code in a terminal window; "
                         "scripts use the other commands)")
    conn = open_project(project)
    try:
        app = CoderApp(Session(conn, coder, project))
        app.suit_terminal()
        app.run()
    finally:
        conn.close()
