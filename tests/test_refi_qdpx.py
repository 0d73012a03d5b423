"""REFI-QDA projects: export validates against the XSD, round trips, foreign imports."""

from __future__ import annotations

import re
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from export_fixtures import CODINGS, TEXTS, make_small_project
from helpers import CODEBOOK, PROJECT_XSD, run_cli
from lxml import etree

from coder.errors import InputError
from coder.refi.reader import import_qdpx, read_qdpx
from coder.refi.writer import write_qdpx
from coder.store import open_project, tables
from coder.store.codebook import update_code
from coder.store.codebook_read import load_codebook
from coder.store.codings import list_codings
from coder.store.events import list_events

XSD = PROJECT_XSD


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def small(tmp_path):
    conn = open_project(make_small_project(tmp_path / "small.coder"), readonly=True)
    yield conn
    conn.close()


def exported(conn, path: Path) -> bytes:
    write_qdpx(conn, path)
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def test_export_validates_against_xsd(small, tmp_path, schema):
    xml = exported(small, tmp_path / "s.qdpx")
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    with zipfile.ZipFile(tmp_path / "s.qdpx") as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        texts = sorted(archive.read(n).decode() for n in names if n.startswith("sources/"))
    # The responses' texts, and each memo's text (Notes refer to their files, as QualCoder needs).
    assert texts == sorted([*TEXTS.values(), "check staffing", "includes duty work", "pilot coding round"])


