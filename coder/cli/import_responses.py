"""`coder import PROJECT FILE`: add responses from CSV, XLSX/XLS, JSONL or TXT."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from coder.cli.common import add_coder_option, add_project_argument
from coder.cli.progress import Progress
from coder.importers.responses import ON_DUPLICATE, ImportSummary, check_responses, write_responses
from coder.store import open_project, open_to_check
from coder.wording import counted

PROGRESS_FROM_ROWS = 10_000


def register(subparsers) -> None:
    """Add the `import` command."""
    parser = subparsers.add_parser(
        "import", help="import responses from a CSV, XLSX, XLS, JSONL or TXT file",
        description="Import responses (one per row) into the project. The id and text columns "
                    "are found by name when not given; every other column becomes an attribute. "
                    "The whole file is checked before anything is written.")
    add_project_argument(parser)
    add_input_file_arguments(parser)
    parser.add_argument("--id-col", metavar="C",
                        help="column holding the respondent id; @row numbers the rows 1, 2 ... "
                             "(default: a column named id, respondent_id, caseid ...)")
    parser.add_argument("--text-col", metavar="C",
                        help="column holding the text (default: a column named text, comment, "
                             "response, answer or verbatim, else the only free-text column)")
    parser.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="error",
                        help="an id already in the project or repeated in the file: stop "
                             "(error, the default), keep the first (skip) or take the new row "
                             "(replace: text and attributes change, codings stay)")
    add_coder_option(parser)
    parser.set_defaults(run=run)


def add_input_file_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE and the options that say how to read it (shared with `import-codes`)."""
    parser.add_argument("file", type=Path, metavar="FILE",
                        help=".csv/.tsv (delimiter sniffed), .xlsx, .xls, .jsonl or .txt "
                             "(one response per line)")
    parser.add_argument("--id-prefix", metavar="P", default="",
                        help="put P before every id (e.g. train- and test- for two files "
                             "numbered with --id-col @row)")
    parser.add_argument("--sheet", metavar="S", help="workbook sheet, by name or number from 1 "
                                                     "(default: the first)")
    parser.add_argument("--encoding", metavar="E",
                        help="text encoding, e.g. utf-8, cp1252, latin-1 (default: detect "
                             "UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252)")
    parser.add_argument("--max-unzip-mb", metavar="MB", type=int,
                        help="let one part of an .xlsx expand to MB megabytes, for a genuinely "
                             "huge workbook (default: 128 MB, 1024 MB for a sheet, and at most "
                             "100 times its compressed size)")


def run(args: argparse.Namespace) -> int:
    """Check the file, write it in one transaction, print the summary."""
    with closing(open_to_check(args.project)) as conn:
        plan = check_responses(conn, args.file, id_col=args.id_col, text_col=args.text_col,
                               sheet=args.sheet, encoding=args.encoding,
                               on_duplicate=args.on_duplicate, id_prefix=args.id_prefix,
                               max_unzip_mb=args.max_unzip_mb)
    conn = open_project(args.project)
    try:
        with Progress("importing", plan.rows_read,
                      enabled=plan.rows_read > PROGRESS_FROM_ROWS) as bar:
            summary = write_responses(conn, plan, coder=args.coder, advance=bar.advance)
    finally:
        conn.close()
    print(format_summary(summary))
    return 0


def format_summary(summary: ImportSummary) -> str:
    """The lines printed after an import."""
    attributes = ", ".join(summary.attributes) or "none"
    lines = [f"read {counted(summary.rows_read, 'row')} from {summary.file} ({summary.description})",
             f"id: {summary.id_column}, text: {summary.text_column}, attributes: {attributes}",
             f"imported {counted(summary.imported, 'new response')}"]
    if summary.replaced:
        n = summary.passages_moved
        moved = f"; {counted(n, 'coded passage')} moved with {'its' if n == 1 else 'their'} words" if n else ""
        lines.append(f"replaced {counted(summary.replaced, 'response')} whose id was already there{moved}")
    repeats = f"{summary.repeated:,} repeating an earlier row's id (first: {', '.join(summary.first_repeats)})"
    skipping_repeats = summary.repeated and summary.on_duplicate == "skip"
    if summary.repeated and not skipping_repeats:
        lines.append(f"{counted(summary.repeated, 'row')} repeated an earlier row's id; the last of each was kept "
                     f"(first: {', '.join(summary.first_repeats)})")
    skipped = []
    if summary.skipped_empty:
        skipped.append(f"{summary.skipped_empty:,} with empty text")
    if summary.skipped_duplicate:
        skipped.append(f"{summary.skipped_duplicate:,} with an id already there")
    if skipping_repeats:
        skipped.append(repeats)
    if skipped:
        total = summary.skipped_empty + summary.skipped_duplicate + (summary.repeated if skipping_repeats else 0)
        lines.append(f"skipped {total:,}: " + ", ".join(skipped))
    return "\n".join(lines)
