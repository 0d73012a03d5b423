"""Export kinds, sources and output names (kept import-light for the command line)."""

from __future__ import annotations

from pathlib import Path

from coder.errors import CoderError

TABLE_KINDS = ("counts", "crosstab", "cooccurrence", "matrix", "codings", "binary")
SOURCES = ("coding", "suggestions", "both")
TABLE_SUFFIXES = (".csv", ".xlsx")
CHART_SUFFIXES = (".png", ".svg", ".pdf")
QDPX_SUFFIXES = (".qdpx",)


def output_suffixes(kind: str) -> tuple[str, ...]:
    """The file name endings an export kind can write."""
    return {"chart": CHART_SUFFIXES, "qdpx": QDPX_SUFFIXES}.get(kind, TABLE_SUFFIXES)


def check_output(kind: str, path: Path | str) -> str:
    """The format ("csv", "png", ...) `path` asks for; CoderError if `kind` cannot write
    it or its folder does not exist (checked before any reading or writing)."""
    path = Path(path)
    suffixes = output_suffixes(kind)
    if path.suffix.lower() not in suffixes:
        choices = " or ".join(filter(None, [", ".join(suffixes[:-1]), suffixes[-1]]))
        raise CoderError(f"--out {path}: name the file {choices} (the format follows the name)")
    if not path.parent.exists():
        raise CoderError(f"--out {path}: folder {path.parent} does not exist (create it first)")
    return path.suffix.lower()[1:]
