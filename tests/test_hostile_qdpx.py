"""Hostile .qdpx and .qdc files: a source that expands past the cap and code trees nested
thousands deep are one line naming the file and what to do, and leave no project behind."""

from __future__ import annotations

import zipfile

import pytest
from helpers import one_line_error, run_cli

from coder.errors import InputError
from coder.refi.reader import import_qdpx
from coder.store import open_project

pytestmark = pytest.mark.slow  # many generated files, or real processes: `pytest -m "not slow"` skips them

PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project name="p" xmlns="urn:QDA-XML:project:1.0">
  <CodeBook><Codes>{codes}</Codes></CodeBook>
  <Sources>
    <TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="big" plainTextPath="internal://big.txt"/>
  </Sources>
</Project>
"""
ONE_CODE = '<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Theme" isCodable="true"/>'


def nested_codes(depth: int) -> str:
    opening = "".join(f'<Code guid="aaaaaaaa-0000-0000-0000-{n:012d}" name="c{n}" isCodable="true">'
                      for n in range(depth))
    return opening + "</Code>" * depth


def qdpx(path, codes: str = ONE_CODE, text: bytes = b"some words") -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", PROJECT.format(codes=codes))
        archive.writestr("sources/big.txt", text)
    return str(path)


def test_a_source_that_expands_past_the_cap_is_refused_and_the_limit_can_be_raised(tmp_path):
    bomb = qdpx(tmp_path / "bomb.qdpx", text=b"a" * (20 * 1024 * 1024))   # 20 MB in about 20 KB
    done = run_cli("import-qdpx", bomb, tmp_path / "p.coder")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "bomb.qdpx: member 'sources/big.txt' expands" in done.stderr and "over the limit of 100 times" in done.stderr
    assert "--max-unzip-mb" in done.stderr and not (tmp_path / "p.coder").exists()
    done = run_cli("import-qdpx", bomb, tmp_path / "p.coder", "--max-unzip-mb", "64")
    assert done.returncode == 0, done.stderr
    conn = open_project(tmp_path / "p.coder", readonly=True)
    assert conn.execute("SELECT length(text) FROM responses").fetchone()[0] == 20 * 1024 * 1024
    conn.close()


def test_a_member_declaring_more_than_the_cap_is_refused_before_reading(tmp_path):
    path = qdpx(tmp_path / "big.qdpx")
    data = bytearray(open(path, "rb").read())
    # Declare 300 MB for sources/big.txt in its central-directory entry (uncompressed size field).
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"sources/big.txt"))
    data[entry + 24:entry + 28] = (300 * 1024 * 1024).to_bytes(4, "little")
    open(path, "wb").write(bytes(data))
    with pytest.raises(InputError, match=r"member 'sources/big.txt' expands to 300 MB, over the limit of 128 MB"):
        import_qdpx(path, tmp_path / "p.coder")
    assert not (tmp_path / "p.coder").exists()


def test_a_code_tree_nested_thousands_deep_is_one_line(tmp_path):
    path = qdpx(tmp_path / "deep.qdpx", codes=nested_codes(3000))
    done = run_cli("import-qdpx", path, tmp_path / "p.coder")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "codes nest more than 100 levels deep" in done.stderr and not (tmp_path / "p.coder").exists()
    qdc = tmp_path / "deep.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                   + nested_codes(3000) + "</Codes></CodeBook>\n")
    assert run_cli("init", tmp_path / "q.coder").returncode == 0
    done = run_cli("codebook", "import", tmp_path / "q.coder", qdc)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "deep.qdc, line 2: codes nest more than 100 levels deep" in done.stderr


def test_a_tree_a_hundred_levels_deep_still_imports(tmp_path):
    done = run_cli("import-qdpx", qdpx(tmp_path / "ok.qdpx", codes=nested_codes(100)), tmp_path / "p.coder")
    assert done.returncode == 0, done.stderr


def test_an_exported_qdpx_gets_the_umask_mode_and_an_unwritable_folder_is_one_line(tmp_path):
    import os

    source = qdpx(tmp_path / "in.qdpx")
    assert run_cli("import-qdpx", source, tmp_path / "p.coder").returncode == 0
    old = os.umask(0o022)
    try:
        done = run_cli("export", tmp_path / "p.coder", "qdpx", "--out", tmp_path / "out.qdpx")
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.qdpx").stat().st_mode & 0o777 == 0o644
    done = run_cli("export", tmp_path / "p.coder", "qdpx", "--out", tmp_path / "no" / "such" / "out.qdpx")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "out.qdpx" in done.stderr


def _flip_byte_of(path, member: str, offset: int) -> None:
    """Change one byte of `member`'s stored data, as a bad copy or download would."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(open(path, "rb").read())
    name_length, extra_length = (int.from_bytes(data[info.header_offset + k:info.header_offset + k + 2], "little")
                                 for k in (26, 28))
    data[info.header_offset + 30 + name_length + extra_length + offset] ^= 0xFF
    open(path, "wb").write(bytes(data))


