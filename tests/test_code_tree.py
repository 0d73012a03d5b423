"""The code tree: sub-codes at any depth, codability as it came, through YAML, .qdc and .qdpx."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import PROJECT_XSD, one_line_error, run_cli
from lxml import etree
from qdpx_files import make_qdpx, qde
from tui_driver import run, running

from coder.codebook.edit import move_code_to_theme
from coder.codebook.files import read_codebook, write_codebook
from coder.codebook.merge import merge_codebook
from coder.errors import CoderError
from coder.history import History
from coder.merge import merge_project
from coder.refi.reader import import_qdpx
from coder.refi.writer import write_qdpx
from coder.store import create_project, open_project
from coder.store.codebook import add_code, delete_unused_code, update_code
from coder.store.codebook_read import load_codebook
from coder.store.codings import add_coding
from coder.store.events import list_events
from coder.store.responses import insert_responses
from coder.tui.widgets.codebook_panel import CodebookPanel

NS = {"q": "urn:QDA-XML:project:1.0"}

TREE_YAML = """\
name: Practice
themes:
  - id: curriculum
    label: Curriculum
    codable: true
    description: What is taught
    codes:
      - id: scope
        label: Scope and sequence
        codable: false
        definition: Which topics, in which order.
        codes:
          - id: alignment
            label: Alignment
            color: "#112233"
            keywords: [aligned, standards]
            codes:
              - id: state_standards
                label: State standards
                definition: |-
                  Alignment to the state's standards.

                  Include: named standards.
      - id: pacing
        label: Pacing
  - id: staffing
    label: Staffing
    codes:
      - id: vacancies
        label: Vacancies
