"""A project through coder's own .qdpx and back is the same project: carriage returns in memos,
definitions and attributes survive the XML parser."""

from __future__ import annotations

import zipfile

from export_fixtures import make_small_project
from lxml import etree

from coder.records import Code
from coder.refi.reader import import_qdpx
from coder.refi.writer import write_qdpx
from coder.store import open_project, tables, transaction
from coder.store.codebook import add_code
from coder.store.codebook_read import load_codebook
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
    assert exported(tmp_path / "back.coder", tmp_path / "two.qdpx") == first
