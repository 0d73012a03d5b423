"""Makers of hostile input files for the tests and the benchmark: zip bombs, lying
zip headers, junk XML in a workbook. Each is small on disk.

Import with `from hostile_files import ...` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from import_files import write_xlsx

SHARED_STRINGS = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes],
                compress_type: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy the zip `source` to `target` with the members in `replace` put in (added or replaced)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compress_type) as new:
        for info in old.infolist():
            if info.filename not in replace:
                new.writestr(info.filename, old.read(info.filename))
        for name, data in replace.items():
            new.writestr(name, data, compress_type=compress_type, compresslevel=9)
    return target


def xlsx_with(tmp_path: Path, name: str, replace: dict[str, bytes], **options) -> Path:
    """A small valid workbook (import_files.ROWS) with some members replaced."""
    plain = write_xlsx(tmp_path / f"plain-{name}")
    return rewrite_zip(plain, tmp_path / name, replace, **options)


def shared_strings_bomb(tmp_path: Path, megabytes: int, name: str = "bomb.xlsx") -> Path:
    """A workbook whose shared strings expand to `megabytes` MB (a few hundred times their size)."""
    item = b"<si><t>x</t></si>"
    body = item * (megabytes * 1024 * 1024 // len(item))
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
           b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + body + b"</sst>")
    return xlsx_with(tmp_path, name, {SHARED_STRINGS: xml})


def inline_sheet(rows: int, words: int) -> bytes:
    """A worksheet of `rows` responses (id, comment) whose comment repeats "same words again" `words` times."""
    text = "same words again " * words
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>R{n}</t></is></c>'
                   f'<c r="B{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                   for n in range(2, rows + 2))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id'
            '</t></is></c><c r="B1" t="inlineStr"><is><t>comment</t></is></c></row>'
            f"{body}</sheetData></worksheet>").encode()


def set_declared_size(path: Path, member: str, size: int) -> Path:
    """Change the uncompressed size a zip declares for `member` (local and central headers)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path
