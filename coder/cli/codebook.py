"""`coder codebook show|import|export PROJECT [FILE]`: the project's codebook."""

from __future__ import annotations

import argparse
from contextlib import closing

from coder.cli.common import add_coder_option, add_project_argument
from coder.codebook.files import read_codebook, write_codebook
from coder.codebook.merge import matched_by_label, merge_codebook, retires_any
from coder.errors import CoderError
from coder.records import Codebook
from coder.store import open_project, open_to_check, transaction
from coder.store.backup import safety_copy
from coder.store.codebook_read import load_codebook, responses_per_code
from coder.store.codings import check_coder
from coder.wording import counted, fitted


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "codebook", help="show, import or export the project's codebook",
        description="Show the project's codebook, merge a codebook file into it, or export it "
                    "to YAML or REFI-QDA .qdc.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    show = actions.add_parser("show", help="list themes and codes with how many responses are coded",
                              description="List themes and codes: index, label, number of keywords, "
                                          "responses coded; retired ones are marked.")
    add_project_argument(show)
    add_coder_option(show, default_all=True)
    show.set_defaults(run=run_show)

    merge = actions.add_parser(
        "import", help="merge a codebook file into the project (by id)",
        description="Merge a codebook (.yaml, .yml or .qdc) into the project by id: new codes are "
                    "added, existing ones updated, codes missing from the file are retired "
                    "(never deleted; their codings are kept).")
    add_project_argument(merge)
    merge.add_argument("file", metavar="FILE", help="the codebook file")
    add_coder_option(merge)
    merge.set_defaults(run=run_import)

    export = actions.add_parser("export", help="write the codebook to .yaml/.yml or .qdc",
                                description="Write the project's codebook (retired codes marked) "
                                            "to YAML or a REFI-QDA codebook (.qdc).")
    add_project_argument(export)
    export.add_argument("file", metavar="FILE", help="the file to write (.yaml, .yml or .qdc)")
    export.set_defaults(run=run_export)


def format_codebook(codebook: Codebook, coded: dict[str, int]) -> list[str]:
    """The lines `coder codebook show` prints (sub-codes indented under their code)."""
    lines = [f"{codebook.name}" + (f" (version {codebook.version})" if codebook.version else ""),
             f"{'index':<7} {'label':<48} {'keywords':>8} {'coded':>6}"]
    depths = codebook.depths()
    for theme in codebook.themes:
        mark = "  [retired]" if theme.retired else ""
        lines.append(f"{theme.index:<7} {theme.label}{mark}")
        for code in codebook.codes_of(theme.id):
            mark = "  [retired]" if code.retired else ""
            label = "  " * depths[code.id] + code.label
            lines.append(f"  {code.index:<5} {fitted(label, 48)} {len(code.keywords):>8} "
                         f"{coded.get(code.id, 0):>6}  {code.id}{mark}")
    return lines


def run_show(args: argparse.Namespace) -> int:
    conn = open_project(args.project, readonly=True)
    try:
        check_coder(conn, args.coder)
        codebook = load_codebook(conn)
        coded = responses_per_code(conn, args.coder)
    finally:
        conn.close()
    if not codebook.themes:
        print(f"{args.project} has no codebook yet (add one with `coder codebook import`)")
        return 0
    print("\n".join(format_codebook(codebook, coded)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    with closing(open_to_check(args.project)) as conn:
        known = load_codebook(conn)
        # Read and validated before the project is changed.
        codebook = read_codebook(args.file, known_ids=[r.id for r in known.themes + known.codes])
    codebook, matched = matched_by_label(known, codebook)
    conn = open_project(args.project)
    try:
        copy = safety_copy(conn) if retires_any(known, codebook) else None
        try:
            with transaction(conn):
                report = merge_codebook(conn, codebook, args.coder, source=str(args.file))
        except CoderError:
            if copy:   # the project is as it was: a copy of it would only be left to puzzle over
                copy.unlink(missing_ok=True)
            raise
    finally:
        conn.close()
    print(f"Imported {args.file} into {args.project}: {report.summary()}")
    if matched:
        print(f"  {counted(matched, 'code')} of the file matched to this project's by label (the file "
              f"gave {'it' if matched == 1 else 'them'} another id)")
    if copy:
        print(f"  a copy from before the import: {copy}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    conn = open_project(args.project, readonly=True)
    try:
        codebook = load_codebook(conn)
    finally:
        conn.close()
    write_codebook(codebook, args.file)
    print(f"Wrote {args.file}: {counted(len(codebook.themes), 'theme')}, {counted(len(codebook.codes), 'code')}")
    return 0
