"""REFI-QDA and QualCoder's importer and exporter: what broke between them, and what holds now.

QualCoder keeps a Note without a selection as a journal under the Note's name
(and stops on a name used twice), reads texts with universal newlines, writes
its journals back without NoteRefs and its project memo in both
`Project/Description` and a journal. The exports here are validated against
the REFI-QDA Project.xsd; the hand-written files are shaped like QualCoder's.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import PROJECT_XSD, run_cli
from lxml import etree
from qdpx_files import export, make_qdpx

from coder.records import Code, Theme
from coder.refi.reader import import_qdpx
from coder.store import create_project, open_project, tables, transaction
from coder.store.codebook import add_code, add_theme
from coder.store.codings import add_coding
from coder.store.exchange import stamp_memos
from coder.store.memos import set_memo
from coder.store.responses import insert_responses

NS = {"q": "urn:QDA-XML:project:1.0"}
OLD = ("2021-03-04T05:06:07Z", "2022-08-09T10:11:12Z")   # a memo's created and updated times


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))






def memos(project: Path) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """(target type, target id, coder) -> (text, created_at, updated_at) of every memo."""
    conn = open_project(project, readonly=True)
    try:
        frame = tables.memos_frame(conn)
    finally:
        conn.close()
    return {(m.target_type, m.target_id, m.coder): (m.text, m.created_at, m.updated_at)
            for m in frame.itertuples()}


def two_coders_project(path: Path, responses: dict[str, str] | None = None,
                       twin: str = "Caseload size and allocation") -> Path:
    """Two coders' memos on two codes (labelled `twin` and "Caseload size and allocation"), one
    theme, the project and one response (all dated OLD)."""
    def fill(conn) -> None:
        with transaction(conn):
            insert_responses(conn, [(rid, text, {}) for rid, text in
                                    (responses or {"r1": "Cases keep rising."}).items()])
            add_theme(conn, Theme("workload", "1", "Workload and caseloads"), "setup")
            add_code(conn, Code("caseload", "workload", "1.1", "Caseload size and allocation"), "setup")
            add_code(conn, Code("other", "workload", "1.2", twin), "setup")
            for coder in ("alice", "bob"):
                for kind, target in (("project", ""), ("theme", "workload"), ("code", "caseload"),
                                     ("code", "other"), ("response", "r1")):
                    set_memo(conn, kind, target, coder, f"{coder} on {kind} {target}".strip())
            stamp_memos(conn, [(kind, target, coder, *OLD) for kind, target, coder in
                               conn.execute("SELECT target_type, target_id, coder FROM memos")])
    create_project(path, setup=fill).close()
    return path




def test_two_coders_memos_on_one_target_get_notes_of_their_own_names(tmp_path, schema):
    root = export(two_coders_project(tmp_path / "p.coder"), tmp_path / "p.qdpx", schema)
    names = [note.get("name") for note in root.iterfind("q:Notes/q:Note", NS)]
    assert len(names) == 10 and len(set(names)) == 10   # QualCoder stops on a name used twice
    assert 'code memo "Caseload size and allocation" (bob)' in names
    assert 'code memo "Caseload size and allocation (Workload and caseloads)" (bob)' in names   # the second code
    codes = [code.get("name") for code in root.iterfind(".//q:CodeBook//q:Code", NS)]     # of that label
    assert codes == ["Workload and caseloads", "Caseload size and allocation",
                     "Caseload size and allocation (Workload and caseloads)"]
    assert {'project memo (alice)', 'project memo (bob)', 'theme memo "Workload and caseloads" (alice)',
            'response memo "r1" (bob)'} <= set(names)
    dated = {(n.get("creationDateTime"), n.get("modifiedDateTime")) for n in root.iterfind("q:Notes/q:Note", NS)}
    assert dated == {OLD}


def test_a_round_trip_keeps_every_memo_its_coder_and_its_dates(tmp_path, schema):
    original = two_coders_project(tmp_path / "p.coder")
    export(original, tmp_path / "p.qdpx", schema)
    result = run_cli("import-qdpx", tmp_path / "p.qdpx", tmp_path / "back.coder")
    assert result.returncode == 0, result.stderr
    assert memos(tmp_path / "back.coder") == memos(original)   # texts, coders, created and updated


def unreferenced_notes(root: etree._Element) -> tuple[str, dict[str, str]]:
    """A project.qde as QualCoder writes it back: Notes as journals, no NoteRefs anywhere."""
    for ref in list(root.iter(f"{{{NS['q']}}}NoteRef")):
        ref.getparent().remove(ref)
    return etree.tostring(root, encoding="unicode")


def test_notes_without_noterefs_go_back_to_the_targets_their_names_give(tmp_path, schema):
    # (two codes of one label too: the file writes the second under its own name)
    original = two_coders_project(tmp_path / "p.coder")
    root = export(original, tmp_path / "p.qdpx", schema)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:   # coder.json too, to compare ids
        files = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    for source in root.iterfind(".//q:TextSource", NS):    # QualCoder's sources: no Description,
        for description in source.iterfind("q:Description", NS):   # as the response memos are
            source.remove(description)                             # tested apart below
    xml = unreferenced_notes(root)
    assert schema.validate(etree.fromstring(xml.encode()))
    import_qdpx(make_qdpx(tmp_path / "qc.qdpx", xml, files), tmp_path / "back.coder")
    assert memos(tmp_path / "back.coder") == memos(original)   # the project's Description is no extra memo


QUALCODER = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc.qda" origin="QualCoder 3.5">
  <Users>
    <User guid="a1000000-0000-0000-0000-000000000001" name="alice"/>
    <User guid="a1000000-0000-0000-0000-000000000002" name="bob"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="c1000000-0000-0000-0000-000000000001" name="Workload and caseloads" isCodable="false">
      <Code guid="c1000000-0000-0000-0000-000000000002" name="Caseload size and allocation" isCodable="true"/>
      <Code guid="c1000000-0000-0000-0000-000000000003" name="caseload" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="b1000000-0000-0000-0000-000000000001" name="q1" plainTextPath="internal://b1000000-0000-0000-0000-000000000001.txt" creatingUser="a1000000-0000-0000-0000-000000000001">
      <Description>[alice] too long a day

and a late one

[bob] rota problems</Description>
      <PlainTextSelection guid="f1000000-0000-0000-0000-000000000001" startPosition="25" endPosition="33" creatingUser="a1000000-0000-0000-0000-000000000001">
        <Coding guid="e1000000-0000-0000-0000-000000000001" creatingUser="a1000000-0000-0000-0000-000000000001"><CodeRef targetGUID="c1000000-0000-0000-0000-000000000002"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="f1000000-0000-0000-0000-000000000002" startPosition="0" endPosition="5" creatingUser="a1000000-0000-0000-0000-000000000002">
        <Coding guid="e1000000-0000-0000-0000-000000000002" creatingUser="a1000000-0000-0000-0000-000000000002"><CodeRef targetGUID="c1000000-0000-0000-0000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="b1000000-0000-0000-0000-000000000002" name="q2" plainTextPath="internal://b1000000-0000-0000-0000-000000000002.txt" creatingUser="a1000000-0000-0000-0000-000000000001">
      <Description>[carol] not a user here</Description>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="d1000000-0000-0000-0000-000000000001" name="project memo (alice)" plainTextPath="internal://d1000000-0000-0000-0000-000000000001.txt" creatingUser="a1000000-0000-0000-0000-000000000001" creationDateTime="2021-03-04T05:06:07Z"><Description/></Note>
    <Note guid="d1000000-0000-0000-0000-000000000002" name="code memo &quot;Caseload size and allocation&quot; (bob)" plainTextPath="internal://d1000000-0000-0000-0000-000000000002.txt" creatingUser="a1000000-0000-0000-0000-000000000002" creationDateTime="2021-03-04T05:06:07Z"><Description/></Note>
    <Note guid="d1000000-0000-0000-0000-000000000003" name="theme memo &quot;Workload and caseloads&quot; (alice)" plainTextPath="internal://d1000000-0000-0000-0000-000000000003.txt" creatingUser="a1000000-0000-0000-0000-000000000001"><Description/></Note>
    <Note guid="d1000000-0000-0000-0000-000000000004" name="code memo caseload" plainTextPath="internal://d1000000-0000-0000-0000-000000000004.txt" creatingUser="a1000000-0000-0000-0000-000000000001"><Description/></Note>
    <Note guid="d1000000-0000-0000-0000-000000000005" name="response memo q2_417" plainTextPath="internal://d1000000-0000-0000-0000-000000000005.txt" creatingUser="a1000000-0000-0000-0000-000000000002"><Description/></Note>
    <Note guid="d1000000-0000-0000-0000-000000000006" name="Journal of the pilot" plainTextPath="internal://d1000000-0000-0000-0000-000000000006.txt" creatingUser="a1000000-0000-0000-0000-000000000002"><Description/></Note>
  </Notes>
  <Description>pilot round &amp; first impressions</Description>
</Project>
"""
# q1 had "\r\n" in coder: QualCoder read it 1 character shorter and kept the span 25-33 (past the end)
QUALCODER_FILES = {
    "sources/b1000000-0000-0000-0000-000000000001.txt": "Cases rise\nevery week: caseload",
    "sources/b1000000-0000-0000-0000-000000000002.txt": "Forms.",
    "sources/d1000000-0000-0000-0000-000000000001.txt": "pilot round & first impressions",
    "sources/d1000000-0000-0000-0000-000000000002.txt": "includes duty work",
    "sources/d1000000-0000-0000-0000-000000000003.txt": "a theme memo",
    "sources/d1000000-0000-0000-0000-000000000004.txt": "the code by its id",
    "sources/d1000000-0000-0000-0000-000000000005.txt": "a response memo renamed by QualCoder",
    "sources/d1000000-0000-0000-0000-000000000006.txt": "a journal of QualCoder's own",
}


