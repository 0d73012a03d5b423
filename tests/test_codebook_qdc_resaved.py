"""A coder .qdc saved again by another program (MAXQDA, QualCoder) and imported back into the project.

Those programs keep each code's Description, coder's labelled lines in it, but drop
coder's comment, may give every code a GUID of their own, and QualCoder (which has no
category under a code) moves a non-codable sub-code with sub-codes to the top level.
The codebook must come back as it was: ids, rules, keywords, keys, retirement, labels,
nesting.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest
from helpers import file_digest, one_line_error, run_cli

from coder.codebook.files import read_codebook
from coder.codebook.qdc import CODEBOOK_NS
from coder.store import open_project
from coder.store.codebook_read import load_codebook

# Every kind of trailer line coder writes: rules, keywords, a key, a retired code, a label two
# codes share (the second goes out as "Other (Support)" with a `Label:` line), and a non-codable
# sub-code with a sub-code of its own, between two others.
BOOK = """\
name: Round trip
version: "3"
method: thematic
themes:
  - id: workload
    label: Workload
    description: About workload
    codes:
      - id: caseload
        label: Caseload
        definition: "Too many cases.\\nA second line."
        include: [high caseloads]
        exclude: [staffing as such]
        keywords: [caseload, cases]
        key: z
        codes:
          - id: caseload_size
            label: Size
          - id: caseload_weighting
            label: Weighting
            codable: false
            codes:
              - id: weighting_tool
                label: Weighting tool
                key: w
                codes:
                  - id: points
                    label: Points
          - id: caseload_mix
            label: Mix
      - id: other_w
        label: Other
      - id: oldcode
        label: Old code
        retired: true
  - id: support
    label: Support
    codes:
      - id: supervision
        label: Supervision
        definition: Rare or missing supervision.
      - id: other_s
        label: Other
        key: o
