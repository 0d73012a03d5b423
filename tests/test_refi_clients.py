"""REFI-QDA with real clients (issue 16): what coder keeps from their files and gives back.

Small hand-written .qdpx files shaped like NVivo's, QualCoder's and qc's
exports are imported, exported again and compared, the exports validated
against the REFI-QDA Project.xsd.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import PROJECT_XSD
from lxml import etree

from coder.refi.reader import import_qdpx
from coder.refi.writer import write_qdpx
from coder.store import open_project
from coder.store.exchange import known_coders

NS = {"q": "urn:QDA-XML:project:1.0"}

NVIVO = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="nv" origin="NVivo 15">
  <Users>
    <User guid="A2000000-0000-0000-0000-000000000001" name="Researcher A"/>
    <User guid="A2000000-0000-0000-0000-000000000002" name="Researcher B"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="C2000000-0000-0000-0000-000000000001" name="curriculum" isCodable="true">
      <Code guid="C2000000-0000-0000-0000-000000000002" name="scope" isCodable="true">
        <Code guid="C2000000-0000-0000-0000-000000000003" name="alignment" isCodable="true"/>
      </Code>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="B2000000-0000-0000-0000-000000000001" name="Doc" plainTextPath="internal://B2000000-0000-0000-0000-000000000001.txt"/>
  </Sources>
</Project>
"""
NVIVO_FILES = {"sources/B2000000-0000-0000-0000-000000000001.txt": "Aligned units."}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


def make_qdpx(path: Path, xml: str, files: dict[str, str]) -> Path:
    """A .qdpx of project.qde and the given members."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def qde(path: Path) -> etree._Element:
    """The parsed project.qde of a .qdpx."""
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def export(project: Path, out: Path, schema) -> etree._Element:
    """Export a project to `out`, check it against the schema, return its project.qde."""
    conn = open_project(project, readonly=True)
    try:
        write_qdpx(conn, out)
    finally:
        conn.close()
    root = qde(out)
    assert schema.validate(root), schema.error_log
    return root


def test_nvivo_users_without_codings_are_kept_as_coders_and_exported(tmp_path, schema):
    assert schema.validate(etree.fromstring(NVIVO.encode())), schema.error_log
    content = import_qdpx(make_qdpx(tmp_path / "nv.qdpx", NVIVO, NVIVO_FILES), tmp_path / "nv.coder")
    assert "0 codings by 0 coders (and 2 without codings)" in content.summary()
    conn = open_project(tmp_path / "nv.coder", readonly=True)
    assert known_coders(conn) == ["Researcher A", "Researcher B"]
    conn.close()
    root = export(tmp_path / "nv.coder", tmp_path / "back.qdpx", schema)
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == ["Researcher A", "Researcher B"]
