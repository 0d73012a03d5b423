"""Which text encoding a file is in, checked over the whole file before reading it.

Tried in order: UTF-8 (with or without a byte-order mark), then Windows-1252
(what Excel writes for "CSV" on Windows). A UTF-16 byte-order mark (Excel's
"Unicode text") is honoured. `--encoding` forces one; either way a byte that
does not decode, or a NUL character, is an error naming the line and byte offset.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InputError

CHUNK_BYTES = 1 << 20
NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class Problem:
    """The first place a file cannot be read as text in some encoding."""

    reason: str
    line: int
    offset: int | None = None     # byte offset, when the problem is an undecodable byte


def describe(encoding: str, bom: bool = False) -> str:
    """A readable name for an encoding (for import summaries)."""
    name = NAMES.get(codecs.lookup(encoding).name, encoding)
    return f"{name} with BOM" if bom and name == "UTF-8" else name


def detect_encoding(path: Path, forced: str | None = None) -> str:
    """The encoding to read `path` with; raises InputError if no encoding fits.

    Returns a Python codec name: "utf-8-sig" (which also reads files without a
    BOM), "utf-16", "cp1252", or the forced one once the whole file decodes in it.
    """
    _check_not_binary_kind(path)
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise InputError(f"unknown encoding {forced!r}", file=str(path),
                             hint="e.g. --encoding utf-8, cp1252, latin-1 or utf-16") from None
        problem = find_problem(path, forced)
        if problem:
            raise _problem_error(path, problem, forced, _suggestion(path, forced))
        wrong = _garbling(path, forced)
        if wrong:
            raise InputError(f"the file is {wrong[0]}, not {forced}: {wrong[1]}", file=str(path),
                             hint=f"leave --encoding out, or give --encoding {wrong[2]}")
        if codecs.lookup(forced).name == "utf-8" and has_bom(path):
            return "utf-8-sig"   # or the first column's name starts with the byte-order mark
        return forced
    with path.open("rb") as f:
        start = f.read(4)
    candidates = ["utf-16"] if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) \
        else ["utf-8-sig", "cp1252"]
    first = None
    for encoding in candidates:
        problem = find_problem(path, encoding)
        if problem is None:
            return encoding
        if problem.reason.startswith("NUL"):
            raise _problem_error(path, problem, None, "the file may be binary or UTF-16 "
                                 "without a byte-order mark; save it as UTF-8 text")
        first = first or problem
    raise _problem_error(path, first, None,
                         "neither UTF-8 nor Windows-1252; give the encoding, e.g. --encoding latin-1")


# Files that are not text, however they are named, by their first bytes: what they are and what to do.
_BINARY_KINDS = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook, or a .qdpx project?), not text",
     "if it is a workbook, name it .xlsx and import it again; a .qdpx goes to `coder import-qdpx`"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (.xls / .doc), not text",
     "if it is a workbook, name it .xls and import it again, or save it as CSV"),
    (b"%PDF", "a PDF, not text", "export the answers from the survey tool as CSV or XLSX"),
)


def _check_not_binary_kind(path: Path) -> None:
    """InputError for a file that is plainly a workbook, archive or PDF under a text file's name."""
    with path.open("rb") as f:
        start = f.read(8)
    for magic, what, hint in _BINARY_KINDS:
        if start.startswith(magic):
            raise InputError(f"this is {what}", file=str(path), hint=hint)


def has_bom(path: Path) -> bool:
    """Whether the file starts with a UTF-8 byte-order mark."""
    with path.open("rb") as f:
        return f.read(3) == codecs.BOM_UTF8


def find_problem(path: Path, encoding: str) -> Problem | None:
    """The first undecodable byte or NUL character of `path` in `encoding`, or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    name = codecs.lookup(encoding).name
    ascii_compatible = "utf-16" not in name and "utf-32" not in name
    consumed = 0   # bytes read before the current chunk
    lines = 1      # line number at the start of the current chunk's decoded text
    with path.open("rb") as f:
        while True:
            chunk = f.read(CHUNK_BYTES)
            buffered = decoder.getstate()[0]   # an incomplete sequence from the last chunk
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = buffered + chunk
                line = lines + data[:exc.start].count(b"\n")
                return Problem(f"byte 0x{data[exc.start]:02x} is not valid {describe(encoding)}",
                               line, consumed - len(buffered) + exc.start)
            except UnicodeError as exc:   # e.g. UTF-16 without a byte-order mark
                return Problem(f"not {describe(encoding)} ({exc})", lines)
            if ascii_compatible:   # search the bytes: faster, and gives the byte offset
                nul = chunk.find(b"\0")
                if nul >= 0:
                    return Problem("NUL byte in the text", lines + chunk.count(b"\n", 0, nul),
                                   consumed + nul)
                lines += chunk.count(b"\n")
            else:
                nul = text.find("\0")
                if nul >= 0:
                    return Problem("NUL character in the text", lines + text.count("\n", 0, nul))
                lines += text.count("\n")
            consumed += len(chunk)
            if not chunk:
                return None


def _garbling(path: Path, forced: str) -> tuple[str, str, str] | None:
    """(what the file is, what `forced` would do to it, the option to give) where a forced
    encoding reads the file without an error but cannot be right; None where it can be."""
    name = codecs.lookup(forced).name
    if name.startswith(("utf-16", "utf-32")):
        # UTF-16 text of any language has NUL bytes (ASCII's high bytes); valid UTF-8 has none.
        if _starts_with_utf16_bom(path) or find_problem(path, "utf-8-sig") is not None:
            return None
        return "UTF-8", "it would come in as Chinese-looking characters", "utf-8"
    if name.startswith(("utf", "ascii")) or find_problem(path, "ascii") is None:
        return None
    # No real Windows-1252 or Latin-1 text is also valid UTF-8 with letters beyond ASCII.
    if find_problem(path, "utf-8-sig") is None:
        return "UTF-8", "its accents would come in garbled (ñ as Ã±)", "utf-8"
    # Latin-1 reads Windows-1252's curly quotes, dashes and € (bytes 0x80-0x9f) as control characters.
    if name != "cp1252" and _has_c1_bytes(path) and find_problem(path, "cp1252") is None:
        return "Windows-1252", "its curly quotes, dashes and € would come in as control characters", "cp1252"
    return None


def _starts_with_utf16_bom(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _has_c1_bytes(path: Path) -> bool:
    """Whether the file has a byte from 0x80 to 0x9f (control characters in Latin-1)."""
    c1 = bytes(range(0x80, 0xA0))
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            if chunk != chunk.translate(None, c1):
                return True
    return False


def _suggestion(path: Path, forced: str) -> str:
    """What to try when the file does not read as `forced`: the first encoding it reads in."""
    options = (("utf-16", "utf-16"),) if _starts_with_utf16_bom(path) else (("utf-8-sig", "utf-8"), ("cp1252", "cp1252"), ("latin-1", "latin-1"))
    for encoding, option in options:
        if codecs.lookup(encoding).name != codecs.lookup(forced).name \
                and find_problem(path, encoding) is None:
            return f"the file reads as {describe(encoding)}: try --encoding {option}, or leave it out"
    return "leave --encoding out to detect it"


def _problem_error(path: Path, problem: Problem, encoding: str | None, hint: str) -> InputError:
    reason = problem.reason
    if encoding:
        reason = f"cannot be read as {encoding}: {reason}"
    if problem.offset is not None:
        reason += f" (byte offset {problem.offset})"
    return InputError(reason, file=str(path),
                      line=problem.line, hint=hint)