"""

TAG = f"{{{CODEBOOK_NS}}}Code"


@pytest.fixture
def exported(tmp_path):
    """A project made from BOOK and its codebook exported by `coder codebook export`."""
    (tmp_path / "book.yaml").write_text(BOOK, encoding="utf-8")
    for args in (("init", tmp_path / "p.coder", "--codebook", tmp_path / "book.yaml"),
                 ("codebook", "export", tmp_path / "p.coder", tmp_path / "book.qdc")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
    return tmp_path / "p.coder", tmp_path / "book.qdc"


def saved_again(qdc, out, *, new_guids: bool, lift: tuple[str, ...] = (), drop: str | None = None):
    """`qdc` as another program saves it to `out`: coder's comment gone (ElementTree drops
    comments), with `new_guids` every Code a GUID of its own (MAXQDA, QualCoder); the Codes
    named in `lift` moved to the top level in that order, their sub-codes with them (QualCoder),
    and the one named `drop` left out."""
    tree = ET.parse(qdc)
    codes = tree.getroot()[0]
    parents = {child: parent for parent in tree.iter() for child in parent}
    named = {element.get("name"): element for element in tree.iter(TAG)}
    if new_guids:
        for number, element in enumerate(named.values(), start=1):
            element.set("guid", str(uuid.UUID(int=number)))
    for name in lift:
        parents[named[name]].remove(named[name])
        codes.append(named[name])
    if drop:
        parents[named[drop]].remove(named[drop])
    ET.register_namespace("", CODEBOOK_NS)
    tree.write(out, encoding="utf-8", xml_declaration=True)
    assert "coder codebook" not in out.read_text(encoding="utf-8")
    return out


def codebook_of(project):
    conn = open_project(project, readonly=True)
    try:
        return load_codebook(conn)
    finally:
        conn.close()


@pytest.mark.parametrize("new_guids", [False, True], ids=["maxqda", "new-guids"])
def test_a_resaved_qdc_imports_back_unchanged(exported, tmp_path, new_guids):
    """The Description ends in `Key:`, `Retired:` or `Label:` after its `Id:` line: read as
    coder's lines all the same (were: 6 updated, rules and keys in the definitions, the retired
    code brought back renamed "Old code (retired)"; with new GUIDs 3 added and 4 retired)."""
    project, qdc = exported
    before = codebook_of(project)
    resaved = saved_again(qdc, tmp_path / "resaved.qdc", new_guids=new_guids)
    done = run_cli("codebook", "import", project, resaved)
    assert done.returncode == 0, done.stderr
    assert "0 added, 0 updated, 0 retired" in done.stdout
    after = codebook_of(project)
    assert (after.themes, after.codes) == (before.themes, before.codes)
    caseload = next(c for c in after.codes if c.id == "caseload")
    assert (caseload.definition, caseload.include, caseload.key) == ("Too many cases.\nA second line.",
                                                                    ("high caseloads",), "z")


@pytest.mark.parametrize("lift", [("Weighting",), ("Weighting", "Weighting tool"), ("Weighting tool", "Weighting")])
def test_a_category_qualcoder_moved_to_the_top_level_goes_back_under_its_code(exported, tmp_path, lift):
    """QualCoder has no category under a code: "Weighting" (not codable, under "Caseload") comes
    back at the top level, where a .qdc has themes (was: "id 'caseload_weighting' is already used
    by a theme or code in this project", exit 1); so may a code under it with codes of its own."""
    project, qdc = exported
    before = codebook_of(project)
    resaved = saved_again(qdc, tmp_path / "qualcoder.qdc", new_guids=True, lift=lift)
    assert len(read_codebook(resaved).themes) == 2 + len(lift)
    done = run_cli("codebook", "import", project, resaved)
    assert done.returncode == 0, done.stderr
    assert "0 added, 0 updated, 0 retired" in done.stdout
    after = codebook_of(project)
    assert (after.themes, after.codes) == (before.themes, before.codes)


def test_a_lifted_category_whose_place_is_gone_is_one_clear_line(exported, tmp_path):
    """"Weighting" at the top level, and neither "Caseload" nor "Workload" in the file: nowhere to
    put it back, and a theme cannot take a code's id."""
    project, qdc = exported
    resaved = saved_again(qdc, tmp_path / "qualcoder.qdc", new_guids=True, lift=("Weighting",),
                          drop="Workload")
    digest = file_digest(project)
    line = one_line_error(run_cli("codebook", "import", project, resaved))
    assert str(resaved) in line and "'Weighting'" in line and "'Caseload'" in line
    assert "Id:" in line
    assert file_digest(project) == digest
    # The import would have retired codes, so a safety copy was made first: the project is as it
    # was, and the copy is not left behind.
    assert sorted(p.name for p in project.parent.iterdir() if p.name.startswith(project.name)) == [project.name]


def test_a_lifted_category_without_its_parent_goes_under_its_theme(exported, tmp_path):
    """Its parent code gone from the file (and so retired), the category goes back directly under
    its theme, with its sub-codes."""
    project, qdc = exported
    resaved = saved_again(qdc, tmp_path / "qualcoder.qdc", new_guids=True, lift=("Weighting",),
                          drop="Caseload")
    done = run_cli("codebook", "import", project, resaved)
    assert done.returncode == 0, done.stderr
    codes = {c.id: c for c in codebook_of(project).codes}
    assert codes["caseload"].retired and not codes["caseload_weighting"].retired
    assert (codes["caseload_weighting"].theme_id, codes["caseload_weighting"].parent_id) == ("workload", None)
    assert (codes["weighting_tool"].theme_id, codes["weighting_tool"].parent_id) == ("workload",
                                                                                      "caseload_weighting")


@pytest.mark.parametrize("text, definition, fields", [
    ("Notes.\n\nIndex: 1.1\nId: caseload\nKey: z\nRetired: yes\nLabel: Other",
     "Notes.", {"id": "caseload", "key": "z", "retired": "yes", "label": "Other"}),
    ("Notes.\n- a list\nInclude:\n- x\nIndex: 1.1\nId: t", "Notes.\n- a list", {"id": "t", "include": ["x"]}),
    ("Notes.\n\nInclude:\n\n- x\n\nIndex: 1.1\n\nId: t\n", "Notes.", {"id": "t", "include": ["x"]}),
    ("Id: caseload\nSee the manual.", "Id: caseload\nSee the manual.", {}),
    ("Keywords: a; b\nIndex: 7", "Keywords: a; b\nIndex: 7", {}),
    # A researcher's note that merely ends in labelled lines is not coder's block (a review found
    # the code renamed "Important", its id T7 and its note cut).
    ("Used for tagging.\n\nIndex: see appendix\nId: T7\nLabel: Important",
     "Used for tagging.\n\nIndex: see appendix\nId: T7\nLabel: Important", {}),
    ("Shortcut noted.\nKey: ctrl+k\nId: K1", "Shortcut noted.\nKey: ctrl+k\nId: K1", {}),
    ("Old code.\nIndex: 4\nId: R1\nRetired: no", "Old code.\nIndex: 4\nId: R1\nRetired: no", {}),
    ("Quote from a participant.\nId: 1", "Quote from a participant.\nId: 1", {}),
])
def test_another_programs_description_is_read_by_the_block_it_ends_in(tmp_path, text, definition, fields):
    """In a file without coder's comment, labelled lines count only as the block a Description
    ends in (blank lines between them allowed), an `Id:` line among them; text after them, or no
    `Id:` line, and it is the definition."""
    path = tmp_path / "other.qdc"
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook")
    ET.SubElement(ET.SubElement(ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), TAG, name="Solo"),
                  f"{{{CODEBOOK_NS}}}Description").text = text
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    code = read_codebook(path).codes[0]
    assert code.definition == definition
    assert code.id == fields.get("id", "solo") and code.key == fields.get("key")
    assert code.retired == ("retired" in fields) and code.label == fields.get("label", "Solo")
    assert list(code.include) == fields.get("include", [])