def test_a_qualcoder_export_comes_in_whole_but_the_selection_past_its_text(tmp_path, schema):
    assert schema.validate(etree.fromstring(QUALCODER.encode())), schema.error_log
    source = make_qdpx(tmp_path / "qc.qdpx", QUALCODER, QUALCODER_FILES)
    result = run_cli("import-qdpx", source, tmp_path / "qc.coder")
    assert result.returncode == 0, result.stderr
    assert ("1 coding skipped: span past its text (q1, selection f1000000-0000-0000-0000-000000000001)"
            in result.stdout)
    conn = open_project(tmp_path / "qc.coder", readonly=True)
    codings = tables.codings_frame(conn)
    themes = dict(conn.execute("SELECT label, id FROM themes"))
    codes = dict(conn.execute("SELECT label, id FROM codes"))
    conn.close()
    assert list(zip(codings["response_id"], codings["coder"], codings["start"], codings["end"])) == [
        ("q1", "bob", 0, 5)]                                 # the rest of the file is there
    found = memos(tmp_path / "qc.coder")
    assert {key: text for key, (text, _, _) in found.items()} == {
        ("project", "", "alice"): "pilot round & first impressions",   # once, not again from Description
        ("project", "", "bob"): "a journal of QualCoder's own",
        ("code", codes["Caseload size and allocation"], "bob"): "includes duty work",
        ("theme", themes["Workload and caseloads"], "alice"): "a theme memo",
        ("code", codes["caseload"], "alice"): "the code by its id",    # the older name: by id or label
        ("response", "q2", "bob"): "a response memo renamed by QualCoder",
        ("response", "q1", "alice"): "too long a day\n\nand a late one",   # "[coder] text" split
        ("response", "q1", "bob"): "rota problems",
        ("response", "q2", "alice"): "[carol] not a user here",       # no such user: as it is
    }
    assert found[("project", "", "alice")][1:] == ("2021-03-04T05:06:07Z",) * 2   # modified: created
    assert found[("code", codes["Caseload size and allocation"], "bob")][1] == "2021-03-04T05:06:07Z"