@pytest.mark.parametrize("member, compression, offset", [
    ("sources/big.txt", zipfile.ZIP_STORED, 3),         # the CRC check fails
    ("project.qde", zipfile.ZIP_DEFLATED, 40),          # the deflated data does not inflate
    ("coder.json", zipfile.ZIP_STORED, 2),              # coder's own fields
])
def test_a_damaged_member_is_one_line_naming_it(tmp_path, member, compression, offset):
    path = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("project.qde", PROJECT.format(codes=ONE_CODE))
        archive.writestr("sources/big.txt", b"some words about the caseload")
        archive.writestr("coder.json", b'{"codebook": {}, "codes": {}}')
    _flip_byte_of(path, member, offset)
    done = run_cli("import-qdpx", path, tmp_path / "p.coder")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert f"damaged.qdpx: member '{member}' is damaged and cannot be read" in done.stderr
    assert "export it again" in done.stderr and not (tmp_path / "p.coder").exists()


def test_a_source_text_that_is_not_utf8_is_one_line(tmp_path):
    path = qdpx(tmp_path / "latin.qdpx", text="café au lait".encode("latin-1"))
    done = run_cli("import-qdpx", path, tmp_path / "p.coder")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "its text 'sources/big.txt' is not UTF-8 (byte 3" in done.stderr
    assert not (tmp_path / "p.coder").exists()


def test_two_codes_with_one_guid_are_refused_not_merged(tmp_path):
    twice = ('<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Joy" isCodable="true"/>'
             '<Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Dup of joy" isCodable="true"/>')
    done = run_cli("import-qdpx", qdpx(tmp_path / "twice.qdpx", codes=twice), tmp_path / "p.coder")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "column 'guid': Code {AAAAAAAA-0000-0000-0000-000000000001}: another Code has this GUID too" in done.stderr
    assert not (tmp_path / "p.coder").exists()
    qdc = tmp_path / "twice.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
                   + twice.replace("/><", "/>\n<") + "\n</Codes></CodeBook>\n")
    done = run_cli("init", tmp_path / "q.coder", "--codebook", qdc)
    assert done.returncode == 1 and "twice.qdc, line 4, column 'guid'" in done.stderr, done.stderr


def test_sources_that_are_not_text_are_counted_with_their_codings(tmp_path):
    pictures = PROJECT.replace("</Sources>", """
    <PictureSource guid="bbbbbbbb-0000-0000-0000-000000000002" name="photo" path="internal://photo.png">
      <PictureSelection guid="cccccccc-0000-0000-0000-000000000001" firstX="0" firstY="0" secondX="5" secondY="5">
        <Coding guid="dddddddd-0000-0000-0000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
      </PictureSelection>
      <Coding guid="dddddddd-0000-0000-0000-000000000002"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
    </PictureSource>
    <PDFSource guid="bbbbbbbb-0000-0000-0000-000000000003" name="report" path="internal://report.pdf"/>
  </Sources>""")
    path = tmp_path / "media.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", pictures.format(codes=ONE_CODE))
        archive.writestr("sources/big.txt", b"some words")
    done = run_cli("import-qdpx", path, tmp_path / "p.coder")
    assert done.returncode == 0, done.stderr
    assert "1 picture source, 1 PDF source with 2 codings left out (coder imports text sources only)" in done.stdout


EXTERNAL_ENTITY = '<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