"""


def _tree(book) -> list[tuple]:
    return [(c.id, c.theme_id, c.parent_id, c.index, c.label, c.definition, c.color, c.keywords,
             c.codable) for c in book.codes]


def _tree_project(tmp_path: Path) -> Path:
    source = tmp_path / "tree.yaml"
    source.write_text(TREE_YAML, encoding="utf-8")
    path = tmp_path / "tree.coder"
    create_project(path, setup=lambda conn: merge_codebook(conn, read_codebook(source), "alice")).close()
    conn = open_project(path)
    insert_responses(conn, [("r1", "Aligned to the standards, taught in order.", {}), ("r2", "No staff.", {})])
    add_coding(conn, "r1", "state_standards", "alice", start=0, end=7)
    add_coding(conn, "r1", "alignment", "alice")
    add_coding(conn, "r2", "vacancies", "bob")
    conn.close()
    return path


def test_yaml_sub_codes_read_at_any_depth_and_round_trip(tmp_path):
    source = tmp_path / "tree.yaml"
    source.write_text(TREE_YAML, encoding="utf-8")
    book = read_codebook(source)
    assert [(c.id, c.parent_id, c.index, c.codable) for c in book.codes] == [
        ("scope", None, "1.1", False), ("alignment", "scope", "1.1.1", True),
        ("state_standards", "alignment", "1.1.1.1", True), ("pacing", None, "1.2", True),
        ("vacancies", None, "2.1", True)]
    assert [t.codable for t in book.themes] == [True, False]
    assert book.depths() == {"scope": 0, "alignment": 1, "state_standards": 2, "pacing": 0, "vacancies": 0}
    assert book.roll_up()["state_standards"] == "scope"
    write_codebook(book, tmp_path / "again.yaml")
    again = read_codebook(tmp_path / "again.yaml")
    assert _tree(again) == _tree(book) and again.themes == book.themes


def test_a_merge_adds_and_moves_sub_codes_and_keeps_them_in_the_project(tmp_path):
    path = _tree_project(tmp_path)
    conn = open_project(path)
    assert _tree(load_codebook(conn)) == _tree(read_codebook(tmp_path / "tree.yaml"))
    changed = TREE_YAML.replace("      - id: pacing\n", "          - id: pacing\n").replace(
        "        label: Pacing\n", "            label: Pacing\n")   # pacing becomes a sub-code of scope
    (tmp_path / "changed.yaml").write_text(changed, encoding="utf-8")
    report = merge_codebook(conn, read_codebook(tmp_path / "changed.yaml"), "alice")
    assert "pacing" in report.updated
    assert {c.id: c.parent_id for c in load_codebook(conn).codes}["pacing"] == "scope"
    conn.close()


def test_the_store_refuses_a_loop_a_missing_parent_and_orphaning_sub_codes(tmp_path):
    conn = open_project(_tree_project(tmp_path))
    with pytest.raises(CoderError, match="itself one of its sub-codes"):
        update_code(conn, "scope", "alice", parent_id="state_standards")
    with pytest.raises(CoderError, match="no parent code"):
        add_code(conn, load_codebook(conn).codes[-1].__class__("new", "curriculum", "1.9", "New",
                                                               parent_id="nowhere"), "alice")
    with pytest.raises(CoderError, match="has sub-codes"):
        delete_unused_code(conn, "scope", "alice")
    conn.close()


def test_a_qdc_writes_nested_codes_with_their_codability_and_reads_them_back(tmp_path):
    book = read_codebook(Path(_tree_project(tmp_path)).with_name("tree.yaml"))
    write_codebook(book, tmp_path / "tree.qdc")
    root = etree.parse(str(tmp_path / "tree.qdc")).getroot()
    c = "{urn:QDA-XML:codebook:1.0}Code"
    curriculum = root[0][0]
    assert (curriculum.get("name"), curriculum.get("isCodable")) == ("Curriculum", "true")
    scope = curriculum.find(c)
    assert (scope.get("name"), scope.get("isCodable")) == ("Scope and sequence", "false")
    assert scope.find(c).find(c).get("name") == "State standards"
    again = read_codebook(tmp_path / "tree.qdc")
    assert _tree(again) == _tree(book) and again.themes == book.themes


def _codes(qdpx: Path) -> list[tuple]:
    """Each Code of a .qdpx's CodeBook: (GUID, parent's GUID, name, isCodable, colour, Description)."""
    root = qde(qdpx)
    schema = etree.XMLSchema(etree.parse(str(PROJECT_XSD)))
    assert schema.validate(root), schema.error_log
    found = []
    for code in root.iterfind(".//q:Code", NS):
        parent = code.getparent()
        found.append((code.get("guid"), parent.get("guid") if parent.tag.endswith("}Code") else None,
                      code.get("name"), code.get("isCodable"), code.get("color"),
                      code.findtext("q:Description", namespaces=NS)))
    return found


def test_a_coder_made_tree_round_trips_through_qdpx_with_guids_parents_and_codability(tmp_path):
    conn = open_project(_tree_project(tmp_path), readonly=True)
    write_qdpx(conn, tmp_path / "out.qdpx")
    original = load_codebook(conn)
    conn.close()
    first = _codes(tmp_path / "out.qdpx")
    assert [(name, codable) for _, _, name, codable, _, _ in first][:5] == [
        ("Curriculum", "true"), ("Scope and sequence", "false"), ("Alignment", "true"),
        ("State standards", "true"), ("Pacing", "true")]
    descriptions = {name: text for _, _, name, _, _, text in first}
    assert descriptions["State standards"] == "Alignment to the state's standards.\n\nInclude: named standards."
    import_qdpx(tmp_path / "out.qdpx", tmp_path / "back.coder")
    back = open_project(tmp_path / "back.coder", readonly=True)
    copy = load_codebook(back)
    # A code without a colour goes out in the one coder shows it in, and comes back without one.
    assert _tree(copy) == _tree(original)
    assert [(t.id, t.label, t.description, t.codable) for t in copy.themes] == [
        (t.id, t.label, t.description, t.codable) for t in original.themes]
    write_qdpx(back, tmp_path / "again.qdpx")
    back.close()
    assert _codes(tmp_path / "again.qdpx") == first   # GUIDs, parents, names, codability, Descriptions


# NVivo's shape: every node codable, a six-deep tree, Descriptions of the researcher's own,
# two users who coded nothing.
NVIVO = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Curriculum study" origin="NVivo for Mac 15">
  <Users>
    <User guid="0a000000-0000-0000-0000-000000000001" name="RS"/>
    <User guid="0a000000-0000-0000-0000-000000000002" name="JL"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="0c000000-0000-0000-0000-000000000001" name="curriculum" isCodable="true" color="#A0C4FF">
      <Description>Everything on what is taught.</Description>
      <Code guid="0c000000-0000-0000-0000-000000000002" name="cs_scope_and_sequence" isCodable="true">
        <Code guid="0c000000-0000-0000-0000-000000000003" name="alignment" isCodable="true">
          <Description>Index: not coder's
Id: a line the researcher wrote</Description>
          <Code guid="0c000000-0000-0000-0000-000000000004" name="standards" isCodable="false">
            <Code guid="0c000000-0000-0000-0000-000000000005" name="state" isCodable="true">
              <Code guid="0c000000-0000-0000-0000-000000000006" name="alignment" isCodable="true" color="#FFADAD">
                <Description>Same name as an ancestor, six levels down.</Description>
              </Code>
            </Code>
          </Code>
        </Code>
      </Code>
    </Code>
    <Code guid="0c000000-0000-0000-0000-000000000007" name="pedagogy" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="0b000000-0000-0000-0000-000000000001" name="school_a">
      <PlainTextContent>We follow the state standards closely.</PlainTextContent>
      <PlainTextSelection guid="0d000000-0000-0000-0000-000000000001" startPosition="10" endPosition="29"
                          creatingUser="0a000000-0000-0000-0000-000000000001">
        <Coding guid="0e000000-0000-0000-0000-000000000001" creatingUser="0a000000-0000-0000-0000-000000000001">
          <CodeRef targetGUID="0c000000-0000-0000-0000-000000000006"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


def test_an_nvivo_shaped_six_deep_tree_imports_with_its_parents_and_goes_back_as_it_came(tmp_path):
    qdpx = tmp_path / "nvivo.qdpx"
    make_qdpx(qdpx, NVIVO)
    came = _codes(qdpx)
    import_qdpx(qdpx, tmp_path / "nvivo.coder")
    conn = open_project(tmp_path / "nvivo.coder", readonly=True)
    book = load_codebook(conn)
    [curriculum, ungrouped] = book.themes
    assert (curriculum.label, curriculum.codable, curriculum.description) == (
        "curriculum", True, "Everything on what is taught.")
    chain = [(c.label, c.parent_id, c.codable) for c in book.codes_of(curriculum.id)]
    ids = [c.id for c in book.codes_of(curriculum.id)]
    assert chain == [("cs_scope_and_sequence", None, True), ("alignment", ids[0], True),
                     ("standards", ids[1], False), ("state", ids[2], True), ("alignment", ids[3], True)]
    assert book.depths()[ids[4]] == 4   # six levels with the theme: curriculum -> ... -> alignment
    assert book.codes[1].definition == "Index: not coder's\nId: a line the researcher wrote"
    coded = conn.execute("SELECT code_id, start, \"end\" FROM codings").fetchall()
    assert coded == [(ids[4], 10, 29)]
    write_qdpx(conn, tmp_path / "back.qdpx")
    conn.close()
    back = {guid: (parent, name, codable, colour, text)
            for guid, parent, name, codable, colour, text in _codes(tmp_path / "back.qdpx")}
    pedagogy = "0c000000-0000-0000-0000-000000000007"   # top-level without children: under "Ungrouped codes"
    second = "0c000000-0000-0000-0000-000000000006"   # the second "alignment": QualCoder keeps one code a name
    assert back[second][1] == "alignment (state)"
    for guid, parent, name, codable, colour, text in came:   # every Code as it came, colours given kept
        assert back[guid][1:3] + back[guid][4:] == ((name if guid != second else "alignment (state)"), codable, text)
        assert back[guid][0] == parent or guid == pedagogy
        assert colour is None or back[guid][3] == colour


def test_counts_list_every_sub_code_and_roll_them_up_on_request(tmp_path):
    project = _tree_project(tmp_path)
    assert run_cli("export", project, "counts", "--out", tmp_path / "each.csv").returncode == 0
    rolled = run_cli("export", project, "counts", "--roll-up", "--out", tmp_path / "up.csv")
    assert rolled.returncode == 0 and "sub-codes rolled up" in rolled.stdout
    each, up = (pd.read_csv(tmp_path / name, comment="#") for name in ("each.csv", "up.csv"))
    codes = lambda table: dict(zip(table.loc[table["row"] == "code", "code_label"],  # noqa: E731
                                   table.loc[table["row"] == "code", "responses"]))
    assert codes(each) == {"Scope and sequence": 0, "Alignment": 1, "State standards": 1, "Pacing": 0,
                           "Vacancies": 1}
    # r1 has two sub-codes of "Scope and sequence": once for it
    assert codes(up) == {"Scope and sequence": 1, "Pacing": 0, "Vacancies": 1}
    themes = lambda table: table.loc[table["row"] == "theme", "responses"].tolist()  # noqa: E731
    assert themes(each) == themes(up) == [1, 1]
    refused = run_cli("export", project, "qdpx", "--roll-up", "--out", tmp_path / "x.qdpx")
    assert "--roll-up applies to the tables" in one_line_error(refused)


def test_the_codebook_panel_nests_sub_codes_under_their_code_and_gives_codable_ones_keys(tmp_path):
    project = _tree_project(tmp_path)

    async def scenario():
        async with running(project) as (app, pilot, coding):
            tree = coding.query_one(CodebookPanel)
            curriculum = tree.root.children[0]
            [scope, pacing] = curriculum.children
            [alignment] = scope.children
            [standards] = alignment.children
            assert [n.data for n in (scope, alignment, standards, pacing)] == [
                "scope", "alignment", "state_standards", "pacing"]
            assert "State standards" in str(standards.label)
            assert {"alignment", "state_standards", "pacing"} <= set(coding.keys.values())
            assert "scope" not in coding.keys.values()   # not codable: a category of sub-codes

    run(scenario)


def test_codebook_show_indents_sub_codes_under_their_code(tmp_path):
    shown = run_cli("codebook", "show", _tree_project(tmp_path))
    assert shown.returncode == 0
    lines = {line.split()[-1]: line for line in shown.stdout.splitlines()[2:] if line.startswith("  ")}
    assert lines["alignment"].startswith("  1.1.1   Alignment")   # the index column, then two spaces a level
    assert lines["state_standards"].startswith("  1.1.1.1     State standards")


def test_a_project_merge_brings_new_sub_codes_parents_first_and_undo_takes_them_back(tmp_path):
    alice = _tree_project(tmp_path)
    bob = tmp_path / "bob.coder"
    shutil.copy(alice, bob)
    conn = open_project(bob)
    Code = type(load_codebook(conn).codes[0])
    add_code(conn, Code("district", "curriculum", "1.3", "District"), "bob")
    add_code(conn, Code("local_standards", "curriculum", "1.1.1.2", "Local standards", parent_id="alignment"),
             "bob")
    update_code(conn, "district", "bob", parent_id="local_standards")   # its parent's row comes after its own
    add_coding(conn, "r2", "district", "bob")
    conn.close()
    conn = open_project(alice)
    try:
        merge_project(conn, bob, "lead")
        parents = {c.id: c.parent_id for c in load_codebook(conn).codes}
        assert (parents["local_standards"], parents["district"]) == ("alignment", "local_standards")
        History(conn, "lead").undo()
        assert not {"local_standards", "district"} & {c.id for c in load_codebook(conn).codes}
    finally:
        conn.close()


def test_moving_a_code_to_another_theme_takes_its_sub_codes_and_leaves_its_parent(tmp_path):
    conn = open_project(_tree_project(tmp_path))
    try:
        move_code_to_theme(conn, "alignment", "staffing", "alice")
        codes = {c.id: (c.theme_id, c.parent_id) for c in load_codebook(conn).codes}
        assert codes["alignment"] == ("staffing", None)
        assert codes["state_standards"] == ("staffing", "alignment")
        assert codes["scope"] == ("curriculum", None)
    finally:
        conn.close()


def test_a_code_moved_with_its_sub_codes_comes_back_with_one_undo_and_goes_again_with_one_redo(tmp_path):
    """The first undo left the sub-codes in the new theme; each took one more."""
    conn = open_project(_tree_project(tmp_path))
    try:
        def layout():
            return [(c.id, c.theme_id, c.parent_id, c.index) for c in load_codebook(conn).codes]

        before = layout()
        move_code_to_theme(conn, "alignment", "staffing", "alice")
        moved = layout()
        assert [e.action for e in list_events(conn, newest_first=True, limit=1)] == ["codebook.code.move"]
        history = History(conn, "alice")
        history.undo()
        assert layout() == before
        history.redo()
        assert layout() == moved
        History(conn, "alice").undo()      # another session takes the same step back
        assert layout() == before
    finally:
        conn.close()
