"""REFI-QDA with real clients (issue 16): what coder keeps from their files and gives back.

Small hand-written .qdpx files shaped like NVivo's, QualCoder's and qc's
exports are imported, exported again and compared, the exports validated
against the REFI-QDA Project.xsd.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from export_fixtures import make_small_project
from helpers import PROJECT_XSD, run_cli
from lxml import etree
from qdpx_files import export, make_qdpx

from coder.records import Code, Theme
from coder.refi.reader import import_qdpx
from coder.store import create_project, get_meta, open_project, tables, transaction
from coder.store.codebook import add_code, add_theme, set_codebook_info
from coder.store.codebook_read import load_codebook
from coder.store.exchange import known_coders
from coder.store.memos import set_memo

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








def test_nvivo_users_without_codings_are_kept_as_coders_and_exported(tmp_path, schema):
    assert schema.validate(etree.fromstring(NVIVO.encode())), schema.error_log
    content = import_qdpx(make_qdpx(tmp_path / "nv.qdpx", NVIVO, NVIVO_FILES), tmp_path / "nv.coder")
    assert "0 codings by 0 coders (and 2 without codings)" in content.summary()
    conn = open_project(tmp_path / "nv.coder", readonly=True)
    assert known_coders(conn) == ["Researcher A", "Researcher B"]
    conn.close()
    root = export(tmp_path / "nv.coder", tmp_path / "back.qdpx", schema)
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == ["Researcher A", "Researcher B"]


def nvivo_tree(count: list[int], depth: int, widths: tuple[int, ...]) -> str:
    """Codes NVivo-style (codable at every level, GUIDs in capitals, some in braces), `widths` per level."""
    if depth == len(widths):
        return ""
    parts = []
    for _ in range(widths[depth]):
        count[0] += 1
        n = count[0]
        spelt = f"C{n:07X}-0000-4000-8000-{n:012X}"
        parts.append(f'<Code guid="{"{" + spelt + "}" if n % 50 == 0 else spelt}" name="code {n}" '
                     f'isCodable="true">{nvivo_tree(count, depth + 1, widths)}</Code>')
    return "".join(parts)


def code_guid_of(n: int) -> str:
    return f"C{n:07X}-0000-4000-8000-{n:012X}"


USER_A, USER_B = "A3000000-0000-0000-0000-00000000000A", "{A3000000-0000-0000-0000-00000000000B}"
SOURCE_1, SOURCE_2 = "B3000000-0000-0000-0000-000000000001", "B3000000-0000-0000-0000-000000000002"


def nvivo_project() -> str:
    """A project shaped like NVivo's: 262 codes six levels deep, two users, shared and unnamed selections."""
    count = [0]
    deep = nvivo_tree(count, 0, (6, 3, 3, 3))                       # 6 trees of 1 + 3 + 9 + 27 codes
    chain = nvivo_tree(count, 0, (1, 1, 1, 1, 1, 1))                # one path 6 deep ...
    loose = nvivo_tree(count, 0, (16,))                             # ... and 16 codes without children
    assert count[0] == 262
    coding = '<Coding guid="{}" creatingUser="{}"><CodeRef targetGUID="{}"/></Coding>'.format
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="nv" origin="NVivo 15">
  <Users><User guid="{USER_A}" name="Researcher A"/><User guid="{USER_B}" name="Researcher B"/></Users>
  <CodeBook><Codes>{deep}{chain}{loose}</Codes></CodeBook>
  <Variables><Variable guid="E3000000-0000-0000-0000-000000000001" name="region" typeOfVariable="Text"/></Variables>
  <Sources>
    <TextSource guid="{SOURCE_1}" name="Interview A" plainTextPath="internal://{SOURCE_1}.txt">
      <PlainTextSelection guid="F3000000-0000-0000-0000-000000000001" name="Café" startPosition="0" endPosition="4" creatingUser="{USER_A}">
        {coding("F4000000-0000-0000-0000-000000000001", USER_A, code_guid_of(2))}
        {coding("F4000000-0000-0000-0000-000000000002", USER_A, code_guid_of(246))}
      </PlainTextSelection>
      <PlainTextSelection guid="F3000000-0000-0000-0000-000000000002" startPosition="5" endPosition="10" creatingUser="{USER_B}">
        {coding("F4000000-0000-0000-0000-000000000003", USER_B, code_guid_of(50))}
        <NoteRef targetGUID="90000000-0000-0000-0000-00000000000A"/>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="E3000000-0000-0000-0000-000000000001"/><TextValue>North</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="{SOURCE_2}" name="Interview B" plainTextPath="internal://{SOURCE_2}.txt">
      <PlainTextSelection guid="F3000000-0000-0000-0000-000000000003" name="all of it" startPosition="0" endPosition="9" creatingUser="{USER_B}">
        {coding("F4000000-0000-0000-0000-000000000004", USER_B, code_guid_of(262))}
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="90000000-0000-0000-0000-00000000000A" name="span memo" creatingUser="{USER_B}"><PlainTextContent>raised voice</PlainTextContent></Note>
  </Notes>
