"""Helpers for tests: paths to shared data, file digests, running the real CLI.

Import with `from helpers import ...` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: to check a failed command left a project untouched."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_cli(*args, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real `coder` CLI in a subprocess; returns the completed process."""
    return subprocess.run([sys.executable, "-m", "coder", *map(str, args)], cwd=cwd, input=input,
                          capture_output=True, text=True, timeout=600)
