"""REFI-QDA codebooks (.qdc): schema-valid export, round trip, deep nesting, bad files."""

from __future__ import annotations

import dataclasses
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import PROJECT_XSD, run_cli
from lxml import etree

from coder.codebook.files import read_codebook, write_codebook
from coder.errors import CoderError, InputError
from coder.records import Codebook
from coder.store import open_project
from coder.codebook.qdc import (CODEBOOK_NS, PROJECT_NS, code_guid, codebook_and_guids_from_xml,
                                codebook_from_xml, codebook_to_xml, normal_guid, theme_guid)

SHIPPED = Path(__file__).resolve().parents[1] / "codebooks" / "social_work_framework.yaml"


def codebook_schema() -> etree.XMLSchema:
    """REFI's Codebook.xsd: Project.xsd's types in the codebook namespace, root `CodeBook`.

    Only Project.xsd ships here (tests/data/refi); the codebook schema declares the same
    CodeBookType under urn:QDA-XML:codebook:1.0 with CodeBook as root element.
    """
    text = PROJECT_XSD.read_text(encoding="utf-8")
    text = text.replace(PROJECT_NS, CODEBOOK_NS)
    text = text.replace("<!-- ===== Type Definitions ===== -->",
                        '<xsd:element name="CodeBook" type="CodeBookType"/>', 1)
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8")))


def project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


def test_export_validates_against_the_refi_schema(tmp_path):
    out = tmp_path / "framework.qdc"
    write_codebook(read_codebook(SHIPPED), out)
    schema = codebook_schema()
    document = etree.parse(str(out))
    assert schema.validate(document), schema.error_log
    codes = document.getroot()[0]
    assert [c.get("isCodable") for c in codes] == ["false"] * 6
    assert codes[0][1].get("name") == "Caseload size and allocation"
    assert codes[0][1].get("guid") == code_guid("caseload")
    assert codes[0].get("guid") == theme_guid("workload")


def test_codebook_element_fits_inside_a_project():
    element = codebook_to_xml(read_codebook(SHIPPED), namespace=PROJECT_NS)
    project = ET.Element(f"{{{PROJECT_NS}}}Project", name="p")
    project.append(element)
    document = etree.fromstring(ET.tostring(project))
    schema = project_schema()
    assert schema.validate(document), schema.error_log


def test_guids_are_stable_and_distinct():
    assert code_guid("stress") == code_guid("stress") != code_guid("leaving")
    assert theme_guid("stress") != code_guid("stress")


def test_round_trip_keeps_codes_rules_keywords_and_retired(tmp_path):
    book = read_codebook(SHIPPED)
    book = dataclasses.replace(book, codes=tuple(
        dataclasses.replace(c, retired=True, color="#aabbcc") if c.id == "leaving" else
        dataclasses.replace(c, definition="Written on Windows:\r\ntwo lines.") if c.id == "caseload" else c
        for c in book.codes))   # a raw \r in the file was read back as part of a line break
    out = tmp_path / "framework.qdc"
    write_codebook(book, out)
    back = read_codebook(out)
    assert back.themes == book.themes and back.codes == book.codes
    # REFI codebooks carry no name or version: they ride in a comment other programs skip.
    assert (back.name, back.version, back.method) == (book.name, book.version, book.method) != ("", "", "")
    another_programs = out.read_text(encoding="utf-8").replace("<!-- coder codebook:", "<!-- ")
    out.write_text(another_programs, encoding="utf-8")
    assert read_codebook(out).name == ""


def test_a_name_with_a_double_hyphen_keeps_the_comment_valid(tmp_path):
    book = dataclasses.replace(read_codebook(SHIPPED), name="Wave 2 -- final --> draft")
    write_codebook(book, tmp_path / "x.qdc")
    assert codebook_schema().validate(etree.parse(str(tmp_path / "x.qdc")))
    assert read_codebook(tmp_path / "x.qdc").name == "Wave 2 -- final --> draft"


