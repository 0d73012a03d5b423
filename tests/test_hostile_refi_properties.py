"""Property tests for the REFI-QDA readers: whatever a .qdc codebook or a .qdpx project holds
(random bytes, random element trees, odd attributes, deep nesting, nasty text), reading it
ends in a codebook or project, or in a one-line CoderError; a failed import leaves no project."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import CoderError
from coder.codebook.qdc_file import read_qdc
from coder.refi.reader import import_qdpx

pytestmark = pytest.mark.slow  # many generated files, or real processes: `pytest -m "not slow"` skips them

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NAMES = st.sampled_from(["Code", "Codes", "CodeBook", "Description", "TextSource", "Sources",
                         "PlainTextSelection", "Coding", "CodeRef", "Note", "Notes", "Users", "User",
                         "Case", "Cases", "SourceRef", "PlainTextContent", "Project", "x"])
VALUES = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "0", "-1", "999999999999", "aaaaaaaa-0000-0000-0000-000000000001", "internal://one.txt",
     "../../etc/passwd", "\u202e", "👩‍👩‍👧", "&amp;", "true", "#12345G"]))
ATTRIBUTES = st.dictionaries(st.sampled_from(["guid", "name", "startPosition", "endPosition", "targetGUID",
                                              "plainTextPath", "creatingUser", "isCodable", "color"]),
                             VALUES, max_size=5)


def escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\x00", "").replace("\r", ""))


@st.composite
def trees(draw, depth: int = 0) -> str:
    """A random element with random attributes, text and children, as XML text."""
    name = draw(NAMES)
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in draw(ATTRIBUTES).items())
    children = draw(st.lists(trees(depth + 1), max_size=0 if depth > 4 else 4))
    text = escape(draw(st.text(max_size=10)))
    return f"<{name}{attrs}>{text}{''.join(children)}</{name}>"


def one_line_or_success(action) -> None:
    try:
        action()
    except CoderError as exc:
        assert "\n" not in str(exc), str(exc)


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_qdc_or_a_qdpx(tmp_path, data):
    (tmp_path / "b.qdc").write_bytes(data)
    one_line_or_success(lambda: read_qdc(tmp_path / "b.qdc"))
    (tmp_path / "b.qdpx").write_bytes(data)
    imported_or_nothing(tmp_path / "b.qdpx", tmp_path / "b.coder")


@SETTINGS
@given(tree=trees())
def test_random_element_trees_as_a_codebook(tmp_path, tree):
    path = tmp_path / "t.qdc"
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                    f"<Codes>{tree}</Codes></CodeBook>\n", encoding="utf-8")
    one_line_or_success(lambda: read_qdc(path))


@SETTINGS
@given(tree=trees(), text=st.text(max_size=200))
def test_random_element_trees_as_a_project(tmp_path, tree, text):
    path, project = tmp_path / "t.qdpx", tmp_path / "t.coder"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", f'<?xml version="1.0" encoding="utf-8"?>\n'
                                        f'<Project name="p" xmlns="urn:QDA-XML:project:1.0">{tree}</Project>\n')
        archive.writestr("sources/one.txt", text)
    imported_or_nothing(path, project)


def imported_or_nothing(qdpx, project) -> None:
    """Import the .qdpx; it works, or it is a one-line CoderError and no project is left."""
    project.unlink(missing_ok=True)
    try:
        import_qdpx(qdpx, project)
    except CoderError as exc:
        assert "\n" not in str(exc), str(exc)
        assert not project.exists()
