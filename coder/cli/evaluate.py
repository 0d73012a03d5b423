"""`coder evaluate PROJECT`: how far to trust suggestions, by cross-validation on the coding."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from coder.cli.common import NOTED, add_project_argument, coder_name, fitted_table, seed_value, wrapped
from coder.cli.decisions import named, reason_lines
from coder.cli.progress import Waiting
from coder.errors import CoderError
from coder.reliability import figure
from coder.store import open_project, open_to_check
from coder.store.codebook_read import load_codebook
from coder.store.codings import check_coder
from coder.store.suggestions import latest_evaluation_id
from coder.suggest import ENGINES, engine_name

if TYPE_CHECKING:
    from coder.suggest.evaluate import Evaluation


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="cross-validate suggestions against the human coding",
        description="k-fold cross-validation on the coded responses: each fold is suggested by an "
                    "engine trained on the other folds (thresholds chosen inside them). Prints per "
                    "code: coded positives, precision, recall, F1, engine and why a code is not "
                    "suggested; overall micro, macro and sample-based F1 and exact-match rate; F1 "
                    "with 25/50/75/100% of the training data (a rising curve means more coding will "
                    "still help); and a reliability table: scores against how often they were right, "
                    "with the expected calibration error over all pairs and over the pairs scored 0.1 "
                    "and above. Codes on their base rate (on nearly every coded response) are named, "
                    "and the overall figures are given without them too.")
    add_project_argument(parser)
    parser.add_argument("--coder", metavar="NAME", type=coder_name, default=None,
                        help="evaluate against this coder's decisions (default: all coders')")
    parser.add_argument("--folds", type=int, default=5, metavar="K", help="number of folds (default 5)")
    parser.add_argument("--engine", choices=ENGINES, default="auto", help="engine to evaluate (default auto)")
    parser.add_argument("--at-least-one", action="store_true",
                        help="evaluate with every response given at least its best code")
    parser.add_argument("--seed", type=seed_value, default=0, metavar="S",
                        help="how the responses are dealt into folds (default 0): a few seeds show how "
                             "much the figures move by chance")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the per-code table to .csv or .xlsx")
    parser.add_argument("--workers", type=int, metavar="N", default=None,
                        help="processes training codes in parallel (default: one per core)")
    parser.set_defaults(run=run)


def evaluation_table(result: Evaluation, labels: dict[str, tuple[str, str]]):
    """One row per code (a DataFrame): index, id, label, positives, precision, recall, F1, engine, note.

    A figure with nothing to count is missing (NaN), not 0: precision of a code never suggested,
    recall of a code nobody coded, F1 of a code with neither (macro F1 leaves those out)."""
    import pandas as pd  # deferred: keeps `coder --help` fast

    def figure(value: float, defined: bool) -> float:
        return round(value, 3) if defined else float("nan")

    return pd.DataFrame([{"index": labels[c.code_id][0], "code id": c.code_id, "code": labels[c.code_id][1],
                          "positives": c.positives, "precision": figure(c.precision, c.suggested > 0),
                          "recall": figure(c.recall, c.positives > 0),
                          "F1": figure(c.f1, c.positives + c.suggested > 0),
                          "engine": engine_name(c.engine, c.with_keywords),
                          "note": c.note} for c in result.codes])


def console_table(table) -> tuple[list[str], list[list[str]], str, list[str]]:
    """The per-code table (`evaluation_table`) as the terminal shows it, as `fitted_table` takes it:
    a line per code with its index and label, coded positives, precision, recall, F1 and engine;
    the label of a code with a note is marked (the notes follow the table, `note_lines`)."""
    records = table.to_dict("records")
    rows = [[f"{row['index']} {row['code']}", f"{row['positives']:,}",
             *(figure(row[name], 3) for name in ("precision", "recall", "F1")), row["engine"]] for row in records]
    marks = [NOTED if row["note"] else "" for row in records]
    return ["code", "coded", "precision", "recall", "F1", "engine"], rows, "<>>>><", marks


def note_lines(table) -> list[str]:
    """Why each code marked in `console_table` got no suggestion out of fold, which codes have
    too little coding for their figures to be read (fewer positives than a model trains on), and
    which are on their base rate, whose figures are that rate, not skill."""
    from coder.suggest.model import MIN_NEGATIVES, MIN_POSITIVES  # deferred: keeps `coder --help` fast

    records = table.to_dict("records")
    noted = [row for row in records if row["note"]]
    few = [str(row["index"]) for row in records if row["positives"] < MIN_POSITIVES]
    base_rate = [f"{row['index']} {row['code']}" for row in records if row["engine"] == "base rate"]
    return ([f"Codes marked {NOTED.strip()} got no suggestion out of fold:"] * bool(noted)
            + reason_lines([(f"{row['index']} {row['code']}", row["note"]) for row in noted])
            + [f"Coded on fewer than {MIN_POSITIVES} responses, so one response more or less moves their figures "
               f"a long way: {named(few)}"] * bool(few)
            + [f"On their base rate (coded on all but at most {MIN_NEGATIVES - 1} of the coded responses, so "
               "suggested for every response): their figures are that share, not skill at telling responses "
               "apart, and the overall figures are also given without them:"] * bool(base_rate)
            + [f"  {named(base_rate)}"] * bool(base_rate))


def overall_lines(result: Evaluation) -> list[str]:
    """The overall figures and learning curve as readable lines."""
    o = result.overall
    lines = [f"coded responses: {result.texts}, {result.folds}-fold cross-validation",
             # Two lines of figures: wrapped at 80 or 100 columns, one line parted a label from its value.
             f"micro F1 {o['micro_f1']:.3f}   macro F1 {o['macro_f1']:.3f} (codes with coding or suggestions)",
             f"sample F1 {o['samples_f1']:.3f}   exact match {o['exact_match']:.3f}",
             *([f"without base-rate codes: micro F1 {w['micro_f1']:.3f}   macro F1 {w['macro_f1']:.3f}   "
                f"sample F1 {w['samples_f1']:.3f}"] if (w := result.without_base_rate) else
               ["without base-rate codes: none is left, so nothing here tells responses apart"] if w == {} else []),
             f"character n-grams weigh {result.char_weight:g} against words' 1 (chosen on this coding: "
             "1 unless a larger weight gave clearly lower log loss out of fold)"]
    if result.weighting_share is not None:
        lines.append(f"codes with 50 coded responses with and without them weigh each feature {result.weighting_share:g} "
                     "of the way by how well it tells them apart (chosen on this coding by log loss out of fold)")
    if result.learning_curve:
        lines.append("learning curve: each fold trained on a share of its training responses, and tested "
                     "on the same held-out responses as above")
        lines += [f"  {p['fraction']:>4.0%}  {p['texts']:>5,} responses   micro F1 {p['micro_f1']:.3f}   "
                  f"sample F1 {p['samples_f1']:.3f}" for p in result.learning_curve]
    return lines + [""] + calibration_lines(result)


def calibration_lines(result: Evaluation) -> list[str]:
    """The reliability table (out-of-fold scores against how often they were right, a row with few
    pairs marked), its ECE over every pair and over the pairs scored `SCORED_FROM` and above, and
    why the first alone flatters."""
    from coder.suggest.evaluate import FEW_PAIRS, SCORED_FROM  # deferred: keeps `coder --help` fast

    lines = ["calibration: out-of-fold scores of every response and code against how often the code was there",
             f"  {'score':<9} {'pairs':>8} {'mean score':>11} {'right':>7}"]
    for row in result.reliability:
        if row["pairs"]:
            lines.append(f"  {row['low']:.1f}-{row['high']:.1f}   {row['pairs']:>8,} {row['mean_score']:>11.3f} "
                         f"{row['observed']:>7.3f}" + "   few pairs: read loosely" * (row["pairs"] < FEW_PAIRS))
    o = result.overall
    return lines + [
        f"expected calibration error: {o['ece']:.3f} over every pair "
        "(the pair-weighted gap between score and how often it was right)",
        f"  over the {o['scored_pairs']:,} pairs scored {SCORED_FROM:g} and above, where the suggestions are: "
        f"{o['ece_scored']:.3f}" if o["scored_pairs"] else f"  no pair scored {SCORED_FROM:g} or above",
        "Most pairs score near 0, where being right is easy, so the error over every pair is small whatever "
        f"the suggestions are worth: read the error from {SCORED_FROM:g} and the rows above 0.3."]


def run(args: argparse.Namespace) -> int:
    from coder.export.tables import table_format

    if args.folds < 2:
        raise CoderError(f"--folds {args.folds}: use 2 or more")
    if args.workers is not None and args.workers < 1:
        raise CoderError("--workers must be at least 1")
    if args.out:
        table_format(args.out)
    with closing(open_to_check(args.project)) as conn:
        check_coder(conn, args.coder)
        before = latest_evaluation_id(conn)
    wrote: list[Path] = []   # the --out file, once written
    try:
        return _evaluate_and_report(args, wrote)
    except KeyboardInterrupt:   # wherever it lands: the project says whether the evaluation was saved
        said, code = stopped_by_user(args.project, before, args.out if args.out and not wrote else None)
        print(said, file=sys.stderr)
        return code


def _evaluate_and_report(args: argparse.Namespace, wrote: list[Path]) -> int:
    from coder.export.tables import ExportTables, write_tables
    from coder.suggest.project import evaluate_project  # deferred: keeps `coder --help` fast
    from coder.suggest.workers import default_workers

    conn = open_project(args.project)
    try:
        # It trains folds x (1 + the learning curve's points) + 1 times: minutes on a large coding.
        with Waiting(f"Cross-validating on the coding ({args.folds} folds)"):
            result = evaluate_project(conn, coder=args.coder, folds=args.folds, engine=args.engine,
                                      at_least_one=args.at_least_one, seed=args.seed,
                                      workers=default_workers() if args.workers is None else args.workers)
        labels = {c.id: (c.index, c.label) for c in load_codebook(conn).codes}
    finally:
        conn.close()
    table = evaluation_table(result, labels)
    print(fitted_table(*console_table(table)))
    print(wrapped(note_lines(table) + [""] + overall_lines(result)))
    if args.out:
        write_tables(ExportTables({"evaluation": table}, overall_lines(result), csv_notes=True), args.out)
        wrote.append(args.out)
        print(f"Wrote {args.out}")
    return 0


def stopped_by_user(project: Path, before: int, unwritten: Path | None) -> tuple[str, int]:
    """What to say when Ctrl-C (or `kill`) stops `coder evaluate` on `project`, and the exit code, by
    whether the project holds an evaluation newer than `before` (not by where the signal landed): a
    saved evaluation is complete though it was being printed, and exits 0 unless a file asked for
    (`unwritten`) is still to write."""
    with closing(open_to_check(project)) as conn:
        saved = latest_evaluation_id(conn)
    if saved <= before:
        return "coder: interrupted while cross-validating; nothing was stored", 130
    said = (f"coder: stopped while reporting; evaluation {saved} had finished and is saved "
            "(coder code shows its F1s; run coder evaluate again to print it)")
    if unwritten is not None:
        return f"{said}; {unwritten} was not written", 130
    return said, 0