def test_export_content(small, tmp_path):
    root = etree.fromstring(exported(small, tmp_path / "s.qdpx"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert [u.get("name") for u in root.findall("q:Users/q:User", ns)] == ["alice", "bob"]
    themes = root.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert [(t.get("name"), t.get("isCodable")) for t in themes] == [("Workload", "false"),
                                                                    ("Paperwork", "false")]
    assert [c.get("name") for c in themes[0].findall("q:Code", ns)] == ["Caseload", "Staffing"]
    selections = root.findall(".//q:PlainTextSelection", ns)
    assert len(selections) == len(CODINGS)
    spans = sorted((int(s.get("startPosition")), int(s.get("endPosition"))) for s in selections)
    assert (0, 5) in spans and (10, 15) in spans and (0, len(TEXTS["r1"])) in spans
    # Each response is a Case naming its text and nothing more; the values are the source's own
    # (QualCoder ignores a named Case's SourceRef and would take values there for case attributes).
    r1 = root.find("q:Sources/q:TextSource[@name='r1']", ns)
    case = root.find("q:Cases/q:Case[@name='r1']", ns)
    assert [(etree.QName(e).localname, e.get("targetGUID")) for e in case] == [("SourceRef", r1.get("guid"))]
    assert r1.find("q:VariableValue/q:TextValue", ns).text == "children"
    notes = {n.findtext("q:PlainTextContent", namespaces=ns) for n in root.findall("q:Notes/q:Note", ns)}
    assert notes == {"check staffing", "includes duty work", "pilot coding round"}
    assert len(root.findall("q:NoteRef", ns)) == 1  # the project memo
    with zipfile.ZipFile(tmp_path / "s.qdpx") as archive:
        for note in root.findall("q:Notes/q:Note", ns):
            path = note.get("plainTextPath")
            assert path.startswith("internal://")
            assert archive.read("sources/" + path[len("internal://"):]).decode() == \
                note.findtext("q:PlainTextContent", namespaces=ns)
    # Sources have a date and a maker, and every code has the colour coder shows it in.
    assert r1.get("creationDateTime")
    assert r1.get("creatingUser") == root.find("q:Users/q:User[@name='alice']", ns).get("guid")
    assert all(c.get("color", "").startswith("#") for c in root.findall(".//q:Code[@isCodable='true']", ns))


def test_export_is_deterministic(small, tmp_path):
    assert exported(small, tmp_path / "a.qdpx") == exported(small, tmp_path / "b.qdpx")


def test_round_trip_same_codings_codebook_memos_attributes(small, tmp_path):
    write_qdpx(small, tmp_path / "s.qdpx")
    import_qdpx(tmp_path / "s.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    columns = ["response_id", "code_id", "coder", "start", "end", "created_at", "origin"]
    key = lambda frame: sorted(map(str, frame[columns].itertuples(index=False)))  # noqa: E731
    assert key(tables.codings_frame(back)) == key(tables.codings_frame(small))
    assert set(tables.codings_frame(back)["origin"]) == {"manual"}   # from coder.json
    memo_cols = ["target_type", "target_id", "coder", "text"]
    assert (tables.memos_frame(back)[memo_cols].values.tolist()
            == tables.memos_frame(small)[memo_cols].values.tolist())
    assert tables.responses_frame(back)[["response_id", "text"]].values.tolist() == \
        tables.responses_frame(small)[["response_id", "text"]].values.tolist()
    original, copy = load_codebook(small), load_codebook(back)
    strip = lambda book: [(c.id, c.theme_id, c.index, c.label, c.retired) for c in book.codes]  # noqa: E731
    assert strip(copy) == strip(original)
    assert tables.attributes_frame(back).loc["r3", "setting"] == "adults"
    back.close()


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="OtherQDA 2.0">
  <Users>
    <User guid="{11111111-1111-1111-1111-111111111111}" name="Ana"/>
    <User guid="22222222-2222-2222-2222-222222222222" id="ben"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Barriers" isCodable="true">
      <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Time" isCodable="true">
        <NoteRef targetGUID="dddddddd-0000-0000-0000-000000000002"/>
        <Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Evenings" isCodable="true"/>
      </Code>
      <Code guid="aaaaaaaa-0000-0000-0000-000000000004" name="Money" isCodable="true"/>
    </Code>
    <Code guid="aaaaaaaa-0000-0000-0000-000000000005" name="Loose code" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="eeeeeeee-0000-0000-0000-000000000001" name="age" typeOfVariable="Integer"/>
    <Variable guid="eeeeeeee-0000-0000-0000-000000000002" name="site" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="cccccccc-0000-0000-0000-000000000001" name="P1">
      <VariableValue><VariableRef targetGUID="eeeeeeee-0000-0000-0000-000000000001"/><IntegerValue>34</IntegerValue></VariableValue>
      <SourceRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="Interview 1" plainTextPath="internal://one.txt">
      <PlainTextSelection guid="ffffffff-0000-0000-0000-000000000001" startPosition="0" endPosition="12" creatingUser="11111111-1111-1111-1111-111111111111">
        <Coding guid="ffffffff-1000-0000-0000-000000000001" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000003"/></Coding>
        <NoteRef targetGUID="dddddddd-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
      <PlainTextSelection guid="ffffffff-0000-0000-0000-000000000002" startPosition="5" endPosition="20" creatingUser="22222222-2222-2222-2222-222222222222">
        <Coding guid="ffffffff-1000-0000-0000-000000000002" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000003"/></Coding>
        <Coding guid="ffffffff-1000-0000-0000-000000000003" creatingUser="22222222-2222-2222-2222-222222222222"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="eeeeeeee-0000-0000-0000-000000000002"/><TextValue>Leeds</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="bbbbbbbb-0000-0000-0000-000000000002" name="Interview 2">
      <PlainTextContent>Money is tight — £20 a week.</PlainTextContent>
      <PlainTextSelection guid="ffffffff-0000-0000-0000-000000000003" startPosition="0" endPosition="28">
        <Coding guid="ffffffff-1000-0000-0000-000000000005"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000005"/></Coding>
      </PlainTextSelection>
      <Coding guid="ffffffff-1000-0000-0000-000000000004" creatingUser="{11111111-1111-1111-1111-111111111111}"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000004"/></Coding>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="dddddddd-0000-0000-0000-000000000001" creatingUser="11111111-1111-1111-1111-111111111111"><PlainTextContent>late shifts again</PlainTextContent></Note>
    <Note guid="dddddddd-0000-0000-0000-000000000002" creatingUser="22222222-2222-2222-2222-222222222222"><PlainTextContent>time covers rotas</PlainTextContent></Note>
    <Note guid="dddddddd-0000-0000-0000-000000000003"><PlainTextContent>overall impressions</PlainTextContent></Note>
  </Notes>
</Project>
"""
ONE_TXT = "Evenings are when I can finally think about work."


def foreign_qdpx(path: Path, xml: str = FOREIGN, files: dict | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in (files if files is not None else {"sources/one.txt": ONE_TXT}).items():
            archive.writestr(name, text)
    return path


def test_foreign_fixture_is_valid_refi(schema):
    assert schema.validate(etree.fromstring(FOREIGN.encode())), schema.error_log


def test_import_nested_codes_two_users_overlapping_selections(tmp_path):
    content = import_qdpx(foreign_qdpx(tmp_path / "f.qdpx"), tmp_path / "f.coder")
    assert "2 responses" in content.summary()
    conn = open_project(tmp_path / "f.coder", readonly=True)
    book = load_codebook(conn)
    assert [t.label for t in book.themes] == ["Barriers", "Ungrouped codes"]
    labels = {c.label: c for c in book.codes}
    assert labels["Evenings"].index == "1.1.1"
    assert labels["Evenings"].parent_id == labels["Time"].id   # a sub-code, with its own name
    assert labels["Barriers (general)"].theme_id == book.themes[0].id  # coding on the parent
    codings = tables.codings_frame(conn)
    by_label = {c.id: c.label for c in book.codes}
    span = lambda value: None if pd.isna(value) else int(value)  # noqa: E731
    rows = sorted((r.response_id, by_label[r.code_id], r.coder, span(r.start), span(r.end))
                  for r in codings.itertuples())
    assert rows == sorted([
        ("Interview 1", "Evenings", "Ana", 0, 12),
        ("Interview 1", "Evenings", "ben", 5, 20),      # overlaps Ana's selection
        ("Interview 1", "Barriers (general)", "ben", 5, 20),
        ("Interview 2", "Money", "Ana", None, None),           # Coding on the source itself
        ("Interview 2", "Loose code", "imported", None, None),  # whole text, no user
    ])
    attrs = tables.attributes_frame(conn)
    assert attrs.loc["Interview 1", "age"] == 34 and attrs.loc["Interview 1", "site"] == "Leeds"
    memos = {(m.target_type, m.coder, m.text) for m in tables.memos_frame(conn).itertuples()}
    time_code = labels["Time"].id
    # a note on a selection quotes its span (coder keeps memos on responses)
    assert memos == {("response", "Ana", "“Evenings are”: late shifts again"),
                     ("project", "imported", "overall impressions"),
                     ("code", "ben", "time covers rotas")}
    assert tables.memos_frame(conn).set_index("text").loc["time covers rotas", "target_id"] == time_code
    conn.close()


SETS = """  <Sets>
    <Set guid="99999999-0000-0000-0000-000000000001" name="Wave 1">
      <MemberSource targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>
      <MemberSource targetGUID="bbbbbbbb-0000-0000-0000-000000000002"/>
      <MemberSource targetGUID="bbbbbbbb-0000-0000-0000-000000000099"/>
    </Set>
    <Set guid="99999999-0000-0000-0000-000000000002" name="Leeds pilot">
      <Description>first site</Description>
      <MemberSource targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>
    </Set>
    <Set guid="99999999-0000-0000-0000-000000000003" name="Key codes">
      <MemberCode targetGUID="aaaaaaaa-0000-0000-0000-000000000004"/>
    </Set>
  </Sets>
"""


def test_sets_become_the_set_attribute_of_their_sources(tmp_path, schema):
    xml = FOREIGN.replace("</Project>", SETS + "</Project>")
    assert schema.validate(etree.fromstring(xml.encode())), schema.error_log
    responses = {rid: dict(attrs) for rid, _, attrs in imported(tmp_path, "sets", xml)[0]}
    assert responses["Interview 1"]["set"] == "Wave 1; Leeds pilot"   # a source in two sets
    assert responses["Interview 2"] == {"set": "Wave 1"}                # a set of codes adds nothing
    named = xml.replace('name="site"', 'name="set"')                    # a variable called set wins
    assert dict(imported(tmp_path, "named", named)[0][0][2])["set"] == "Leeds"


@pytest.mark.parametrize("xml, files, message", [
    (FOREIGN.replace('endPosition="20"', 'endPosition="-1"'), None, r"span 5--1 is not a span of its text "
                                                                    r"\(it starts after its end\)"),
    (FOREIGN.replace('startPosition="5"', 'startPosition="-3"'), None, r"span -3-20 .* \(it starts below 0\)"),
    (FOREIGN.replace('<CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000004"/>',
                     '<CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000099"/>'), None,
     "CodeBook does not have"),
    (FOREIGN, {}, "not inside the .qdpx"),
    (FOREIGN.replace("</Project>", ""), None, "not valid XML"),
    (FOREIGN.replace('startPosition="0" endPosition="12"', 'startPosition="x" endPosition="12"'),
     None, "whole numbers"),
    (FOREIGN.replace('bbbbbbbb-0000-0000-0000-000000000002" name="Interview 2"',
                     'bbbbbbbb-0000-0000-0000-000000000001" name="Interview 2"'), None,
     r"TextSource bbbbbbbb-0000-0000-0000-000000000001: another TextSource has this GUID too"),
    # A GUID names one element: coder keeps them and writes them back (a selection's, a coding's too).
    (FOREIGN.replace("ffffffff-1000-0000-0000-000000000003", "FFFFFFFF-1000-0000-0000-000000000002"), None,
     r"column 'guid': Coding FFFFFFFF-1000-0000-0000-000000000002: another Coding has this GUID too"),
    (FOREIGN.replace("ffffffff-0000-0000-0000-000000000003", "ffffffff-0000-0000-0000-000000000001"), None,
     r"PlainTextSelection ffffffff-0000-0000-0000-000000000001: another PlainTextSelection has this GUID too"),
    (FOREIGN.replace("dddddddd-0000-0000-0000-000000000003", "dddddddd-0000-0000-0000-000000000002"), None,
     r"Note dddddddd-0000-0000-0000-000000000002: another Note has this GUID too"),
    (FOREIGN.replace("eeeeeeee-0000-0000-0000-000000000002\" name", "eeeeeeee-0000-0000-0000-000000000001\" name"),
     None, r"Variable eeeeeeee-0000-0000-0000-000000000001: another Variable has this GUID too"),
])
def test_bad_qdpx_leaves_no_project(tmp_path, xml, files, message):
    source = foreign_qdpx(tmp_path / "bad.qdpx", xml, files)
    with pytest.raises(InputError, match=message) as error:
        import_qdpx(source, tmp_path / "bad.coder")
    assert "bad.qdpx" in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.qdpx"]


XSD_ORDER = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes"]
SECOND_CASE = """    <Case guid="cccccccc-0000-0000-0000-000000000002" name="P2">
      <VariableValue><VariableRef targetGUID="eeeeeeee-0000-0000-0000-000000000002"/><TextValue>York</TextValue></VariableValue>
      <SourceRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>
      <SourceRef targetGUID="bbbbbbbb-0000-0000-0000-000000000002"/>
    </Case>
"""


def reordered(xml: str, order: list[str]) -> str:
    """The fixture with Project's sections (all of XSD_ORDER) in the given order."""
    parts = {name: re.search(rf"  <{name}>.*?</{name}>\n", xml, re.S).group(0)
             for name in XSD_ORDER}
    return xml[:xml.index("  <Users>")] + "".join(parts[name] for name in order) + "</Project>\n"


def imported(tmp_path: Path, name: str, xml: str) -> tuple:
    """Responses (with attributes in order), codings and memos of a project imported from `xml`."""
    content = import_qdpx(foreign_qdpx(tmp_path / f"{name}.qdpx", xml), tmp_path / f"{name}.coder")
    conn = open_project(tmp_path / f"{name}.coder", readonly=True)
    codings = sorted(map(str, tables.codings_frame(conn)[
        ["response_id", "code_id", "coder", "start", "end"]].itertuples(index=False)))
    memos = tables.memos_frame(conn)[["target_type", "target_id", "coder", "text"]].values.tolist()
    conn.close()
    responses = [(rid, text, list(attrs.items())) for rid, text, attrs in content.responses]
    return responses, codings, memos


@pytest.mark.parametrize("order", [
    ["Users", "CodeBook", "Variables", "Sources", "Cases", "Notes"],   # a Case after its source
    ["Notes", "Sources", "Cases", "Variables", "CodeBook", "Users"],   # everything backwards
])
def test_sections_in_any_order_import_the_same(tmp_path, order):
    xml = FOREIGN.replace("  </Cases>", SECOND_CASE + "  </Cases>").replace(
        'name="Money" isCodable="true"/>',   # a code refers to the note a selection refers to
        'name="Money" isCodable="true"><NoteRef targetGUID="dddddddd-0000-0000-0000-000000000001"/></Code>')
    expected = imported(tmp_path, "xsd", xml)
    assert expected[0][0][2] == [("case", "P1"), ("age", 34), ("site", "Leeds")]  # the source's own value wins
    assert expected[0][1][2] == [("case", "P2"), ("site", "York")]                  # (the first case's name)
    assert ["response", "Interview 1", "Ana", "“Evenings are”: late shifts again"] in expected[2]  # so does its note
    assert imported(tmp_path, "moved", reordered(xml, order)) == expected


BAD_SPAN = FOREIGN.replace('startPosition="0" endPosition="28"',
                           'startPosition="9" endPosition="3"')   # in the second source
UNKNOWN_CODE = ("aaaaaaaa-0000-0000-0000-000000000003\"/></Coding>\n        <NoteRef",   # first source
                "aaaaaaaa-0000-0000-0000-000000000099\"/></Coding>\n        <NoteRef")
NOTE_FILE_GONE = ('"dddddddd-0000-0000-0000-000000000003"><PlainTextContent>overall impressions'
                  '</PlainTextContent></Note>',
                  '"dddddddd-0000-0000-0000-000000000003" plainTextPath="internal://gone.txt"/>')
NAMELESS_CODE = ('name="Money" isCodable', 'name="" isCodable')


@pytest.mark.parametrize("xml, message", [
    (BAD_SPAN.replace("</Project>", ""), "not valid XML"),   # bad XML after a bad span
    (BAD_SPAN.replace(*UNKNOWN_CODE), "not a span of its text"),   # every span before any CodeRef
    (reordered(BAD_SPAN.replace(*NAMELESS_CODE), XSD_ORDER[:1] + XSD_ORDER[2:] + ["CodeBook"]),
     "the Code aaaaaaaa-0000-0000-0000-000000000004 under 'Barriers' has no name"),   # the CodeBook first
    (FOREIGN.replace(*UNKNOWN_CODE).replace(*NOTE_FILE_GONE), "CodeBook does not have"),
])
def test_of_several_errors_the_first_in_reading_order_is_reported(tmp_path, xml, message):
    source = foreign_qdpx(tmp_path / "bad.qdpx", xml)
    with pytest.raises(InputError, match=message):
        import_qdpx(source, tmp_path / "bad.coder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.qdpx"]


def test_import_logs_each_coding_as_one_coding_add(tmp_path):
    import_qdpx(foreign_qdpx(tmp_path / "f.qdpx"), tmp_path / "f.coder")
    conn = open_project(tmp_path / "f.coder", readonly=True)
    codings = [{"response_id": c.response_id, "code_id": c.code_id, "coder": c.coder,
                "start": c.start, "end": c.end, "origin": c.origin, "created_at": c.created_at}
               for c in list_codings(conn)]
    events = [e for e in list_events(conn) if e.action == "coding.add"]
    conn.close()
    assert len(codings) == 5
    assert sorted(map(repr, (e.data for e in events))) == sorted(map(repr, codings))
    assert all((e.coder, e.target) == (e.data["coder"], e.data["response_id"]) for e in events)


def test_not_a_qdpx(tmp_path):
    (tmp_path / "x.qdpx").write_text("hello")
    with pytest.raises(InputError, match="zip"):
        read_qdpx(tmp_path / "x.qdpx")
    with zipfile.ZipFile(tmp_path / "y.qdpx", "w") as archive:
        archive.writestr("readme.txt", "no project")
    with pytest.raises(InputError, match="no project.qde"):
        read_qdpx(tmp_path / "y.qdpx")


def test_guid_is_uuid5():
    import uuid

    from coder.refi.guids import _GUIDS, guid
    for kind, key in [("source", "r1"), ("user", "Ana"), ("selection", "12345")]:
        assert guid(kind, key) == str(uuid.uuid5(_GUIDS, f"{kind}:{key}"))


CLIENT_SHAPED = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From a client">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="Ana"/></Users>
  <CodeBook><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Time" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" plainTextPath="internal://board_2017.txt"
                creatingUser="11111111-1111-1111-1111-111111111111">
      <Description>read twice</Description>
      <PlainTextSelection guid="ffffffff-0000-0000-0000-000000000001" startPosition="0" endPosition="8"
                          creatingUser="11111111-1111-1111-1111-111111111111">
        <Description>a turning point</Description>
        <Coding guid="ffffffff-1000-0000-0000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Description>the project memo</Description>
</Project>
"""


def test_descriptions_are_memos_and_a_nameless_source_is_named_by_its_file(tmp_path, schema):
    """As QualCoder keeps memos (Project, source and span Descriptions) and qc names sources (files only)."""
    assert schema.validate(etree.fromstring(CLIENT_SHAPED.encode()))
    content = import_qdpx(foreign_qdpx(tmp_path / "c.qdpx", CLIENT_SHAPED,
                                       {"sources/board_2017.txt": "Evenings are long."}), tmp_path / "c.coder")
    conn = open_project(tmp_path / "c.coder", readonly=True)
    memos = tables.memos_frame(conn)[["target_type", "target_id", "coder", "text"]].values.tolist()
    conn.close()
    responses = content.responses
    assert [rid for rid, _, _ in responses] == ["board_2017"]
    assert sorted(map(tuple, memos)) == [
        ("project", "", "imported", "the project memo"),
        ("response", "board_2017", "Ana", "read twice\n\n“Evenings”: a turning point")]


def test_a_case_linked_to_no_source_is_counted_in_the_summary(tmp_path):
    xml = FOREIGN.replace('<SourceRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>',
                          '<SourceRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/>'
                          '<SourceRef targetGUID="bbbbbbbb-0000-0000-0000-00000000dead"/>')
    content = import_qdpx(foreign_qdpx(tmp_path / "u.qdpx", xml), tmp_path / "u.coder")
    assert content.unlinked == 1
    assert "(1 case link to sources the project does not hold left out;" in content.summary()



def test_variable_values_keep_their_types(tmp_path, schema):
    xml = FOREIGN.replace(
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000002" name="site" typeOfVariable="Text"/>',
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000002" name="site" typeOfVariable="Text"/>'
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000003" name="score" typeOfVariable="Float"/>'
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000004" name="paid" typeOfVariable="Boolean"/>').replace(
        '<TextValue>Leeds</TextValue></VariableValue>',
        '<TextValue>Leeds</TextValue></VariableValue>'
        '<VariableValue><VariableRef targetGUID="eeeeeeee-0000-0000-0000-000000000003"/><FloatValue>2.5</FloatValue></VariableValue>'
        '<VariableValue><VariableRef targetGUID="eeeeeeee-0000-0000-0000-000000000004"/><BooleanValue>true</BooleanValue></VariableValue>')
    assert schema.validate(etree.fromstring(xml.encode())), schema.error_log
    responses = imported(tmp_path, "typed", xml)[0]
    assert dict(responses[0][2]) == {"case": "P1", "age": 34, "site": "Leeds", "score": 2.5, "paid": True}
    assert all(type(a) is type(b) for a, b in zip(dict(responses[0][2]).values(), ("P1", 34, "Leeds", 2.5, True)))


def test_code_keys_come_back_from_a_round_trip(tmp_path):
    """The keys a researcher learned (set by the UI or on F2) travel in coder.json, which
    other programs ignore."""
    path = make_small_project(tmp_path / "keys.coder")
    conn = open_project(path)
    codes = [c.id for c in load_codebook(conn).codes]
    update_code(conn, codes[0], "tester", key="w")
    update_code(conn, codes[1], "tester", key="7")
    write_qdpx(conn, tmp_path / "keys.qdpx")
    conn.close()
    import_qdpx(tmp_path / "keys.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    keys = {c.id: c.key for c in load_codebook(back).codes}
    back.close()
    assert (keys[codes[0]], keys[codes[1]]) == ("w", "7") and all(keys[c] is None for c in codes[2:])


def test_a_user_the_file_does_not_list_is_named_in_the_summary(tmp_path):
    xml = FOREIGN.replace('<Coding guid="ffffffff-1000-0000-0000-000000000002" creatingUser="22222222-2222-2222-2222-222222222222">',
                          '<Coding guid="ffffffff-1000-0000-0000-000000000002" creatingUser="99999999-2222-2222-2222-222222222222">')
    assert xml != FOREIGN
    content = import_qdpx(foreign_qdpx(tmp_path / "u.qdpx", xml), tmp_path / "u.coder")
    assert "1 user the file's Users do not list recorded as 'imported'" in content.summary()
    assert "do not list" not in import_qdpx(foreign_qdpx(tmp_path / "v.qdpx"), tmp_path / "v.coder").summary()


def test_two_unnamed_users_whose_guids_start_alike_stay_two_coders(tmp_path):
    xml = FOREIGN.replace('<User guid="{11111111-1111-1111-1111-111111111111}" name="Ana"/>',
                          '<User guid="{22222222-2222-2222-2222-111111111111}"/>').replace(
        '<User guid="22222222-2222-2222-2222-222222222222" id="ben"/>',
        '<User guid="22222222-2222-2222-2222-222222222222"/>').replace(
        "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-111111111111")
    content = import_qdpx(foreign_qdpx(tmp_path / "u.qdpx", xml), tmp_path / "u.coder")
    assert sorted(content.users) == ["user-22222222", "user-22222222-2222-2222-2222-222222222222"]


def test_a_link_to_a_note_the_file_lacks_is_counted(tmp_path):
    xml = FOREIGN.replace('<NoteRef targetGUID="dddddddd-0000-0000-0000-000000000001"/>',
                          '<NoteRef targetGUID="dddddddd-0000-0000-0000-000000000077"/>')
    assert xml != FOREIGN
    content = import_qdpx(foreign_qdpx(tmp_path / "n.qdpx", xml), tmp_path / "n.coder")
    assert "1 link to notes the file does not hold left out" in content.summary()


def test_dates_go_out_as_dates_and_come_back_as_they_were(tmp_path, schema):
    """A workbook's dates (stored as ISO text) went out as Text variables, so NVivo and MAXQDA could
    not sort or filter by them."""
    path = make_small_project(tmp_path / "d.coder")
    conn = open_project(path)
    dates = {"r1": "2024-03-05", "r2": "2024-02-29", "r3": "2024-02-30"}   # the last is no date
    for rid, (day, when) in zip(("r1", "r2", "r3"), [(dates["r1"], "2024-03-05T14:30:00"),
                                                      (dates["r2"], "2024-03-06T09:00:00Z"),
                                                      (dates["r3"], "2024-03-07T10:00:00")]):
        attributes = json.loads(conn.execute("SELECT attributes FROM responses WHERE id = ?", (rid,)).fetchone()[0])
        conn.execute("UPDATE responses SET attributes = ? WHERE id = ?",
                     (json.dumps({**attributes, "sent": when, "day": day, "valid day": day if rid != "r3" else None}), rid))
    xml = exported(conn, tmp_path / "d.qdpx")
    conn.close()
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    root = etree.fromstring(xml)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    types = {v.get("name"): v.get("typeOfVariable") for v in root.findall("q:Variables/q:Variable", ns)}
    assert (types["sent"], types["day"], types["valid day"]) == ("DateTime", "Text", "Date")
    import_qdpx(tmp_path / "d.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    again = {rid: json.loads(a) for rid, a in back.execute("SELECT id, attributes FROM responses")}
    back.close()
    assert again["r2"]["sent"] == "2024-03-06T09:00:00Z" and again["r1"]["valid day"] == "2024-03-05"
    assert again["r3"]["day"] == "2024-02-30"


def test_a_boolean_written_as_1_is_true(tmp_path):
    """xs:boolean takes 1 and 0 as well as true and false; 1 was read as false."""
    xml = FOREIGN.replace(
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000002" name="site" typeOfVariable="Text"/>',
        '<Variable guid="eeeeeeee-0000-0000-0000-000000000002" name="site" typeOfVariable="Boolean"/>').replace(
        "<TextValue>Leeds</TextValue>", "<BooleanValue>1</BooleanValue>")
    assert dict(imported(tmp_path, "one", xml)[0][0][2])["site"] is True
    assert dict(imported(tmp_path, "zero", xml.replace(">1</BooleanValue>", ">0</BooleanValue>"))[0][0][2])["site"] is False


def test_floats_go_out_as_decimals_the_schema_takes(tmp_path, schema):
    """repr gave 5e-05 and nan, which xs:decimal refuses: the export did not validate."""
    path = make_small_project(tmp_path / "f.coder")
    conn = open_project(path)
    values = {"r1": 5e-05, "r2": 1e300, "r3": float("nan")}
    for rid, value in values.items():
        attributes = json.loads(conn.execute("SELECT attributes FROM responses WHERE id = ?", (rid,)).fetchone()[0])
        conn.execute("UPDATE responses SET attributes = ? WHERE id = ?",
                     (json.dumps({**attributes, "small": value, "ratio": value if rid != "r3" else 0.5}), rid))
    xml = exported(conn, tmp_path / "f.qdpx")
    conn.close()
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    assert b"<FloatValue>0.00005</FloatValue>" in xml
    import_qdpx(tmp_path / "f.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    again = {rid: json.loads(a) for rid, a in back.execute("SELECT id, attributes FROM responses")}
    back.close()
    assert (again["r1"]["ratio"], again["r2"]["ratio"], again["r3"]["ratio"]) == (5e-05, 1e300, 0.5)
    assert b"<TextValue>nan</TextValue>" in xml   # a column with a non-number goes out as text,
    # and comes back from coder.json as the numbers it had (a NaN as the text the store keeps for it)
    assert (again["r1"]["small"], again["r2"]["small"], again["r3"]["small"]) == (5e-05, 1e300, "NaN")


def test_a_code_memo_from_another_program_comes_back_on_its_code(tmp_path):
    """The export kept the Note's own name ("Time memo") and no NoteRef, so the memo came back on
    the project."""
    xml = FOREIGN.replace('<Note guid="dddddddd-0000-0000-0000-000000000002"',
                          '<Note guid="dddddddd-0000-0000-0000-000000000002" name="Time memo"')
    memos = imported(tmp_path, "first", xml)[2]
    conn = open_project(tmp_path / "first.coder", readonly=True)
    write_qdpx(conn, tmp_path / "out.qdpx")
    conn.close()
    import_qdpx(tmp_path / "out.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    again = tables.memos_frame(back)[["target_type", "target_id", "coder", "text"]].values.tolist()
    back.close()
    assert ["code", next(m[1] for m in memos if m[3] == "time covers rotas"), "ben", "time covers rotas"] in memos
    assert sorted(again) == sorted(memos)


def test_a_note_on_a_coding_is_a_memo_on_its_response(tmp_path, schema):
    xml = FOREIGN.replace(
        '<CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000004"/></Coding>',
        '<CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000004"/>'
        '<NoteRef targetGUID="dddddddd-0000-0000-0000-000000000003"/></Coding>')
    assert schema.validate(etree.fromstring(xml.encode())), schema.error_log
    assert ["response", "Interview 2", "imported", "overall impressions"] in imported(tmp_path, "c", xml)[2]


def test_users_and_sources_of_one_name_stay_apart(tmp_path):
    """Two Users called Ana became one coder (their agreement could not be measured), and two
    sources of one name lost it (their ids became GUIDs)."""
    xml = FOREIGN.replace('id="ben"', 'name="Ana"').replace('name="Interview 2"', 'name="Interview 1"')
    content = import_qdpx(foreign_qdpx(tmp_path / "n.qdpx", xml), tmp_path / "n.coder")
    assert sorted(content.users) == ["Ana", "Ana (2)"]
    assert [rid for rid, _, _ in content.responses] == ["Interview 1", "Interview 1 (2)"]
    assert ('1 user named as another user told apart as "name (2)"; '
            '1 source named as another source told apart as "name (2)"') in content.summary()
    twice = xml.replace("22222222-2222-2222-2222-222222222222", "11111111-1111-1111-1111-111111111111")
    with pytest.raises(InputError, match="User 11111111-1111-1111-1111-111111111111: another User has this GUID"):
        import_qdpx(foreign_qdpx(tmp_path / "t.qdpx", twice), tmp_path / "t.coder")


def test_a_note_a_code_and_a_source_both_refer_to_is_a_memo_on_each(tmp_path, schema):
    """The code memo was lost (the source's NoteRef won) though the summary counted it."""
    xml = FOREIGN.replace('name="Money" isCodable="true"/>',
                          'name="Money" isCodable="true"><NoteRef targetGUID="dddddddd-0000-0000-0000-000000000001"/></Code>')
    assert schema.validate(etree.fromstring(xml.encode())), schema.error_log
    content = import_qdpx(foreign_qdpx(tmp_path / "both.qdpx", xml), tmp_path / "both.coder")
    assert ", 4 memos" in content.summary()
    conn = open_project(tmp_path / "both.coder", readonly=True)
    money = next(c.id for c in load_codebook(conn).codes if c.label == "Money")
    memos = tables.memos_frame(conn)[["target_type", "target_id", "coder", "text"]].values.tolist()
    assert ["response", "Interview 1", "Ana", "“Evenings are”: late shifts again"] in memos
    assert ["code", money, "Ana", "late shifts again"] in memos and len(memos) == 4
    write_qdpx(conn, tmp_path / "out.qdpx")   # the Note's GUID stays with one memo: no GUID twice
    conn.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert schema.validate(root), schema.error_log
    guids = [note.get("guid") for note in root.iter("{urn:QDA-XML:project:1.0}Note")]
    assert len(guids) == len(set(guids)) == 4 and "dddddddd-0000-0000-0000-000000000001" in guids


NATURAL = [{"id": "001", "text": "Cases keep rising.", "score": 3.5, "n": 4},
           {"id": "003", "text": "Two vacancies.", "score": -2, "n": 0, "note": None},
           {"id": "004", "text": "Forms and forms.", "score": 0, "n": -7, "tags": ["a", "b"],
            "where": {"site": "Leeds"}, "label": " padded "}]


def test_attribute_values_come_back_as_they_were(tmp_path, schema):
    """-2 and 0 came back -2.0 and 0.0 (their column went out as Float), a list as its Python repr."""
    (tmp_path / "nat.jsonl").write_text("".join(json.dumps(row) + "\n" for row in NATURAL), encoding="utf-8")
    for args in (("init", tmp_path / "nat.coder", "--codebook", CODEBOOK), ("import", tmp_path / "nat.coder", tmp_path / "nat.jsonl"),
                 ("export", tmp_path / "nat.coder", "qdpx", "--out", tmp_path / "nat.qdpx"),
                 ("import-qdpx", tmp_path / "nat.qdpx", tmp_path / "rt.coder")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr

    def attributes(path):
        conn = open_project(path, readonly=True)
        rows = dict(conn.execute("SELECT id, attributes FROM responses"))
        conn.close()
        return rows

    assert attributes(tmp_path / "rt.coder") == attributes(tmp_path / "nat.coder")
    assert json.loads(attributes(tmp_path / "rt.coder")["004"])["tags"] == ["a", "b"]
    # Other programs read project.qde alone: an integer column is Integer, a list its JSON text.
    root = etree.fromstring(exported_qde(tmp_path / "nat.qdpx"))
    assert schema.validate(root), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    types = {v.get("name"): v.get("typeOfVariable") for v in root.findall("q:Variables/q:Variable", ns)}
    assert (types["score"], types["n"], types["tags"]) == ("Float", "Integer", "Text")
    without = tmp_path / "other.qdpx"
    with zipfile.ZipFile(tmp_path / "nat.qdpx") as old, zipfile.ZipFile(without, "w") as new:
        for name in old.namelist():
            if name != "coder.json":
                new.writestr(name, old.read(name))
    values = {rid: attrs for rid, _, attrs in read_qdpx(without).responses}
    assert values["004"]["tags"] == '["a", "b"]' and values["004"]["n"] == -7
    assert values["004"]["score"] == 0.0 and values["003"]["score"] == -2.0


def exported_qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def test_a_code_without_a_colour_of_its_own_comes_back_without_one(tmp_path):
    """Every code went out with the colour coder showed it in (other programs need one) and came
    back fixed to it: a codebook's automatic colours became 23 set ones."""
    path = make_small_project(tmp_path / "coloured.coder")
    conn = open_project(path)
    update_code(conn, "staffing", "setup", color="#123456")
    write_qdpx(conn, tmp_path / "c.qdpx")
    conn.close()
    import_qdpx(tmp_path / "c.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    assert {c.id: c.color for c in load_codebook(back).codes} == {
        "caseload": None, "staffing": "#123456", "paperwork": None, "systems": None, "old": None}
    back.close()