def test_an_external_entity_is_refused_in_a_qdc_as_in_a_qdpx(tmp_path):
    """Nothing outside the file is read: the entity is one line, not a silently empty description."""
    codes = '<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Theme" isCodable="true"><Description>&x;</Description></Code>'
    qdc = tmp_path / "xxe.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + EXTERNAL_ENTITY.format(root="CodeBook")
                   + f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n{codes}</Codes></CodeBook>\n')
    line = one_line_error(run_cli("init", tmp_path / "q.coder", "--codebook", qdc))
    assert "xxe.qdc, line 4: not valid XML" in line and "file:///etc/passwd" in line
    assert not (tmp_path / "q.coder").exists()
    path = tmp_path / "xxe.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", PROJECT.format(codes=codes).replace(
            "<Project", EXTERNAL_ENTITY.format(root="Project") + "<Project", 1))
        archive.writestr("sources/big.txt", b"some words")
    assert "xxe.qdpx:project.qde, line 4: not valid XML" in one_line_error(
        run_cli("import-qdpx", path, tmp_path / "p.coder"))
    assert not (tmp_path / "p.coder").exists()


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:project:2.0", None])
def test_a_project_in_another_namespace_is_one_line_naming_both(tmp_path, namespace):
    xml = PROJECT.format(codes=ONE_CODE).replace(' xmlns="urn:QDA-XML:project:1.0"',
                                                 f' xmlns="{namespace}"' if namespace else "")
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/big.txt", b"some words")
    line = one_line_error(run_cli("import-qdpx", path, tmp_path / "p.coder"))
    assert f"other.qdpx:project.qde: the Project element is in namespace {namespace or '(none)'}" in line
    assert "not urn:QDA-XML:project:1.0" in line and not (tmp_path / "p.coder").exists()


@pytest.mark.parametrize("namespace, ok", [("urn:QDA-XML:codebook:1.0", True),
                                           ("urn:QDA-XML:codebook:0:4", True),   # ATLAS.ti's draft one
                                           ("urn:QDA-XML:project:1.0", False), (None, False)])
def test_a_qdc_in_a_namespace_no_refi_program_writes_is_one_line(tmp_path, namespace, ok):
    qdc = tmp_path / "book.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook' + (f' xmlns="{namespace}"' if namespace else "")
                   + f' origin="ATLAS.ti Win 26.1.1"><Codes>{ONE_CODE}</Codes></CodeBook>\n')
    done = run_cli("init", tmp_path / "q.coder", "--codebook", qdc)
    if ok:
        assert done.returncode == 0, done.stderr
        return
    line = one_line_error(done)
    assert f"book.qdc, line 2: the CodeBook element is in namespace {namespace or '(none)'}" in line
    assert "not urn:QDA-XML:codebook:1.0" in line and not (tmp_path / "q.coder").exists()


def test_a_cut_short_qdpx_is_called_damaged_and_a_file_of_another_kind_not_a_qdpx(tmp_path):
    whole = open(qdpx(tmp_path / "whole.qdpx"), "rb").read()
    (tmp_path / "cut.qdpx").write_bytes(whole[:len(whole) // 2])   # an unfinished download
    line = one_line_error(run_cli("import-qdpx", tmp_path / "cut.qdpx", tmp_path / "p.coder"))
    assert "cut.qdpx: the zip file is damaged or incomplete, as an unfinished download or copy is" in line
    assert "copy or download it again" in line and not (tmp_path / "p.coder").exists()
    (tmp_path / "text.qdpx").write_text("hello, not a zip")
    line = one_line_error(run_cli("import-qdpx", tmp_path / "text.qdpx", tmp_path / "p.coder"))
    assert "text.qdpx: not a .qdpx (a REFI-QDA project is a zip file)" in line


def test_two_codings_with_one_guid_are_refused_not_written_back_twice(tmp_path):
    codings = "".join(f'<Coding guid="dddddddd-0000-0000-0000-000000000001"><CodeRef targetGUID="{code}"/></Coding>'
                      for code in ("aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000002"))
    path = tmp_path / "twice.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", PROJECT.format(
            codes=ONE_CODE + ONE_CODE.replace("01\" name=\"Theme", "02\" name=\"Other")).replace(
            'plainTextPath="internal://big.txt"/>',
            f'plainTextPath="internal://big.txt"><PlainTextSelection guid="cccccccc-0000-0000-0000-000000000001" '
            f'startPosition="0" endPosition="4">{codings}</PlainTextSelection></TextSource>'))
        archive.writestr("sources/big.txt", b"some words")
    line = one_line_error(run_cli("import-qdpx", path, tmp_path / "p.coder"))
    assert ("twice.qdpx:project.qde, column 'guid': Coding dddddddd-0000-0000-0000-000000000001: "
            "another Coding has this GUID too (each needs its own)") in line
    assert not (tmp_path / "p.coder").exists()
