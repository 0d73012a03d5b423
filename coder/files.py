"""Writing an output file whole or not at all, with the permissions any new file gets.

A file is written under a temporary name in its folder and moved into place
when complete, so a failed write never leaves half a file. A process killed
while writing leaves its temporary file; the next write of the same file
removes those an hour old (`remove_leftovers`). The temporary file
is made private (mkstemp's 0600); it is given the mode the user's umask gives
any new file before it is moved, so an export is shared like the project.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from coder.errors import CoderError


def umask() -> int:
    """The process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shared_mode(path: Path | str) -> None:
    """Give `path` the mode a new file gets under the umask (e.g. 0644), not mkstemp's 0600."""
    os.chmod(path, 0o666 & ~umask())


LEFTOVER_AGE_SECONDS = 3600   # a temporary file not written for this long is no write in progress


def writable(path: Path | str) -> bool:
    """Whether the file may be written: this user may, and its mode says anyone may. Root may write
    a file whose write bits are all off (chmod 444), but whoever turned them off meant it to stay
    as it is."""
    return os.access(path, os.W_OK) and bool(os.stat(path).st_mode & 0o222)


def temporary_prefix(path: Path) -> str:
    """The start of the name of a temporary file made for `path` (mkstemp then adds 8 characters)."""
    return f".{path.name}."


def remove_leftovers(path: Path, suffix: str) -> None:
    """Remove the temporary files of earlier writes of `path` that a killed process left (not
    written for `LEFTOVER_AGE_SECONDS`: a write in progress keeps its file fresh)."""
    prefix = temporary_prefix(path)
    cutoff = time.time() - LEFTOVER_AGE_SECONDS
    try:
        candidates = list(path.parent.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}*"))
    except OSError:
        return
    for leftover in candidates:
        rest = leftover.name[len(prefix) + 8:]   # SQLite's files beside a project being made, too
        try:
            if rest in {suffix + end for end in ("", "-wal", "-shm", "-journal")} and \
                    leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass


@contextmanager
def replacing(path: Path | str, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary file beside `path` to write; on success it replaces `path`.

    A folder or file that cannot be written is a one-line CoderError naming it
    (and nothing is left behind); any other failure removes the temporary file
    and is raised as it is.
    """
    path = Path(path)
    remove_leftovers(path, suffix)
    try:
        fd, name = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise CoderError(f"{path}: cannot write in folder {path.parent} ({exc.strerror}); "
                         "choose a folder you can write to") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        shared_mode(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CoderError(f"{path}: could not be written ({exc.strerror or exc}); "
                         "nothing was written") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
