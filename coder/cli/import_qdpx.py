"""`coder import-qdpx FILE.qdpx PROJECT`: a new project from a REFI-QDA project."""

from __future__ import annotations

import argparse
from pathlib import Path

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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    content = import_qdpx(args.qdpx, args.project)
    print(f"Created {args.project} from {args.qdpx}: {content.summary()}")
    return 0
