"""Export kinds, sources and output names (kept import-light for the command line)."""

from __future__ import annotations

import os
from pathlib import Path

from coder.errors import CoderError
from coder.files import writable

TABLE_KINDS = ("counts", "crosstab", "cooccurrence", "matrix", "codings", "binary")
SOURCES = ("coding", "suggestions", "both")
TABLE_SUFFIXES = (".csv", ".xlsx")
CHART_SUFFIXES = (".png", ".svg", ".pdf")
QDPX_SUFFIXES = (".qdpx",)


def output_suffixes(kind: str) -> tuple[str, ...]:
    """The file name endings an export kind can write."""
    return {"chart": CHART_SUFFIXES, "qdpx": QDPX_SUFFIXES}.get(kind, TABLE_SUFFIXES)


def check_output(kind: str, path: Path | str, option: str = "--out") -> str:
    """The format ("csv", "png", ...) `path` asks for; CoderError (naming `option`) if `kind`
    cannot write it, or the file cannot be written there: its folder missing or read-only, the
    name a folder's or a read-only file's (checked before any reading or writing)."""
    path = Path(path)
    suffixes = output_suffixes(kind)
    if path.suffix.lower() not in suffixes:
        choices = " or ".join(filter(None, [", ".join(suffixes[:-1]), suffixes[-1]]))
        raise CoderError(f"{option} {path}: name the file {choices} (the format follows the name)")
    folder = path.parent
    if not folder.exists():
        raise CoderError(f"{option} {path}: folder {folder} does not exist (create it first)")
    if path.is_dir():
        raise CoderError(f"{option} {path}: that is a folder (name a file in it)")
    if path.exists() and not writable(path):
        raise CoderError(f"{option} {path}: the file is read-only (name another, or make it writable)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CoderError(f"{option} {path}: cannot write in folder {folder} (it is read-only); "
                         "choose a folder you can write to")
    return path.suffix.lower()[1:]
