"""Codebooks as files: read and write YAML or REFI-QDA `.qdc` (merging into a project: `merge`).

The codebook lives in the project (see `coder.store.codebook`); files are how
it comes in and goes out. The format is chosen by the file's extension:
`.yaml`/`.yml` (see `coder.codebook.yaml_file` and README "Codebook format") or
`.qdc` (see `coder.codebook.qdc`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from coder.codebook.yaml_file import read_yaml_codebook, write_yaml_codebook
from coder.errors import InputError
from coder.records import Codebook
from coder.codebook.qdc_file import read_qdc, write_qdc

FORMATS = {".yaml": (read_yaml_codebook, write_yaml_codebook),
           ".yml": (read_yaml_codebook, write_yaml_codebook),
           ".qdc": (read_qdc, write_qdc)}


def _format(path: Path) -> tuple:
    handlers = FORMATS.get(path.suffix.lower())
    if handlers is None:
        raise InputError(f"unknown codebook format {path.suffix or '(no extension)'!r}",
                         file=str(path), hint="use a .yaml, .yml or .qdc file")
    return handlers


def read_codebook(path: Path | str, *, known_ids: Iterable[str] = ()) -> Codebook:
    """Read and validate a codebook file (.yaml, .yml or .qdc).

    Raises InputError naming the file, line and field of the first problem
    (malformed file, duplicate id or index, missing label, unknown key).
    `known_ids` (the project's theme and code ids) lets a .qdc code without an
    `Id:` line keep the id its GUID was made from (see `coder.codebook.qdc`).
    """
    path = Path(path)
    reader = _format(path)[0]
    if reader is read_qdc:
        return read_qdc(path, known_ids=known_ids)
    return reader(path)


def write_codebook(codebook: Codebook, path: Path | str) -> None:
    """Write a codebook to a file; the format follows the extension (.yaml, .yml or .qdc)."""
    path = Path(path)
    handlers = _format(path)
    if not path.parent.is_dir():
        raise InputError("folder does not exist", file=str(path.parent), hint="create it first")
    handlers[1](codebook, path)
