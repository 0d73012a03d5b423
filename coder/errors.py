"""Errors a user can act on.

Every error the library raises for bad input or a bad project is a `CoderError`
whose message is one line: where the problem is (file, row, column or field) and
what to do about it. The CLI prints that line and exits non-zero.
"""

from __future__ import annotations


class CoderError(Exception):
    """A problem the user can fix; the message says where and what to do."""


class InputError(CoderError):
    """Bad content in an input file, located by file, row/line and column/field."""

    def __init__(self, reason: str, *, file: str | None = None, row: int | None = None,
                 line: int | None = None, column: str | None = None, hint: str | None = None):
        self.reason = reason
        self.file = file
        self.row = row
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = (", ".join(where) + ": " if where else "") + self.reason
        if self.hint:
            text += f" ({self.hint})"
        return text


class ProjectError(CoderError):
    """The project file is missing, not a coder project, or too new for this version."""


class DamagedProjectError(ProjectError):
    """A project file that is not whole (a table missing, metadata not as written, corrupt pages)."""

    def __init__(self, path: str, what: str, recovery: str):
        self.path = path
        self.what = what
        super().__init__(f"{path}: the project file is damaged: {what} ({recovery}; "
                         f"`coder check {path}` tells more)")


class SaveError(ProjectError):
    """A write the disk refused (full, failing, read-only) or a lock held too long; nothing of it was saved."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: could not save: {reason}; nothing was changed")
