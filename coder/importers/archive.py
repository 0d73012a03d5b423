"""How far the members of a zip archive (an .xlsx workbook, a .qdpx project) may expand, checked before reading.

A few kilobytes of deflated data can expand to gigabytes (a "zip bomb"). Before
a workbook is parsed, each member's declared size is held to a limit: a member
read whole into memory (shared strings, styles, the workbook part) to
`whole_mb`, a member read as a stream (a worksheet) to `streamed_mb`. A member
over `ratio_from_mb` that expands more than `max_ratio` times is refused too,
as no spreadsheet program writes such a thing. Only stored and deflated members
are accepted: Python's zipfile decompresses others (bzip2, LZMA) a whole read at
a time, without a bound.

The declared size bounds what is actually read: Python's zipfile stops a member
at its declared size (one that expands further fails its CRC check, an error).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InputError

MB = 1024 * 1024
SAFE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
LIMIT_OPTION = "--max-unzip-mb"


@dataclass(frozen=True)
class ZipLimits:
    """What one member of an archive may expand to, in MB, and by what ratio."""

    whole_mb: int = 128
    streamed_mb: int = 1024
    max_ratio: int = 100
    ratio_from_mb: int = 16

    @classmethod
    def raised_to(cls, mb: int | None) -> ZipLimits:
        """The default limits, or with both sizes set to `mb` and no ratio check (a genuine huge file)."""
        if mb is None:
            return cls()
        if mb < 1:
            raise InputError(f"{LIMIT_OPTION} must be at least 1 (megabytes)")
        return cls(whole_mb=mb, streamed_mb=mb, max_ratio=0)


@dataclass(frozen=True)
class ArchiveKind:
    """What kind of archive is read, for the messages: its name and what else the user can do."""

    name: str                 # "workbook"
    resave: str               # how to write the file again with safe compression
    alternative: str = ""     # another way round a genuine huge file, e.g. ", or save it as CSV"
    unread: tuple[str, ...] = ()   # prefixes of members the reader never opens: not held to the limits


# Pictures, embedded files, printer settings and the thumbnail: openpyxl's read-only
# reader never opens them, so however large they are they cost nothing.
WORKBOOK = ArchiveKind("workbook", "save the workbook again from a spreadsheet program", ", or save it as CSV",
                       unread=("xl/media/", "xl/embeddings/", "xl/printerSettings/", "docProps/thumbnail"))


def starts_like_zip(path: Path) -> bool:
    """Whether a file begins with a zip archive's signature ("PK"): one that then cannot be opened
    as a zip is damaged or cut short (an unfinished download or copy), not some other kind of file."""
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"PK"
    except OSError:
        return False


def check_zip_members(path: Path, limits: ZipLimits, streamed_prefix: str, kind: ArchiveKind = WORKBOOK) -> None:
    """Raise InputError naming the file, the member and the limit if a member may expand too far.

    Members whose name starts with `streamed_prefix` are read as a stream; the
    others whole; those under `kind.unread` not at all. A file that is not a zip
    archive is left to its reader. The limit a message suggests is one the whole
    file passes.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.filename.startswith(kind.unread)]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    problems = [problem for member in members
                if (problem := _problem(member, limits, member.filename.startswith(streamed_prefix), kind.name))]
    if not problems:
        return
    reason, unsafe = problems[0]
    if unsafe:
        raise InputError(reason, file=str(path), hint=kind.resave)
    needed = max(int(m.file_size / MB) + 1 for m in members)
    raise InputError(reason, file=str(path),
                     hint=f"if the file is genuine, raise the limit with {LIMIT_OPTION} {needed}{kind.alternative}")


def _problem(member: zipfile.ZipInfo, limits: ZipLimits, streamed: bool, kind_name: str) -> tuple[str, bool] | None:
    """Why a member may not be read (and whether no limit makes it safe: its compression), or None."""
    if member.compress_type not in SAFE_COMPRESSION:
        return (f"member {member.filename!r} uses compression method {member.compress_type}, which is not "
                "read (only stored or deflated)"), True
    size_mb = member.file_size / MB
    limit = limits.streamed_mb if streamed else limits.whole_mb
    if size_mb > limit:
        return (f"member {member.filename!r} expands to {size_mb:,.0f} MB, over the limit "
                f"of {limit:,} MB for one part of a {kind_name}"), False
    ratio = member.file_size / max(member.compress_size, 1)
    if limits.max_ratio and size_mb > limits.ratio_from_mb and ratio > limits.max_ratio:
        return (f"member {member.filename!r} expands {ratio:,.0f} times "
                f"({member.compress_size / MB:,.1f} MB to {size_mb:,.0f} MB), over the "
                f"limit of {limits.max_ratio} times (a zip bomb?)"), False
    return None