def test_a_selection_past_its_text_does_not_hide_a_bad_file(tmp_path):
    bad = QUALCODER.replace('<CodeRef targetGUID="c1000000-0000-0000-0000-000000000002"/></Coding>\n'
                            '      </PlainTextSelection>\n    </TextSource>',
                            '<CodeRef targetGUID="c1000000-0000-0000-0000-000000000099"/></Coding>\n'
                            '      </PlainTextSelection>\n    </TextSource>')
    assert bad != QUALCODER
    source = make_qdpx(tmp_path / "bad.qdpx", bad, QUALCODER_FILES)
    result = run_cli("import-qdpx", source, tmp_path / "bad.coder")
    assert result.returncode == 1 and "CodeBook does not have" in result.stderr
    assert not (tmp_path / "bad.coder").exists()           # nothing half-written


@pytest.mark.parametrize("text", ["first line\r\nsecond: caseload here", "one\rtwo\r\n\r\nthree caseload",
                                  "lf\nthen crlf\r\nthen caseload 😀"])
def test_line_endings_are_written_as_newlines_and_spans_follow_them(tmp_path, schema, text):
    project = two_coders_project(tmp_path / "p.coder", {"r1": text})
    conn = open_project(project)
    start = text.index("caseload")
    add_coding(conn, "r1", "caseload", "alice", start=start, end=start + 8)
    add_coding(conn, "r1", "other", "bob")                 # the whole text
    conn.commit()
    conn.close()
    root = export(project, tmp_path / "p.qdpx", schema)
    source = root.find(".//q:TextSource", NS)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        written = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
    assert "\r" not in written and written == text.replace("\r\n", "\n").replace("\r", "\n")
    spans = [(int(s.get("startPosition")), int(s.get("endPosition")), s.get("name"))
             for s in source.iterfind("q:PlainTextSelection", NS)]
    assert [(written[a:b], name) for a, b, name in spans] == [("caseload", "caseload"),
                                                              (written, written[:60])]


