"""`coder import-qdpx FILE.qdpx PROJECT`: a new project from a REFI-QDA project."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.errors import CoderError
from coder.refi.reader import import_qdpx


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-qdpx",
        help="create a project from a REFI-QDA .qdpx (NVivo, MAXQDA, ATLAS.ti, QualCoder)",
        description="Read a REFI-QDA project (.qdpx) into a new project file: text sources become "
                    "responses, the code tree the codebook (top-level codes are themes), coded "
                    "selections codings (with their users as coders), case variables attributes, "
                    "notes memos. A bad file leaves no project behind.")
    parser.add_argument("qdpx", type=Path, metavar="FILE.qdpx", help="the REFI-QDA project to read")
    parser.add_argument("project", type=Path, metavar="PROJECT",
                        help="the new project file to create")
    parser.add_argument("--max-unzip-mb", metavar="MB", type=int,
                        help="let one file inside the .qdpx expand to MB megabytes, for a genuinely huge "
                             "project (default: 128 MB for a source text, 1024 MB for project.qde, and at "
                             "most 100 times its compressed size)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.project.suffix.lower() == ".qdpx":
        swapped = args.qdpx.suffix.lower() != ".qdpx"
        raise CoderError(f"{args.project}: the new project is named like a .qdpx "
                         + ("(the .qdpx comes first: coder import-qdpx FILE.qdpx PROJECT)" if swapped
                            else "(name it e.g. study.coder)"))
    content = import_qdpx(args.qdpx, args.project, max_unzip_mb=args.max_unzip_mb)
    print(f"Created {args.project} from {args.qdpx}: {content.summary()}")
    return 0
