"""`coder init PROJECT [--codebook FILE]`: create a project file."""

from __future__ import annotations

import argparse

from coder.cli.common import add_coder_option, add_project_argument
from coder.codebook.files import read_codebook
from coder.codebook.merge import merge_codebook
from coder.store import create_project
from coder.wording import counted


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init", help="create a new project file",
        description="Create a new project file, optionally with a codebook (YAML or REFI-QDA .qdc). "
                    "Codes can also come later with `coder codebook import`.")
    add_project_argument(parser)
    parser.add_argument("--codebook", metavar="FILE", help="a codebook to load (.yaml, .yml or .qdc)")
    parser.add_argument("--name", metavar="NAME", help="the project's name (default: the file name)")
    add_coder_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Read and validate the codebook before anything is created: a bad one leaves no file.
    codebook = read_codebook(args.codebook) if args.codebook else None

    def load_codebook(conn) -> None:
        merge_codebook(conn, codebook, args.coder, source=str(args.codebook))

    create_project(args.project, name=args.name, setup=load_codebook if codebook else None).close()
    if codebook is None:
        what = "no codebook yet (add one with `coder codebook import`)"
    else:
        what = (f"codebook {codebook.name or args.codebook!r} "
                f"({counted(len(codebook.themes), 'theme')}, {counted(len(codebook.codes), 'code')})")
    print(f"Created {args.project} with {what}")
    return 0
