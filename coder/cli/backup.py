"""`coder backup PROJECT [FILE]`: a consistent copy of the project, even while it is in use."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.cli.common import add_project_argument
from coder.store import open_project
from coder.store.backup import KEEP, backup_to, safety_copy


def register(subparsers) -> None:
    """Add the `backup` command."""
    parser = subparsers.add_parser(
        "backup", help="copy the project safely, even while it is being coded",
        description="Copy the project with SQLite's online backup API: a consistent copy even "
                    "while the UI or a suggestion run writes to it. Without FILE the copy is "
                    f"PROJECT.bak-<UTC time>, next to it, one of the newest {KEEP} kept (as the "
                    "safety copies made before risky steps are).")
    add_project_argument(parser)
    parser.add_argument("file", type=Path, nargs="?", metavar="FILE",
                        help="where to write the copy (must not exist)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    conn = open_project(args.project, readonly=True)
    try:
        target = backup_to(conn, args.file) if args.file else safety_copy(conn)
    finally:
        conn.close()
    print(f"Copied {args.project} to {target}")
    return 0