def test_a_code_holds_nothing_but_its_description_and_sub_codes(tmp_path, schema):
    """QualCoder before its sub-code rework makes a code only of a Code element whose children are
    none or one Description: a NoteRef there lost the code and every coding on it. Code memos
    travel by their Notes' names (and come back so: the round trip above)."""
    root = export(two_coders_project(tmp_path / "p.coder"), tmp_path / "p.qdpx", schema)
    book = root.find("q:CodeBook", NS)
    assert not book.findall(".//q:NoteRef", NS)
    for code in book.iterfind(".//q:Code", NS):
        assert {etree.QName(child).localname for child in code} <= {"Description", "Code"}


def test_characters_xml_cannot_hold_leave_the_file_readable(tmp_path, schema):
    """A vertical tab (text pasted from Word) in a response, a memo, a label or the project's name
    made project.qde unreadable to every program, coder included."""
    path = tmp_path / "p.coder"
    text = "alpha\x0bbeta\x0c and the rest"

    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [("r1", text, {"site": "north\x01"})])
            add_theme(conn, Theme("workload", "1", "Work\x0bload"), "setup")
            add_code(conn, Code("caseload", "workload", "1.1", "Case\x0cload", definition="d\x0be"), "setup")
            add_coding(conn, "r1", "caseload", "alice", start=0, end=10)
            set_memo(conn, "response", "r1", "alice", "see\x0bthis")
    create_project(path, name="study\x0b1", setup=fill).close()
    root = export(path, tmp_path / "p.qdpx", schema)
    selection = root.find(".//q:PlainTextSelection", NS)
    assert selection.get("name") == "alpha\ufffdbeta"
    assert root.find(".//q:CodeBook//q:Code", NS).get("name") == "Work\ufffdload"
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:   # the text itself is exact
        source = root.find(".//q:TextSource", NS).get("guid")
        assert archive.read(f"sources/{source}.txt").decode() == text
    result = run_cli("import-qdpx", tmp_path / "p.qdpx", tmp_path / "back.coder")
    assert result.returncode == 0, result.stderr
    conn = open_project(tmp_path / "back.coder", readonly=True)
    try:
        assert conn.execute("SELECT text FROM responses").fetchall() == [(text,)]
        codings = tables.codings_frame(conn)
        assert list(zip(codings["start"], codings["end"])) == [(0, 10)]
    finally:
        conn.close()


