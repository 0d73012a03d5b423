"""`coder import-codes PROJECT FILE --coder NAME`: existing coding from another tool."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from coder.cli.common import add_project_argument, coder_name
from coder.cli.import_responses import add_input_file_arguments
from coder.coding_import import LAYOUTS, CodingSummary, read_codings, write_codings
from coder.store import open_project, open_to_check
from coder.wording import counted


def register(subparsers) -> None:
    """Add the `import-codes` command."""
    parser = subparsers.add_parser(
        "import-codes", help="import existing coding (long, wide 0/1 or Code 1, Code 2 ... layout)",
        description="Import one coder's existing coding of the project's responses, with "
                    "origin 'imported'. Codes are matched by id, index (e.g. 2.2) or label, "
                    "optionally as theme->code or theme/code. The whole file is checked first.")
    add_project_argument(parser)
    add_input_file_arguments(parser)
    parser.add_argument("--coder", metavar="NAME", type=coder_name, required=True,
                        help="whose coding the file holds (their codings are filed under this name)")
    parser.add_argument("--format", choices=LAYOUTS, default="auto", dest="layout",
                        help="long: one row per id and code; wide: one 0/1 column per code; "
                             "columns: cells Code 1, Code 2 ... naming codes (default: auto)")
    parser.add_argument("--id-col", metavar="C",
                        help="response id column (default: the first column); @row numbers "
                             "the rows 1, 2 ... as `coder import --id-col @row` does")
    parser.add_argument("--code-col", metavar="C",
                        help="code column of the long layout (default: the column named code)")
    parser.add_argument("--skip-col", metavar="C", action="append", default=[],
                        help="a column that holds no codes (text, attributes), left out of the "
                             "wide layout; repeat for several")
    parser.add_argument("--add-codes", action="store_true",
                        help="create codes missing from the codebook under a theme 'imported'")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the file, apply it in one transaction, print what was done."""
    with closing(open_to_check(args.project)) as conn:
        plan = read_codings(conn, args.file, layout=args.layout, id_col=args.id_col,
                            code_col=args.code_col, sheet=args.sheet, encoding=args.encoding,
                            id_prefix=args.id_prefix, add_codes=args.add_codes,
                            skip_cols=tuple(args.skip_col), max_unzip_mb=args.max_unzip_mb)
    conn = open_project(args.project)
    try:
        summary = write_codings(conn, plan, args.coder)
    finally:
        conn.close()
    print(format_summary(summary, args.coder, args.project))
    return 0


def format_summary(summary: CodingSummary, coder: str, project: Path) -> str:
    """The lines printed after an import of coding into `project`."""
    lines = [f"read {counted(summary.rows_read, 'row')} from {summary.file} ({summary.description}; "
             f"{summary.layout} layout)",
             f"{counted(summary.pairs, 'coding')} of {counted(summary.responses, 'response')}: "
             f"{summary.added:,} added for {coder}, {summary.pairs - summary.added:,} already there"]
    if summary.created_codes:
        lines.append(f"created {counted(len(summary.created_codes), 'code')} under theme 'imported': "
                     + ", ".join(summary.created_codes))
    if summary.added:
        lines.append(f"the wrong file? undo (u) in `coder code {project} --coder {coder}` takes this import "
                     "back as one step")
    return "\n".join(lines)
