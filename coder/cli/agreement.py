"""`coder agreement PROJECT`: inter-coder agreement per code on blind double coding."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.cli.common import add_project_argument, fitted_table, wrapped
from coder.export.kinds import check_output
from coder.reliability import UNITS
from coder.store import open_project


def register(subparsers) -> None:
    """Add the `agreement` command."""
    parser = subparsers.add_parser(
        "agreement", help="agreement between coders per code (kappa, alpha, AC1)",
        description="Measure how far coders who coded the same responses blind agree, code by "
                    "code: observed agreement, Cohen's kappa (two coders), Krippendorff's alpha "
                    "and Gwet's AC1, over the responses every named coder has coded. By "
                    "default the unit is the response: a code counts as applied to it whether "
                    "it was applied to a span or to the whole response. With --unit span the "
                    "unit is the character, as NVivo's coding comparison counts.")
    add_project_argument(parser)
    parser.add_argument("--coders", nargs="+", metavar="NAME",
                        help="the coders to compare (default: all, when there are two or more)")
    parser.add_argument("--unit", choices=UNITS, default="response",
                        help="response: was the code applied anywhere in the response (default); "
                             "span: which characters each coder coded with it (whole-response "
                             "coding covers every character)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write the per-code table to .csv or .xlsx (XLSX adds the disagreements)")
    parser.add_argument("--disagreements", type=Path, metavar="FILE",
                        help="write every (response, code) the coders disagree on to .csv or .xlsx")
    parser.add_argument("--sample", metavar="NAME",
                        help="measure on this sample's responses only (see `coder sample`)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Measure, print the per-code table, its legend and the summary, write the files asked for."""
    from coder.cli import agreement_text
    from coder.export.tables import ExportTables, write_tables
    from coder.reliability.report import agreement_report   # deferred: numpy, for `coder --help`

    for option, path in (("--out", args.out), ("--disagreements", args.disagreements)):
        if path is not None:
            check_output("table", path, option)
    conn = open_project(args.project, readonly=True)
    try:
        report = agreement_report(conn, args.coders, unit=args.unit, where=str(args.project),
                                  sample=args.sample)
    finally:
        conn.close()
    notes = list(report.notes)
    print(fitted_table(*agreement_text.table(report)))
    print()
    print(wrapped(agreement_text.legend(report)))
    print()
    print(wrapped(agreement_text.summary(report, disagreements_file=args.disagreements is not None)))
    if args.out:
        write_tables(ExportTables({"agreement": report.table, "disagreements": report.disagreements}, notes,
                                  csv_notes=True), args.out)
        print(f"Wrote {args.out}")
    if args.disagreements:
        write_tables(ExportTables({"disagreements": report.disagreements}, notes), args.disagreements)
        print(f"Wrote {args.disagreements}")
    return 0