def test_two_codes_of_one_label_reach_qualcoder_as_two_and_come_back_as_they_were(tmp_path, schema):
    """QualCoder keeps one code per name (a second one's codings went under the first, or nowhere);
    the file writes the second under its theme's label and coder.json gives its label back."""
    path = tmp_path / "p.coder"

    def fill(conn):
        with transaction(conn):
            insert_responses(conn, [("r1", "Forms.", {}), ("r2", "Rota.", {})])
            add_theme(conn, Theme("a", "1", "Other"), "setup")
            add_code(conn, Code("a_other", "a", "1.1", "Other"), "setup")
            add_theme(conn, Theme("b", "2", "Support"), "setup")
            add_code(conn, Code("b_other", "b", "2.1", "other"), "setup")
            add_coding(conn, "r1", "a_other", "alice")
            add_coding(conn, "r2", "b_other", "alice")
            set_memo(conn, "code", "b_other", "alice", "on the second one")
    create_project(path, setup=fill).close()
    root = export(path, tmp_path / "p.qdpx", schema)
    assert [c.get("name") for c in root.iterfind(".//q:CodeBook//q:Code", NS)] == [
        "Other", "Other (Other)", "Support", "other (Support)"]
    result = run_cli("import-qdpx", tmp_path / "p.qdpx", tmp_path / "back.coder")
    assert result.returncode == 0, result.stderr
    conn = open_project(tmp_path / "back.coder", readonly=True)
    try:
        labels = dict(conn.execute("SELECT id, label FROM codes"))
        assert labels == {"a_other": "Other", "b_other": "other"}
        assert sorted(conn.execute("SELECT response_id, code_id FROM codings")) == [("r1", "a_other"), ("r2", "b_other")]
        assert conn.execute("SELECT target_id, text FROM memos").fetchall() == [("b_other", "on the second one")]
    finally:
        conn.close()


SHARED = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="shared" origin="MAXQDA 2022">
  <Users>
    <User guid="a2000000-0000-0000-0000-000000000001" name="alice"/>
    <User guid="a2000000-0000-0000-0000-000000000002" name="bob"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="c2000000-0000-0000-0000-000000000001" name="Forms" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="b2000000-0000-0000-0000-000000000001" name="q1" plainTextPath="internal://b2000000-0000-0000-0000-000000000001.txt">
      <PlainTextSelection guid="f2000000-0000-0000-0000-000000000001" name="Forms" startPosition="0" endPosition="5" creatingUser="a2000000-0000-0000-0000-000000000001" creationDateTime="2019-06-05 05:25:16">
        <Coding guid="e2000000-0000-0000-0000-000000000001" creatingUser="a2000000-0000-0000-0000-000000000001" creationDateTime="2019-06-05 05:25:16"><CodeRef targetGUID="c2000000-0000-0000-0000-000000000001"/></Coding>
        <Coding guid="e2000000-0000-0000-0000-000000000002" creatingUser="a2000000-0000-0000-0000-000000000002" creationDateTime="2019-06-06"><CodeRef targetGUID="c2000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="d2000000-0000-0000-0000-000000000001" name="pilot" creatingUser="a2000000-0000-0000-0000-000000000002" creationDateTime="20190606T052516"><PlainTextContent>first look</PlainTextContent></Note>
  </Notes>
