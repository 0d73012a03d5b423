"""`coder check PROJECT`: is the project file whole? One line, exit 1 if not; a second line when
its latest suggestion run did not finish (how far it got, and how to continue it)."""

from __future__ import annotations

import argparse

from coder.cli.common import add_project_argument
from coder.store.check import check_project
from coder.suggest.unfinished import resume_command, stopped_at


def register(subparsers) -> None:
    """Add the `check` command."""
    parser = subparsers.add_parser(
        "check", help="check a project file: integrity, foreign keys, schema and metadata",
        description="Check that a project file is whole: SQLite's integrity check, rows that "
                    "point at nothing, the tables and columns of its schema version and its "
                    "metadata. The file is only read. Prints one line (and one more when the last "
                    "suggestion run did not finish); exits 1 if it is damaged.")
    add_project_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = check_project(args.project)
    print(report.line())
    if report.unfinished is not None:
        print(f"{args.project}: {stopped_at(report.unfinished)}; continue it with: {resume_command(args.project)}")
    return 0 if report.ok else 1
