"""`coder agreement PROJECT`: inter-coder agreement per code on blind double coding."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from coder.cli.common import add_project_argument, table_text
from coder.export.kinds import check_output
from coder.reliability import UNITS, figure
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


def console_table(table):
    """The table as printed: kappa, alpha and AC1 to three places (pandas would print 1.0 and
    -0.0 in a column without other figures), each interval as one `[low, high]` column beside
    its statistic."""
    shown = table.copy()
    for name in ("kappa", "alpha"):
        low, high = shown.pop(f"{name} 95% low"), shown.pop(f"{name} 95% high")
        shown.insert(shown.columns.get_loc(name) + 1, f"{name} 95% CI",
                     [f"[{figure(a)}, {figure(b)}]" if not math.isnan(a) else "n/a" for a, b in zip(low, high)])
    for name in ("kappa", "alpha", "AC1"):
        shown[name] = [figure(value, 3) for value in shown[name]]
    return shown


def run(args: argparse.Namespace) -> int:
    """Measure, print the per-code table and the summary, write the files asked for."""
    from coder.export.tables import ExportTables, write_tables
    from coder.reliability.report import CONSENSUS_NOTE, agreement_report   # deferred: numpy, for `coder --help`

    for option, path in (("--out", args.out), ("--disagreements", args.disagreements)):
        if path is not None:
            check_output("table", path, option)
    conn = open_project(args.project, readonly=True)
    try:
        report = agreement_report(conn, args.coders, unit=args.unit, where=str(args.project),
                                  sample=args.sample)
    finally:
        conn.close()
    result, notes = report.result, list(report.notes)
    print(table_text(console_table(report.table)))
    print()
    print(f"Responses coded by all of {', '.join(report.coders)}: {report.responses}")
    if CONSENSUS_NOTE in notes:
        print(CONSENSUS_NOTE[0].upper() + CONSENSUS_NOTE[1:] + ".")
    print(f"Exact match of whole code sets{' (per character)' if report.unit == 'span' else ''}: "
          f"{figure(result.exact_match)}   "
          f"pooled kappa: {figure(result.pooled_kappa)}   mean alpha: {figure(result.mean_alpha)}")
    if result.left_out:
        print(f"Not assessable (no coder applied them in these responses), left out of pooled kappa "
              f"and mean alpha: {len(result.left_out)} of {len(result.codes)} codes")
    print(f"Disagreements: {len(report.disagreements)} (response, code) pairs")
    if args.out:
        write_tables(ExportTables({"agreement": report.table, "disagreements": report.disagreements}, notes,
                                  csv_notes=True), args.out)
        print(f"Wrote {args.out}")
    if args.disagreements:
        write_tables(ExportTables({"disagreements": report.disagreements}, notes), args.disagreements)
        print(f"Wrote {args.disagreements}")
    return 0
