"""A project through coder's own .qdpx and back is the same project: carriage returns in memos,
definitions and attributes survive the XML parser, and each GUID is written once."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
from export_fixtures import make_small_project
from helpers import PROJECT_XSD
from lxml import etree

from coder.records import Code
from coder.refi.reader import import_qdpx
from coder.refi.writer import write_qdpx
from coder.store import open_project, tables, transaction
from coder.store.codebook import add_code
from coder.store.codebook_read import load_codebook
from coder.store.exchange import coding_key, keep_guids, memo_key
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