</Project>
"""


NVIVO_TEXTS = {f"sources/{SOURCE_1}.txt": "Café staff leave early.", f"sources/{SOURCE_2}.txt": "Forms. Ok."}


def identities(root: etree._Element) -> dict[str, dict[str, str | None]]:
    """Element name -> {GUID as written: its name attribute} of every element with a GUID."""
    found: dict[str, dict[str, str | None]] = {}
    for element in root.iter():
        if element.get("guid"):
            found.setdefault(etree.QName(element).localname, {})[element.get("guid")] = element.get("name")
    return found


def test_a_262_code_nvivo_project_keeps_every_guid_and_selection_name_through_coder(tmp_path, schema):
    original = etree.fromstring(nvivo_project().encode())
    assert schema.validate(original), schema.error_log
    source = make_qdpx(tmp_path / "nv.qdpx", nvivo_project(), NVIVO_TEXTS)
    content = import_qdpx(source, tmp_path / "nv.coder")
    assert len(content.codebook.codes) + len(content.codebook.themes) == 262 + 1   # "Ungrouped codes"
    root = export(tmp_path / "nv.coder", tmp_path / "back.qdpx", schema)
    before, after = identities(original), identities(root)
    assert set(before["Code"]) <= set(after["Code"])   # (names: sub-codes are flattened, see issue 16)
    for element in ("User", "Variable", "TextSource", "PlainTextSelection", "Coding", "Note"):
        kept = {g: after.get(element, {}).get(g, "(missing)") for g in before[element]}
        assert kept == before[element], element   # every GUID, spelt as it came, and its name
    assert len(after["Code"]) == 262 + 1          # and the theme coder adds for the loose codes
    shared = root.find(".//q:PlainTextSelection[@guid='F3000000-0000-0000-0000-000000000001']", NS)
    assert [ref.get("targetGUID") for ref in shared.iterfind("q:Coding/q:CodeRef", NS)] == [
        code_guid_of(2), code_guid_of(246)]       # two codings of one selection stay together
    assert root.find(f".//q:TextSource[@guid='{SOURCE_2}']/q:PlainTextSelection", NS).get("name") == "all of it"
    again = tmp_path / "again.coder"
    import_qdpx(tmp_path / "back.qdpx", again)
    assert identities(export(again, tmp_path / "again.qdpx", schema)) == after   # stable from then on


def test_the_codebook_keeps_its_name_version_and_method_apart_from_the_project(tmp_path, schema):
    conn = open_project(make_small_project(tmp_path / "study.coder"))
    set_codebook_info(conn, name="Workload framework", version="2.1", method="framework analysis")
    conn.close()
    export(tmp_path / "study.coder", tmp_path / "study.qdpx", schema)
    import_qdpx(tmp_path / "study.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    book = load_codebook(back)
    assert (book.name, book.version, book.method) == ("Workload framework", "2.1", "framework analysis")
    assert get_meta(back)["name"] == "study"
    back.close()
    import_qdpx(make_qdpx(tmp_path / "nv.qdpx", NVIVO, NVIVO_FILES), tmp_path / "nv.coder")
    other = open_project(tmp_path / "nv.coder", readonly=True)
    assert load_codebook(other).name == "nv"   # another program's file: named after its project
    other.close()


@pytest.mark.parametrize("text", ["[1, 2", '{"codebook": {"name": 3}}', "[]",
                                  '{"codes": {"C1": {"id": 3}}}', '{"codes": {"C1": {"keywords": [1]}}}',
                                  '{"attributes": {"S1": [1]}}', '{"attributes": []}',
                                  '{"origins": {"C1": "guessed"}}', '{"samples": [{"name": "pilot"}]}',
                                  '{"samples": [{"name": "p", "size": 1, "by": null, "seed": "7", "created_at": "",'
                                  ' "created_by": "a", "responses": []}]}'])
def test_a_coder_json_coder_did_not_write_is_one_line_and_no_project(tmp_path, text):
    source = make_qdpx(tmp_path / "nv.qdpx", NVIVO, {**NVIVO_FILES, "coder.json": text})
    result = run_cli("import-qdpx", source, tmp_path / "nv.coder")
    assert result.returncode != 0 and "coder.json is not the JSON object coder writes" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "nv.coder").exists()


def test_a_project_with_a_codebook_and_no_responses_exports_a_valid_file(codebook_project, tmp_path, schema):
    root = export(codebook_project, tmp_path / "new.qdpx", schema)   # had an empty, invalid Sources
    assert root.find("q:Sources", NS) is None and root.find("q:CodeBook", NS) is not None


def framework(conn) -> None:
    with transaction(conn):
        add_theme(conn, Theme("work", "3", "Work", "Pressures of the job.\nIndex: not a field"), "setup")
        add_code(conn, Code("caseload", "work", "3.2", "Caseload", definition="Too many cases.",
                            include=("rising caseloads",), exclude=("staffing as such",),
                            keywords=("caseload", "case load"), color="#123456"), "setup")
        add_code(conn, Code("forms", "work", "3.7", "Forms", retired=True), "setup")


def test_descriptions_hold_the_researchers_text_and_coder_fields_travel_beside_them(tmp_path, schema):
    create_project(tmp_path / "f.coder", setup=framework).close()
    root = export(tmp_path / "f.coder", tmp_path / "f.qdpx", schema)
    descriptions = {c.get("name"): c.findtext("q:Description", namespaces=NS) for c in root.iter(f"{{{NS['q']}}}Code")}
    assert descriptions == {"Work": "Pressures of the job.\nIndex: not a field", "Caseload": "Too many cases.",
                            "Forms (retired)": None}   # other programs have no retired codes: the name says so
    import_qdpx(tmp_path / "f.qdpx", tmp_path / "back.coder")
    first, back = (open_project(tmp_path / name, readonly=True) for name in ("f.coder", "back.coder"))
    book, copy = load_codebook(first), load_codebook(back)
    assert copy.themes == book.themes   # ids, indexes, descriptions (the "Index:" line too)
    uncoloured = lambda b: [dataclasses.replace(c, color=None) for c in b.codes]  # noqa: E731
    assert uncoloured(copy) == uncoloured(book)   # rules, keywords, retirement ...
    assert copy.codes[0].color == "#123456"       # ... and its own colour (Forms got the palette's)
    first.close()
    back.close()


def test_a_client_s_code_descriptions_come_back_unchanged(tmp_path, schema):
    import_qdpx(make_qdpx(tmp_path / "nv.qdpx", nvivo_project(), NVIVO_TEXTS), tmp_path / "nv.coder")
    root = export(tmp_path / "nv.coder", tmp_path / "back.qdpx", schema)
    theirs = [c for c in root.iter(f"{{{NS['q']}}}Code") if c.get("name") != "Ungrouped codes"]
    assert len(theirs) == 262 and not [c for c in theirs if c.find("q:Description", NS) is not None]
    source = NVIVO.replace('<Code guid="C2000000-0000-0000-0000-000000000003" name="alignment" isCodable="true"/>',
                           '<Code guid="C2000000-0000-0000-0000-000000000003" name="alignment" isCodable="true">'
                           '<Description>Units match the standards.</Description></Code>')
    import_qdpx(make_qdpx(tmp_path / "nv2.qdpx", source, NVIVO_FILES), tmp_path / "nv2.coder")
    root = export(tmp_path / "nv2.coder", tmp_path / "back2.qdpx", schema)
    code = root.find(".//q:Code[@guid='C2000000-0000-0000-0000-000000000003']", NS)
    assert code.findtext("q:Description", namespaces=NS) == "Units match the standards."


def test_memos_are_where_qualcoder_reads_them_and_come_back_once(tmp_path, schema):
    conn = open_project(make_small_project(tmp_path / "s.coder"))
    set_memo(conn, "response", "r3", "bob", "bob disagrees")   # two coders' memos on r3
    conn.close()
    root = export(tmp_path / "s.coder", tmp_path / "s.qdpx", schema)
    assert root.findtext("q:Description", namespaces=NS) == "pilot coding round"   # QualCoder's project memo
    r3 = root.find("q:Sources/q:TextSource[@name='r3']", NS)
    assert r3.findtext("q:Description", namespaces=NS) == "[alice] check staffing\n\n[bob] bob disagrees"
    import_qdpx(tmp_path / "s.qdpx", tmp_path / "back.coder")
    assert memos(tmp_path / "back.coder") == memos(tmp_path / "s.coder")   # the Descriptions add none


def memos(project: Path) -> list[tuple]:
    """(target type, target id, coder, text) of every memo of a project."""
    conn = open_project(project, readonly=True)
    try:
        frame = tables.memos_frame(conn)[["target_type", "target_id", "coder", "text"]]
        return sorted(map(tuple, frame.values.tolist()))
    finally:
        conn.close()
