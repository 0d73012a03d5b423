"""`coder export PROJECT KIND --out FILE`: counts, crosstabs, matrix, codings, 0/1, memos, qdpx, chart."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coder.cli.common import add_coder_option, add_project_argument
from coder.cli.progress import Progress
from coder.errors import CoderError
from coder.export.kinds import SOURCES, TABLE_KINDS, check_output

if TYPE_CHECKING:   # pandas loads only when an export runs
    from coder.export.tables import ExportTables

KINDS = (*TABLE_KINDS, "memos", "qdpx", "chart")
# Why --roll-up and --source do not apply to the kinds they do not.
NOT_ROLLED_UP = {"memos": "memos count no codes", "qdpx": "a qdpx keeps the tree", "chart": "a chart counts themes"}
NO_SOURCE = {"memos": "memos are no coding", "qdpx": "qdpx holds human coding only"}
# A table export of this many cells (a few seconds' writing to .xlsx) shows a progress bar on a terminal.
PROGRESS_FROM_CELLS = 200_000


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export counts, crosstabs, the framework matrix, codings, memos or a REFI-QDA project",
        description="Export results for Excel, R, SPSS or another QDA tool. Tables are .csv or "
                    ".xlsx by the --out name; chart is .png, .svg or .pdf; qdpx is a REFI-QDA "
                    "project for NVivo, ATLAS.ti, MAXQDA and QualCoder. The project is opened "
                    "read-only and never changed.",
        epilog="kinds: counts (responses per theme and code, % of responses, or of coded ones with "
               "--base coded), crosstab (codes x "
               "attribute values with chi-square; needs --by), cooccurrence (code pairs, Jaccard), "
               "matrix (framework matrix: responses x codes by theme), codings (one row per "
               "coding), binary (one 0/1 column per code), memos (one row per memo on the project, a "
               "theme, a code or a response: its coder and whole text), qdpx (REFI-QDA project), chart "
               "(bar chart of theme counts)")
    add_project_argument(parser)
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write (.csv/.xlsx; .png/.svg/.pdf for chart; .qdpx)")
    parser.add_argument("--by", metavar="ATTR",
                        help="split counts, crosstab and chart by this attribute's values")
    parser.add_argument("--base", choices=("all", "coded"), default="all",
                        help="percent base of counts, crosstab and chart: all responses (default), or "
                             "those with any code (while coding is under way)")
    add_coder_option(parser, default_all=True)
    parser.add_argument("--source", choices=SOURCES, default="coding",
                        help="count human coding (default), machine suggestions, or both")
    parser.add_argument("--roll-up", action="store_true",
                        help="tables: count each sub-code as its code directly under the theme (a "
                             "response with two sub-codes of one code counts once for it); "
                             "default: every code and sub-code its own row")
    parser.add_argument("--excel", action="store_true",
                        help="CSV as UTF-8 with a byte-order mark and CRLF, for Excel")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: pandas, scipy and matplotlib would slow every other command.
    from coder.export import (build_tables, check_base, check_by, check_coder, export_chart,
                              load_project_data, memo_tables)
    from coder.refi.writer import write_qdpx
    from coder.store import get_meta, open_project

    check_by(args.kind, args.by)
    check_base(args.kind, args.base)
    check_output(args.kind, args.out)
    if args.roll_up and args.kind not in TABLE_KINDS:
        raise CoderError(f"--roll-up applies to the tables ({', '.join(TABLE_KINDS)}), not {args.kind} "
                         f"({NOT_ROLLED_UP[args.kind]})")
    if args.source != "coding" and args.kind in NO_SOURCE:
        raise CoderError(f"{NO_SOURCE[args.kind]}: leave out --source")
    conn = open_project(args.project, readonly=True)
    try:
        if args.kind == "qdpx":
            check_coder(conn, args.coder)
            summary = write_qdpx(conn, args.out, coder=args.coder)
            print(f"Wrote {args.out}: REFI-QDA project with {summary}")
            return 0
        if args.kind == "memos":
            notes = _write(memo_tables(conn, coder=args.coder), args)
        else:
            data = load_project_data(conn, source=args.source, coder=args.coder)
            if args.kind == "chart":
                notes = export_chart(data, args.out, by=args.by, base=args.base, name=get_meta(conn).get("name", ""))
            else:
                notes = _write(build_tables(args.kind, data, by=args.by, base=args.base, roll_up=args.roll_up), args)
    finally:
        conn.close()
    print(f"Wrote {args.kind} to {args.out}")
    for note in notes:
        print(f"  {note}")
    return 0


def _write(tables: ExportTables, args: argparse.Namespace) -> list[str]:
    """Write a table export's `tables` to --out, with a progress bar on a terminal when they are
    big; return their notes and those the writing adds."""
    from coder.export import write_tables

    cells = tables.cells(args.out)
    # An .xlsx is compressed as it is saved, after its last cell: the bar counts that time
    # down (`after`) under its own label rather than standing at 0:00:00 while it goes on.
    with Progress(f"writing {args.out.name} (cells)", cells,
                  enabled=cells >= PROGRESS_FROM_CELLS and sys.stderr.isatty(),
                  after=tables.save_share(args.out) if cells >= PROGRESS_FROM_CELLS else 0.0,
                  then=f"saving {args.out.name}") as bar:
        return tables.notes + write_tables(tables, args.out, excel_bom=args.excel, advance=bar.advance)