</Project>
"""


def test_a_selection_two_coders_share_is_written_once_for_each(tmp_path, schema):
    """QualCoder takes a coding's owner from its selection and keeps one coding per code, span and
    owner: bob's coding in alice's selection was lost. Dates in ISO forms XML Schema does not
    allow (a space for the T, a date alone, the basic form) are stored and written in its form."""
    source = make_qdpx(tmp_path / "in.qdpx", SHARED, {"sources/b2000000-0000-0000-0000-000000000001.txt": "Forms and more"})
    result = run_cli("import-qdpx", source, tmp_path / "p.coder")
    assert result.returncode == 0, result.stderr
    conn = open_project(tmp_path / "p.coder", readonly=True)
    try:
        assert sorted(conn.execute("SELECT coder, created_at FROM codings")) == [
            ("alice", "2019-06-05T05:25:16"), ("bob", "2019-06-06T00:00:00")]
        assert conn.execute("SELECT created_at FROM memos").fetchall() == [("2019-06-06T05:25:16",)]
    finally:
        conn.close()
    root = export(tmp_path / "p.coder", tmp_path / "out.qdpx", schema)
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    selections = root.findall(".//q:PlainTextSelection", NS)
    assert [(users[s.get("creatingUser")], s.get("guid"), s.get("startPosition"), s.get("endPosition"),
             [users[c.get("creatingUser")] for c in s.iterfind("q:Coding", NS)]) for s in selections] == [
        ("alice", "f2000000-0000-0000-0000-000000000001", "0", "5", ["alice"]),
        ("bob", selections[1].get("guid"), "0", "5", ["bob"])]
    assert selections[1].get("guid") != selections[0].get("guid")


def crlf_project(origin: str, start: int, end: int, name: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="crlf" origin="{origin}">
  <Users><User guid="a3000000-0000-0000-0000-000000000001" name="alice"/></Users>
  <CodeBook><Codes><Code guid="c3000000-0000-0000-0000-000000000001" name="Workload" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="b3000000-0000-0000-0000-000000000001" name="q1" plainTextPath="internal://b3000000-0000-0000-0000-000000000001.txt">
      <PlainTextSelection guid="f3000000-0000-0000-0000-000000000001" name="{name}" startPosition="{start}" endPosition="{end}" creatingUser="a3000000-0000-0000-0000-000000000001">
        <Coding guid="e3000000-0000-0000-0000-000000000001" creatingUser="a3000000-0000-0000-0000-000000000001"><CodeRef targetGUID="c3000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


@pytest.mark.parametrize("origin, start, end, name, text", [
    # ATLAS.ti counts each \r\n as one character (QualCoder's reader knows it by the origin)
    ("ATLAS.ti 23", 20, 40, "", "Two lines\nand then: caseload is crushing"),
    # QualCoder's export for MAXQDA writes \r\n files with offsets that count one: the names tell
    ("QualCoder 3.5", 20, 40, "caseload is crushing", "Two lines\nand then: caseload is crushing"),
    # offsets that count \r\n as two characters, as the standard has them: the text as written
    ("MAXQDA 2022", 21, 41, "caseload is crushing", "Two lines\r\nand then: caseload is crushing"),
])
def test_crlf_texts_are_read_as_the_files_offsets_count_them(tmp_path, origin, start, end, name, text):
    source = make_qdpx(tmp_path / "in.qdpx", crlf_project(origin, start, end, name),
                       {"sources/b3000000-0000-0000-0000-000000000001.txt": "Two lines\r\nand then: caseload is crushing"})
    result = run_cli("import-qdpx", source, tmp_path / "p.coder")
    assert result.returncode == 0, result.stderr
    assert ("1 text with each \\r\\n as one line break" in result.stdout) == ("\r\n" not in text)
    conn = open_project(tmp_path / "p.coder", readonly=True)
    try:
        [(stored, start_at, end_at)] = conn.execute(
            'SELECT r.text, c.start, c."end" FROM codings c JOIN responses r ON r.id = c.response_id').fetchall()
    finally:
        conn.close()
    assert stored == text and stored[start_at:end_at] == "caseload is crushing"


NVIVO_LINKED = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="nv" origin="NVivo 14">
  <Users><User guid="a4000000-0000-0000-0000-000000000001" name="alice"/></Users>
  <CodeBook><Codes><Code guid="c4000000-0000-0000-0000-000000000001" name="Workload" isCodable="true"/></Codes></CodeBook>
  <Cases>
    <Case guid="94000000-0000-0000-0000-000000000001" name="Participant 7">
      <Description>case memo for Anna</Description>
      <SourceRef targetGUID="b4000000-0000-0000-0000-000000000001"/>
    </Case>
    <Case guid="94000000-0000-0000-0000-000000000002" name="q2"><SourceRef targetGUID="b4000000-0000-0000-0000-000000000002"/></Case>
  </Cases>
  <Sources>
    <TextSource guid="b4000000-0000-0000-0000-000000000001" name="q1">
      <PlainTextContent>Forms all day.</PlainTextContent>
      <PlainTextSelection guid="f4000000-0000-0000-0000-000000000001" startPosition="0" endPosition="5" creatingUser="a4000000-0000-0000-0000-000000000001">
        <Coding guid="e4000000-0000-0000-0000-000000000001" creatingUser="a4000000-0000-0000-0000-000000000001"><CodeRef targetGUID="c4000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="b4000000-0000-0000-0000-000000000002" name="q2"><PlainTextContent>Rota.</PlainTextContent></TextSource>
  </Sources>
  <Notes>
    <Note guid="d4000000-0000-0000-0000-000000000001" name="Annotation" creatingUser="a4000000-0000-0000-0000-000000000001"><PlainTextContent>annotation text from a file</PlainTextContent></Note>
  </Notes>
  <Links>
    <Link guid="84000000-0000-0000-0000-000000000001" direction="OneWay" originGUID="d4000000-0000-0000-0000-000000000001" targetGUID="f4000000-0000-0000-0000-000000000001"/>
  </Links>
</Project>
"""