def test_empty_codebook_cannot_be_exported(tmp_path):
    with pytest.raises(CoderError, match="empty"):
        write_codebook(Codebook("x", (), ()), tmp_path / "x.qdc")


DEEP = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{CODEBOOK_NS}">
  <Codes>
    <Code guid="00000000-0000-0000-0000-000000000001" name="Workload" isCodable="true">
      <Description>All about work</Description>
      <Code guid="00000000-0000-0000-0000-000000000002" name="Caseload" isCodable="true" color="#112233">
        <Code guid="00000000-0000-0000-0000-000000000003" name="Weighting" isCodable="false">
          <Code guid="00000000-0000-0000-0000-000000000004" name="Points" isCodable="true"/>
        </Code>
      </Code>
      <Code guid="00000000-0000-0000-0000-000000000005" name="Hours" isCodable="true"/>
    </Code>
    <Code guid="00000000-0000-0000-0000-000000000006" name="Loose end" isCodable="true"/>
    <Code guid="00000000-0000-0000-0000-000000000007" name="Café" isCodable="true"/>
  </Codes>
</CodeBook>
"""


def test_import_keeps_any_depth_as_sub_codes_with_their_own_names_and_codability(tmp_path):
    path = tmp_path / "deep.qdc"
    path.write_text(DEEP, encoding="utf-8")
    assert codebook_schema().validate(etree.parse(str(path)))
    book = read_codebook(path)
    assert [(t.id, t.index, t.label) for t in book.themes] == [
        ("workload", "1", "Workload"), ("ungrouped", "2", "Ungrouped codes")]
    assert book.themes[0].description == "All about work"
    assert [t.codable for t in book.themes] == [True, False]   # as it came; "Ungrouped" is coder's
    assert [(c.id, c.theme_id, c.parent_id, c.index, c.label, c.codable) for c in book.codes] == [
        ("caseload", "workload", None, "1.1", "Caseload", True),
        ("weighting", "workload", "caseload", "1.1.1", "Weighting", False),
        ("points", "workload", "weighting", "1.1.1.1", "Points", True),
        ("hours", "workload", None, "1.2", "Hours", True),
        ("loose_end", "ungrouped", None, "2.1", "Loose end", True),
        ("cafe", "ungrouped", None, "2.2", "Café", True),
    ]
    assert book.codes[0].color == "#112233"
    assert [c.position for c in book.codes_of("workload")] == [0, 1, 2, 3]


def test_codebook_from_an_element_parsed_elsewhere_with_its_guids():
    element = ET.fromstring(DEEP.split("?>", 1)[1])
    assert len(codebook_from_xml(element).codes) == 6
    book, guids = codebook_and_guids_from_xml(element)
    assert guids[normal_guid("{00000000-0000-0000-0000-000000000004}")] == "points"
    assert guids["00000000-0000-0000-0000-000000000001"] == "workload"
    assert len(guids) == 7


def test_guids_of_our_own_export_map_back_to_the_ids():
    element = codebook_to_xml(read_codebook(SHIPPED))
    _, guids = codebook_and_guids_from_xml(element)
    assert guids[code_guid("stress")] == "stress" and guids[theme_guid("wellbeing")] == "wellbeing"


@pytest.mark.parametrize("text, line, reason", [
    ("<CodeBook><Codes><Code name='a'>\n</Codes></CodeBook>", 2, "not valid XML"),
    ("<Project/>", 1, "expected a CodeBook"),
    ("<CodeBook>\n</CodeBook>", 1, "in namespace (none), not urn:QDA-XML:codebook:1.0"),
    ("<CodeBook NS>\n</CodeBook>", 1, "no Codes element"),
    ("<CodeBook NS><Codes>\n<Code guid='x' isCodable='true'/></Codes></CodeBook>", 2, "has no name"),
    ("<!-- coder codebook: {} --><CodeBook NS><Codes>\n<Code name='a'><Description>Id: same</Description></Code>\n"
     "<Code name='b'><Description>Id: same</Description></Code></Codes></CodeBook>", 3,
     "duplicate id 'same'"),
    ("<CodeBook NS><Codes>\n<Code name='a'>\n<Code name='b' color='blue'/></Code></Codes></CodeBook>",
     3, "not #RRGGBB"),
])
def test_bad_qdc_files_name_the_line(tmp_path, text, line, reason):
    path = tmp_path / "bad.qdc"
    path.write_text(text.replace(" NS>", f" xmlns='{CODEBOOK_NS}'>"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    assert caught.value.line == line and reason in str(caught.value)
    assert str(path) in str(caught.value)


def test_codes_that_lost_their_id_line_keep_their_id_by_guid(tmp_path):
    out = tmp_path / "framework.qdc"
    write_codebook(read_codebook(SHIPPED), out)
    text = out.read_text(encoding="utf-8").replace("Id: caseload", "").replace("Id: workload", "")
    out.write_text(text, encoding="utf-8")
    assert read_codebook(out).codes[0].id == "caseload_size_and_allocation"
    book = read_codebook(out, known_ids=["caseload", "workload", "staffing"])
    assert book.codes[0].id == "caseload" and book.themes[0].id == "workload"


def test_labels_two_codes_share_are_written_apart_and_read_back_as_they_were(tmp_path):
    """QualCoder and ATLAS.ti keep one code per name: a label a theme or code earlier in the file
    has is written with its theme's label (ignoring case), and a `Label:` line gives it back. Characters
    XML cannot hold become U+FFFD instead of making the file unreadable."""
    book = read_codebook(SHIPPED)
    first, second = book.codes[0], book.codes[5]
    book = dataclasses.replace(book, codes=tuple(
        dataclasses.replace(c, label=first.label.upper()) if c.id == second.id
        else dataclasses.replace(c, definition="pasted\x0bfrom Word") if c.id == first.id else c
        for c in book.codes))
    out = tmp_path / "framework.qdc"
    write_codebook(book, out)
    root = etree.parse(str(out)).getroot()
    assert codebook_schema().validate(root), codebook_schema().error_log
    names = [code.get("name") for code in root.iter(f"{{{CODEBOOK_NS}}}Code")]
    assert len(set(n.casefold() for n in names)) == len(names)
    theme = next(t.label for t in book.themes if t.id == second.theme_id)
    assert f"{first.label.upper()} ({theme})" in names
    back = read_codebook(out)
    assert [c.label for c in back.codes] == [c.label for c in book.codes]
    assert back.codes[0].definition == "pasted\ufffdfrom Word"


def test_a_codes_key_goes_through_a_qdc_to_a_new_project(tmp_path):
    """A code's keyboard key rides in its `Key:` line, as .qdpx carries it in coder.json."""
    keyed = SHIPPED.read_text(encoding="utf-8").replace('        index: "1.1"\n',
                                                        '        index: "1.1"\n        key: z\n', 1)
    (tmp_path / "keyed.yaml").write_text(keyed, encoding="utf-8")
    for args in (("init", tmp_path / "p.coder", "--codebook", tmp_path / "keyed.yaml"),
                 ("codebook", "export", tmp_path / "p.coder", tmp_path / "book.qdc"),
                 ("init", tmp_path / "q.coder", "--codebook", tmp_path / "book.qdc")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
    assert "Key: z" in (tmp_path / "book.qdc").read_text(encoding="utf-8")
    conn = open_project(tmp_path / "q.coder", readonly=True)
    assert conn.execute("SELECT key FROM codes WHERE id = 'caseload'").fetchone() == ("z",)
    conn.close()


NVIVO = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{CODEBOOK_NS}" origin="NVivo 14">
  <Codes>
    <Code guid="00000000-0000-0000-0000-000000000001" name="Workload" isCodable="true">
      <Description>About work.
Keywords: count; cases
Index: 7
Retired: yes</Description>
      <Code guid="00000000-0000-0000-0000-000000000002" name="Caseload" isCodable="true">
        <Description>Id: Q7 interview
Include:
- anything</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>
"""


def test_a_key_the_coding_screen_cannot_give_is_dropped_and_the_yaml_export_reads_back(tmp_path):
    """A .qdc's `Key: c` (the picker's key) went in unchecked, and the YAML export of the project
    then wrote `key: c`, which the YAML reader refuses: coder could not read its own export."""
    book = read_codebook(SHIPPED)
    keyed = {"caseload": "c", "staffing": ",", "paperwork": "z"}
    write_codebook(dataclasses.replace(book, codes=tuple(dataclasses.replace(c, key=keyed.get(c.id, c.key))
                                                         for c in book.codes)), tmp_path / "keys.qdc")
    back = {c.id: c.key for c in read_codebook(tmp_path / "keys.qdc").codes}
    assert (back["caseload"], back["staffing"], back["paperwork"]) == (None, None, "z")
    held = dataclasses.replace(book, codes=tuple(dataclasses.replace(c, key=keyed.get(c.id, c.key)) for c in book.codes))
    write_codebook(held, tmp_path / "old.yaml")   # a project stored such keys before they were checked
    again = {c.id: c.key for c in read_codebook(tmp_path / "old.yaml").codes}
    assert (again["caseload"], again["staffing"], again["paperwork"]) == (None, None, "z")


def test_another_programs_descriptions_are_definitions_whole(tmp_path):
    """Lines such as "Index: 7" are coder's fields only in a .qdc coder wrote (its comment says so);
    in another program's they are the researcher's text."""
    path = tmp_path / "nvivo.qdc"
    path.write_text(NVIVO, encoding="utf-8")
    done = run_cli("init", tmp_path / "p.coder", "--codebook", path)
    assert done.returncode == 0, done.stderr
    book = read_codebook(path)
    theme, code = book.themes[0], book.codes[0]
    assert (theme.id, theme.index, theme.retired) == ("workload", "1", False)
    assert theme.description == "About work.\nKeywords: count; cases\nIndex: 7\nRetired: yes"
    assert (code.id, code.index, code.keywords, code.include) == ("caseload", "1.1", (), ())
    assert code.definition == "Id: Q7 interview\nInclude:\n- anything"
    marked = tmp_path / "coder.qdc"
    marked.write_text(NVIVO.replace("\n<CodeBook", '\n<!-- coder codebook: {"name": "n"} -->\n<CodeBook')
                      .replace("Id: Q7 interview", "Id: q7"), encoding="utf-8")
    book = read_codebook(marked)
    assert (book.themes[0].index, book.themes[0].retired, book.codes[0].id) == ("7", True, "q7")
    assert book.codes[0].include == ("anything",) and book.name == "n"


def test_a_qdc_another_program_saved_again_keeps_coders_fields_by_its_id_lines(tmp_path):
    """MAXQDA saving coder's .qdc again keeps the Descriptions but drops coder's comment and
    gives every code a new GUID: the codes were read as new ones (imported, 29 added and 28
    retired), their rules and keywords left in their definitions as "Keywords: ..." lines."""
    original = read_codebook(SHIPPED)
    path = tmp_path / "book.qdc"
    write_codebook(original, path)
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    count = iter(range(10_000))
    text = re.sub(r'guid="[^"]+"', lambda _: f'guid="{uuid.UUID(int=next(count) + 1)}"', text)
    resaved = tmp_path / "resaved.qdc"
    resaved.write_text(text, encoding="utf-8")
    again = read_codebook(resaved)
    fields = lambda book: [(c.id, c.index, c.label, c.definition, c.include, c.keywords)  # noqa: E731
                           for c in book.codes]
    assert fields(again) == fields(original)
