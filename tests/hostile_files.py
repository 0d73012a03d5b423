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


def password_protected_xlsx(path: Path) -> Path:
    """What Excel writes for an .xlsx saved with a password: an OLE2 compound document (not a zip)
    holding an "EncryptedPackage" stream and no workbook stream. One FAT sector, one directory
    sector, one data sector; enough for a reader to find its directory."""
    free, end, fat = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<108I", *[free] * 108))
    fat_sector = struct.pack("<128I", fat, end, end, *[free] * 125)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, free, free, child)
                + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry("EncryptedPackage", 2, free, 2, 512)
                 + bytes(128 * 2))
    path.write_bytes(header + fat_sector + directory + b"\x01" * 512)
    return path