def test_nvivo_annotations_and_case_memos_land_on_their_responses(tmp_path, schema):
    """NVivo links an annotation Note to its selection by a Link, and a case keeps its memo in its
    Description and its own name: all three were dropped (the annotation became a project memo)."""
    assert schema.validate(etree.fromstring(NVIVO_LINKED.encode())), schema.error_log
    result = run_cli("import-qdpx", make_qdpx(tmp_path / "nv.qdpx", NVIVO_LINKED), tmp_path / "nv.coder")
    assert result.returncode == 0, result.stderr
    assert "1 memo on a coded span or a coding filed on its response, quoting the span" in result.stdout
    assert {key: text for key, (text, _, _) in memos(tmp_path / "nv.coder").items()} == {
        ("response", "q1", "alice"): "“Forms”: annotation text from a file",   # quoting what it is on
        ("response", "q1", "imported"): "case memo for Anna"}   # the Case names no user
    conn = open_project(tmp_path / "nv.coder", readonly=True)
    try:
        attributes = dict(conn.execute("SELECT id, attributes FROM responses"))
    finally:
        conn.close()
    assert attributes == {"q1": '{"case": "Participant 7"}', "q2": "{}"}   # a case named as its source adds nothing


UTF16 = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="u" origin="MAXQDA 2022">
  <Users><User guid="a5000000-0000-0000-0000-000000000001" name="Jo"/></Users>
  <CodeBook><Codes><Code guid="c5000000-0000-0000-0000-000000000001" name="Burnout" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="b5000000-0000-0000-0000-000000000001" name="r1">
      <PlainTextContent>Tired 😩😩 of it, burnout is real 🔥 and pay is low</PlainTextContent>
      {selections}
    </TextSource>
  </Sources>
</Project>
"""


def selection(n: int, name: str, start: int, end: int) -> str:
    return (f'<PlainTextSelection guid="f5000000-0000-0000-0000-00000000000{n}" name="{name}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="a5000000-0000-0000-0000-000000000001"><Coding '
            f'guid="e5000000-0000-0000-0000-00000000000{n}"><CodeRef targetGUID="c5000000-0000-0000-0000-000000000001"/>'
            '</Coding></PlainTextSelection>')


@pytest.mark.parametrize("selections, spans, said", [
    # offsets in UTF-16 units (each emoji two), as the names tell: read so
    ([("burnout", 18, 25), ("pay is low", 41, 51)], ["burnout", "pay is low"],
     "1 text with offsets in UTF-16 units (an emoji as two characters), as the selections' names tell"),
    # code points, as the standard has them: as they are
    ([("burnout", 16, 23), ("pay is low", 38, 48)], ["burnout", "pay is low"], None),
    # a name that fits no way: counted, the span kept as the offsets say
    ([("burnout", 16, 23), ("workload", 38, 48)], ["burnout", "pay is low"],
     "1 selection whose name is not the text its offsets select (check those spans)"),
])
def test_offsets_in_utf16_units_are_read_so_and_names_that_fit_no_way_are_counted(tmp_path, selections, spans, said):
    xml = UTF16.format(selections="".join(selection(n, *s) for n, s in enumerate(selections, 1)))
    result = run_cli("import-qdpx", make_qdpx(tmp_path / "u.qdpx", xml), tmp_path / "u.coder")
    assert result.returncode == 0, result.stderr
    assert (said in result.stdout) if said else "(" not in result.stdout, result.stdout
    conn = open_project(tmp_path / "u.coder", readonly=True)
    try:
        text = conn.execute("SELECT text FROM responses").fetchone()[0]
        assert sorted(text[start:end] for start, end in conn.execute("SELECT start, \"end\" FROM codings")) == spans
    finally:
        conn.close()


def test_a_selection_named_across_a_line_break_is_not_counted_as_misnamed(tmp_path):
    """QualCoder names a selection by its text, line breaks and all; an XML parser reads a line break
    in an attribute as a space, so every span over one was reported "not the text its offsets select"."""
    xml = UTF16.replace("Tired 😩😩 of it, burnout is real 🔥 and pay is low", "First line\nsecond line here")
    xml = xml.replace("{selections}", selection(1, "line\nsecond", 6, 17) + selection(2, "here", 23, 27))
    result = run_cli("import-qdpx", make_qdpx(tmp_path / "n.qdpx", xml), tmp_path / "n.coder")
    assert result.returncode == 0, result.stderr
    assert "(" not in result.stdout, result.stdout
