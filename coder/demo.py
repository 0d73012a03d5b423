"""The demo project: the bundled social work corpus, framework and reference coding.

Built once into a per-user data folder (or a folder the user names) and reused
after that, so `coder demo` opens straight onto the same project next time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coder.codebook.files import read_codebook
from coder.codebook.merge import merge_codebook
from coder.coding_import import read_codings, write_codings
from coder.errors import CoderError
from coder.importers.responses import check_responses, write_responses
from coder.store import create_project

REPO = Path(__file__).resolve().parent.parent
CODEBOOK = REPO / "codebooks" / "social_work_framework.yaml"
CORPUS = REPO / "corpus" / "social_work_comments.csv"
REFERENCE = REPO / "corpus" / "social_work_reference.csv"
REFERENCE_CODER = "reference"
DEMO_FILE = "demo.coder"


def user_data_dir() -> Path:
    """Where coder keeps per-user data: XDG on Linux, the usual places on macOS and Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "coder"


def demo_path(directory: Path | None = None) -> Path:
    """The demo project's path: DIR/demo.coder, by default in the user data folder."""
    return Path(directory or user_data_dir()) / DEMO_FILE


def build_demo(path: Path) -> bool:
    """Build the demo project at `path` unless it exists; True if it was built now."""
    if path.exists():
        return False
    missing = [p for p in (CODEBOOK, CORPUS, REFERENCE) if not p.is_file()]
    if missing:
        raise CoderError(f"{missing[0]}: demo data not found (install coder from a clone of its "
                         "repository with `pip install -e .`)")
    if path.parent.exists() and not path.parent.is_dir():
        raise CoderError(f"{path.parent}: that is a file; --dir names a folder for the demo project")
    path.parent.mkdir(parents=True, exist_ok=True)
    codebook = read_codebook(CODEBOOK)

    def setup(conn) -> None:
        merge_codebook(conn, codebook, REFERENCE_CODER, source=str(CODEBOOK))
        write_responses(conn, check_responses(conn, CORPUS, id_col="id", text_col="text"))
        write_codings(conn, read_codings(conn, REFERENCE, layout="long", id_col="id"), REFERENCE_CODER)

    create_project(path, name="Social work workload comments (demo)", setup=setup).close()
    return True
