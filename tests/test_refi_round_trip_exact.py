"""A project through coder's own .qdpx and back is the same project: carriage returns in memos,
definitions and attributes survive the XML parser, each GUID is written once, and the memos a file
gave no user do not add a user."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
from export_fixtures import make_small_project
from helpers import PROJECT_XSD, run_cli
from lxml import etree
from qdpx_files import make_qdpx, qde

from coder.records import Code
from coder.refi.reader import import_qdpx
from coder.refi.writer import write_qdpx
from coder.store import open_project, tables, transaction
from coder.store.codebook import add_code
from coder.store.codebook_read import load_codebook
from coder.store.exchange import coding_key, keep_guids, known_coders, memo_key
from coder.store.memos import set_memo
from coder.store.responses import insert_responses

NS = {"q": "urn:QDA-XML:project:1.0"}
MEMO = "line one\r\nline two\rthird"


def exported(project, out):
    conn = open_project(project, readonly=True)
    try:
        write_qdpx(conn, out)
    finally:
        conn.close()
    with zipfile.ZipFile(out) as archive:
        return archive.read("project.qde")


def test_carriage_returns_survive_a_round_trip_and_two_exports_are_the_same(tmp_path):
    project = make_small_project(tmp_path / "s.coder")
    conn = open_project(project)
    with transaction(conn):
        set_memo(conn, "project", "", "alice", MEMO)
        set_memo(conn, "response", "r1", "bob", MEMO)
        add_code(conn, Code("rota", "workload", "1.3", "Rota", definition=MEMO), "setup")
        insert_responses(conn, [("r7", "A new answer", {"setting": "adults", "team": "B\r\nC"})])
    conn.close()
    first = exported(project, tmp_path / "one.qdpx")
    assert b"line one&#13;\nline two&#13;third" in first
    # Another program's parser reads the carriage returns where coder wrote them.
    root = etree.fromstring(first)
    assert root.findtext("q:Description", namespaces=NS) == MEMO
    assert "B\r\nC" in {v.text for v in root.iterfind(".//q:TextValue", NS)}
    import_qdpx(tmp_path / "one.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    memos = {(m.target_type, m.target_id, m.coder): m.text for m in tables.memos_frame(back).itertuples()}
    assert memos["project", "", "alice"] == MEMO and memos["response", "r1", "bob"] == MEMO
    assert {c.id: c.definition for c in load_codebook(back).codes}["rota"] == MEMO
    assert tables.attributes_frame(back).loc["r7", "team"] == "B\r\nC"
    back.close()
    # The same file again, but for the time the sources give (when the project was created).
    made = re.compile(rb'(<TextSource [^>]*) creationDateTime="[^"]*"')
    assert made.sub(rb"\1", exported(tmp_path / "back.coder", tmp_path / "two.qdpx")) == made.sub(rb"\1", first)


def test_an_export_writes_each_guid_once_where_the_project_kept_one_for_several_elements(tmp_path):
    """A project imported before coder refused a file with a GUID used twice kept that GUID for
    each of its elements: the first keeps it, the others get GUIDs of their own."""
    project = make_small_project(tmp_path / "s.coder")
    conn = open_project(project)
    spans = lambda r: (None, None) if pd.isna(r.start) else (int(r.start), int(r.end))  # noqa: E731
    before = sorted((r.response_id, r.code_id, r.coder, *spans(r)) for r in tables.codings_frame(conn).itertuples())
    keys = [coding_key(*row) for row in before]
    twice, shared = "9e0a6f4c-3b1d-4c4e-8f7a-2d5b6c7e8f90", "5c2e8a1b-7d4f-4a3e-9b6c-1f0e2d3c4b5a"
    keep_guids(conn, [("coding", key, twice, None) for key in keys[:3]]
               # a note's too; and one selection GUID for two spans of one coder and spans of others
               + [("note", memo_key("project", "", "alice"), "{" + twice + "}", None)]
               + [("selection", key, shared.upper(), "a span") for key in [*keys[:2], *keys[4:6]]])
    conn.close()
    root = etree.fromstring(exported(project, tmp_path / "out.qdpx"))
    assert etree.XMLSchema(etree.parse(str(PROJECT_XSD))).validate(root)
    guids = [element.get("guid").strip("{}").lower() for element in root.iter() if element.get("guid")]
    assert guids.count(twice) == 1 and guids.count(shared) == 1 and len(guids) == len(set(guids))
    import_qdpx(tmp_path / "out.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    assert sorted((r.response_id, r.code_id, r.coder, *spans(r)) for r in tables.codings_frame(back).itertuples()) \
        == before
    back.close()


QUALCODER_MEMOS = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.6">
  <Users><User guid="4b1e0e88-8eb6-4f0e-acee-694d0d8087dc" name="colin"/></Users>
  <CodeBook><Codes><Code guid="0a59498d-731d-4d15-b2b9-27d96be934ca" name="Stress" isCodable="true"/></Codes></CodeBook>
  <Cases>
    <Case guid="e821548b-8748-4c9f-8f73-878f7bd99a46" name="Anna"><Description>case memo: Anna is a nurse</Description>
      <SourceRef targetGUID="5dd68964-68df-4a4b-9562-fcf8cd4e4ca1"/></Case>
  </Cases>
  <Sources>
    <TextSource guid="5dd68964-68df-4a4b-9562-fcf8cd4e4ca1" name="interview1.txt">
      <PlainTextContent>I feel stressed every day.</PlainTextContent>
      <PlainTextSelection guid="d5ec8f97-1271-46b4-a557-3f32e409984b" startPosition="7" endPosition="15" name="stressed"
                          creatingUser="4b1e0e88-8eb6-4f0e-acee-694d0d8087dc">
        <Coding guid="8c4d8a97-b099-4a19-842b-dec978fb9472" creatingUser="4b1e0e88-8eb6-4f0e-acee-694d0d8087dc">
          <CodeRef targetGUID="0a59498d-731d-4d15-b2b9-27d96be934ca"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Description>project memo from QualCoder</Description>
</Project>
"""


def test_memos_without_a_user_do_not_make_a_user_imported_in_the_export(tmp_path):
    """QualCoder's project and case memos have no user: coder files them under "imported",
    which an export does not turn into a User that the next import counts as a coder."""
    make_qdpx(tmp_path / "qc.qdpx", QUALCODER_MEMOS)
    first = run_cli("import-qdpx", tmp_path / "qc.qdpx", tmp_path / "one.coder")
    assert first.returncode == 0 and "1 coding by 1 coder, 2 memos" in first.stdout, first.stdout + first.stderr
    assert run_cli("export", tmp_path / "one.coder", "qdpx", "--out", tmp_path / "one.qdpx").returncode == 0
    assert [user.get("name") for user in qde(tmp_path / "one.qdpx").iterfind("q:Users/q:User", NS)] == ["colin"]
    again = run_cli("import-qdpx", tmp_path / "one.qdpx", tmp_path / "two.coder")
    assert again.returncode == 0 and "1 coding by 1 coder, 2 memos" in again.stdout, again.stdout + again.stderr
    assert "without codings" not in again.stdout
    memos = []
    for name in ("one.coder", "two.coder"):
        conn = open_project(tmp_path / name, readonly=True)
        assert known_coders(conn) == ["colin"]
        memos.append(tables.memos_frame(conn)[["target_type", "target_id", "coder", "text"]].values.tolist())
        conn.close()
    assert memos[0] == memos[1] and ["project", "", "imported", "project memo from QualCoder"] in memos[0]
