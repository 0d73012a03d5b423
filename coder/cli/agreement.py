"""`coder agreement PROJECT`: inter-coder agreement per code on blind double coding."""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from coder.cli.common import add_project_argument
from coder.errors import CoderError
from coder.store import open_project
from coder.store.codebook_read import load_codebook
from coder.store.codings import coders as project_coders, list_codings

if TYPE_CHECKING:
    from coder.reliability import Agreement


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "agreement", help="agreement between coders per code (kappa, alpha, AC1)",
        description="Measure how far coders who coded the same responses blind agree, code by "
                    "code: observed agreement, Cohen's kappa (two coders), Krippendorff's alpha "
                    "and Gwet's AC1, over the responses every named coder has coded. A code "
                    "counts as applied to a response whether it was applied to a span or to "
                    "the whole response.")
    add_project_argument(parser)
    parser.add_argument("--coders", nargs="+", metavar="NAME",
                        help="the coders to compare (default: all, when there are two or more)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write the per-code table to .csv or .xlsx (XLSX adds the disagreements)")
    parser.add_argument("--disagreements", type=Path, metavar="FILE",
                        help="write every (response, code) the coders disagree on to .csv or .xlsx")
    parser.set_defaults(run=run)


def _code_sets(conn, coders: list[str]) -> dict[str, dict[str, set[str]]]:
    sets: dict[str, dict[str, set[str]]] = {c: defaultdict(set) for c in coders}
    for coding in list_codings(conn):
        if coding.coder in sets:
            sets[coding.coder][coding.response_id].add(coding.code_id)
    return sets


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def agreement_table(result: Agreement, labels: dict[str, tuple[str, str]]):
    """One row per code (a DataFrame): index, label, applied by each coder, the statistics."""
    import pandas as pd  # deferred: keeps `coder --help` fast

    rows = []
    for code in result.codes:
        index, label = labels[code.code_id]
        row = {"code index": index, "code id": code.code_id, "code": label, "responses": code.units}
        row.update({f"applied by {c}": n for c, n in code.applied.items()})
        row.update({"prevalence %": round(100 * code.prevalence, 1) if code.units else math.nan,
                    "agreement %": round(100 * code.agreement, 1) if code.units else math.nan,
                    "kappa": round(code.kappa, 3),
                    "kappa 95% low": round(code.kappa_interval[0], 3),
                    "kappa 95% high": round(code.kappa_interval[1], 3),
                    "alpha": round(code.alpha, 3),
                    "alpha 95% low": round(code.alpha_interval[0], 3),
                    "alpha 95% high": round(code.alpha_interval[1], 3),
                    "AC1": round(code.ac1, 3)})
        rows.append(row)
    return pd.DataFrame(rows)


def console_table(table):
    """The table as printed: each interval as one `[low, high]` column beside its statistic."""
    shown = table.copy()
    for name in ("kappa", "alpha"):
        low, high = shown.pop(f"{name} 95% low"), shown.pop(f"{name} 95% high")
        shown.insert(shown.columns.get_loc(name) + 1, f"{name} 95% CI",
                     [f"[{_fmt(a)}, {_fmt(b)}]" if not math.isnan(a) else "n/a" for a, b in zip(low, high)])
    return shown


def run(args: argparse.Namespace) -> int:
    import pandas as pd  # deferred: keeps `coder --help` fast

    from coder.export.tables import ExportTables, write_tables
    from coder.reliability import RESAMPLES, measure_agreement   # deferred: numpy, for `coder --help`

    conn = open_project(args.project, readonly=True)
    try:
        available = project_coders(conn)
        coders = args.coders or available
        unknown = [c for c in coders if c not in available]
        if unknown:
            raise CoderError(f"{args.project}: no coding by {', '.join(unknown)} "
                             f"(coders in this project: {', '.join(available) or 'none'})")
        if len(set(coders)) < 2:
            raise CoderError(f"{args.project}: agreement needs two or more coders "
                             f"(coders in this project: {', '.join(available) or 'none'}); use --coders")
        codebook = load_codebook(conn)
        code_sets = _code_sets(conn, coders)
    finally:
        conn.close()
    used = set().union(*(codes for per in code_sets.values() for codes in per.values()))
    code_ids = [c.id for c in codebook.codes if not c.retired or c.id in used]
    labels = {c.id: (c.index, c.label) for c in codebook.codes}
    result = measure_agreement(code_sets, coders, code_ids)
    if not result.units:
        raise CoderError(f"{args.project}: no response has been coded by all of {', '.join(coders)}")
    table = agreement_table(result, labels)
    disagreements = pd.DataFrame(
        [{"response id": r, "code index": labels[c][0], "code": labels[c][1],
          "applied by": ", ".join(who) or "", "not applied by": ", ".join(x for x in coders if x not in who)}
         for r, c, who in result.disagreements(code_sets)],
        columns=["response id", "code index", "code", "applied by", "not applied by"])
    notes = [f"coders: {', '.join(coders)}; responses coded by all of them: {len(result.units)}",
             "a code counts as applied to a response if applied anywhere in it",
             "kappa: Cohen's (two coders only); alpha: Krippendorff's, nominal; AC1: Gwet's "
             "(robust when a code is rare); n/a: undefined because no coder varied",
             f"95% low/high: percentile bootstrap over the responses ({RESAMPLES} resamples, fixed seed); "
             "n/a when too few responses have the code to tell"]
    print(console_table(table).to_string(index=False, na_rep="n/a"))
    print()
    print(f"Responses coded by all of {', '.join(coders)}: {len(result.units)}")
    print(f"Exact match of whole code sets: {_fmt(result.exact_match)}   "
          f"pooled kappa: {_fmt(result.pooled_kappa)}   mean alpha: {_fmt(result.mean_alpha)}")
    print(f"Disagreements: {len(disagreements)} (response, code) pairs")
    if args.out:
        write_tables(ExportTables({"agreement": table, "disagreements": disagreements}, notes), args.out)
        print(f"Wrote {args.out}")
    if args.disagreements:
        write_tables(ExportTables({"disagreements": disagreements}, notes), args.disagreements)
        print(f"Wrote {args.disagreements}")
    return 0
