"""`coder demo`: build the demo project once and open the coding UI on it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coder.cli.common import add_coder_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo project (social work comments) and open it",
        description="Build, once, a demo project from the bundled corpus (371 comments from UK "
                    "social work surveys and reports), the social work framework codebook and a "
                    "reference coding of about half the comments (coder `reference`), then open "
                    "the coding UI on it. Run it again to reopen the same project.")
    parser.add_argument("--dir", type=Path, metavar="DIR",
                        help="put the project at DIR/demo.coder (default: your user data folder)")
    parser.add_argument("--no-ui", action="store_true",
                        help="only print where the project is and what is in it (also what "
                             "happens when it does not run in a terminal, as in a script or CI)")
    add_coder_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from coder.demo import build_demo, demo_path
    from coder.store import open_project
    from coder.summary import describe_project

    path = demo_path(args.dir)
    built = build_demo(path)
    conn = open_project(path, readonly=True)
    try:
        print(("Built" if built else "Using") + f" the demo project at {path}")
        print(describe_project(conn, path))
    finally:
        conn.close()
    in_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if args.no_ui or not in_terminal:
        if not args.no_ui:
            print("\nNot a terminal, so the coding UI was not opened.")
        print(f"\nNext: coder code {path}   (or: coder suggest, coder evaluate, coder export ...)")
        return 0
    from coder.cli.code import open_ui

    open_ui(path, args.coder)
    return 0
