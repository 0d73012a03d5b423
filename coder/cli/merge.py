"""`coder merge PROJECT OTHER.coder`: bring another coder's copy of the project into this one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coder.cli.common import add_project_argument, coder_name, default_coder
from coder.merge import MergeConflicts, merge_project, read_other_project
from coder.store import open_project
from coder.store.connection import require_project_file


def register(subparsers) -> None:
    """Add the `merge` command."""
    parser = subparsers.add_parser(
        "merge", help="merge another coder's copy of the project (codings, memos, charts, codes)",
        description="Bring OTHER's codings, memos and chart summaries, and the themes and codes "
                    "this project lacks, into PROJECT: codes are matched by id, responses by id "
                    "and text. A response whose text differs, a code whose label or theme "
                    "differs, or a memo or summary both hold with different text is a conflict: "
                    "conflicts are listed and nothing is merged unless --skip-conflicts. OTHER "
                    "is only read. PROJECT is copied first (a safety copy); the merge is one "
                    "change in its history, which undo takes back. Merging the same file again "
                    "adds nothing.")
    add_project_argument(parser)
    parser.add_argument("other", type=Path, metavar="OTHER", help="the project file to merge in")
    parser.add_argument("--skip-conflicts", action="store_true",
                        help="merge all but what the conflicts touch (which is counted as held back)")
    parser.add_argument("--coder", metavar="NAME", type=coder_name, default=default_coder(),
                        help="who merges: the merge is a change in their history, which their undo takes back (default: your user name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Merge and print the summary; on conflicts, list them and change nothing."""
    require_project_file(args.project, f" (create one with `coder init {args.project}`)")
    # Read first: a file that cannot be merged leaves this project as it was (an older one not upgraded).
    other = read_other_project(args.other, args.project)
    conn = open_project(args.project)
    try:
        report = merge_project(conn, other, args.coder, skip_conflicts=args.skip_conflicts)
    except MergeConflicts as exc:
        print("\n".join(exc.report.conflict_lines()), file=sys.stderr)
        raise
    finally:
        conn.close()
    verb = "Merged" if report.event_id else "Nothing new to merge from"
    print(f"{verb} {args.other} into {args.project}")
    print("\n".join(report.lines()))
    return 0
